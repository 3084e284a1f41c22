// pprofgen writes small real profiles for gotrex's tests.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var mu sync.Mutex

func holder(d time.Duration) {
	mu.Lock()
	time.Sleep(d)
	mu.Unlock()
}

func contender(wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < 3; i++ {
		mu.Lock()
		time.Sleep(time.Millisecond)
		mu.Unlock()
	}
}

func blockedRecv(ch chan int) { <-ch }

func leaky() {
	ch := make(chan int)
	go func() { ch <- 1 }() // nobody ever receives: leaked
}

func write(dir, name, prof string, debug int) {
	p := pprof.Lookup(prof)
	if p == nil {
		fmt.Fprintf(os.Stderr, "no profile %s\n", prof)
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		panic(err)
	}
	if err := p.WriteTo(f, debug); err != nil {
		panic(err)
	}
	f.Close()
}

func main() {
	dir := flag.String("out", ".", "output directory")
	flag.Parse()
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)

	ch := make(chan int)
	for i := 0; i < 3; i++ {
		go blockedRecv(ch)
	}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		pprof.Do(ctx, pprof.Labels("job", "ingest", "tenant", "ac\"me"), func(context.Context) {
			go blockedRecv(ch)
		})
	}
	pprof.Do(ctx, pprof.Labels("job", "report"), func(context.Context) {
		go blockedRecv(ch)
	})
	leaky()
	leaky()

	go holder(20 * time.Millisecond)
	time.Sleep(time.Millisecond)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go contender(&wg)
	}
	wg.Wait()
	time.Sleep(50 * time.Millisecond)

	write(*dir, "goroutine-debug1.txt", "goroutine", 1)
	write(*dir, "goroutine.pb.gz", "goroutine", 0)
	write(*dir, "mutex-debug1.txt", "mutex", 1)
	write(*dir, "mutex.pb.gz", "mutex", 0)
	write(*dir, "block-debug1.txt", "block", 1)
	write(*dir, "block.pb.gz", "block", 0)
	if pprof.Lookup("goroutineleak") != nil {
		write(*dir, "goroutineleak-debug1.txt", "goroutineleak", 1)
		write(*dir, "goroutineleak.pb.gz", "goroutineleak", 0)
	}
}
