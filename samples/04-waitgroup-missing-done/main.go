// 04-waitgroup-missing-done — a WaitGroup that never reaches zero.
//
// The hang: main.processBatch starts one main.processItem goroutine per item
// and waits on a sync.WaitGroup. processItem returns early on an invalid
// item without calling Done (the defer is placed after the early return), so
// the counter stays at 1 and main waits in WaitGroup.Wait for ever, although
// every worker has finished. main.reportWhenDone waits for a channel that
// processBatch would close afterwards, so it is stuck too. There is no
// wait-for cycle: the goroutine that should have called Done is gone.
//
// The program is not globally dead: main.flushMetrics keeps ticking.
package main

import (
	"flag"
	"strings"
	"sync"
	"time"

	"gotrex/samples/internal/rec"
)

type item struct {
	id   int
	name string
}

var (
	resultsMu sync.Mutex
	results   = map[int]string{}
)

func main() {
	flag.Parse()
	rec.Start(200 * time.Millisecond)

	go flushMetrics()
	done := make(chan struct{})
	go reportWhenDone(done)

	items := make([]item, 8)
	for i := range items {
		items[i] = item{id: i, name: "item"}
	}
	items[5].name = "" // invalid: its worker forgets Done
	processBatch(items)
	close(done)
}

// processBatch fans out and waits for all items; Wait never returns.
func processBatch(items []item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go processItem(&wg, it)
	}
	wg.Wait()
}

// processItem handles one item. BUG: the early return skips wg.Done.
func processItem(wg *sync.WaitGroup, it item) {
	if it.name == "" {
		return // forgot wg.Done()
	}
	defer wg.Done()
	time.Sleep(time.Duration(it.id) * time.Millisecond)
	resultsMu.Lock()
	results[it.id] = strings.ToUpper(it.name)
	resultsMu.Unlock()
}

// reportWhenDone waits for the batch to finish.
func reportWhenDone(done <-chan struct{}) {
	<-done
	resultsMu.Lock()
	n := len(results)
	resultsMu.Unlock()
	_ = n
}

// flushMetrics keeps the process alive and busy.
func flushMetrics() {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	flushes := 0
	for range t.C {
		flushes++
	}
}
