// traceprog records a short execution trace that exercises most event
// kinds: goroutine create/block/unblock, channels, mutexes, sleeps,
// syscalls, GC, user tasks/regions/logs, and (Go >= 1.23) iter.Pull
// coroutine switches when built with the coro tag. Used by
// tests/trace_crosscheck.sh.
//
// Usage: go run . OUT.trace
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

var sink [][]byte

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: traceprog OUT")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, task := trace.NewTask(context.Background(), "main task")
	trace.Log(ctx, "phase", "start \"quoted\" \t tab \u00e9")

	var wg sync.WaitGroup
	var mu sync.Mutex
	ch := make(chan int)
	counter := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sub, t := trace.NewTask(ctx, fmt.Sprintf("worker %d", i))
			defer t.End()
			for j := 0; j < 200; j++ {
				trace.WithRegion(sub, "work", func() {
					mu.Lock()
					counter++
					mu.Unlock()
					sink = append(sink, make([]byte, 4096))
					if len(sink) > 512 {
						sink = nil
					}
				})
				if j%50 == 0 {
					runtime.Gosched()
					time.Sleep(100 * time.Microsecond)
				}
			}
			ch <- i
		}(i)
	}
	go func() {
		wg.Wait()
		close(ch)
	}()
	for v := range ch {
		trace.Logf(ctx, "done", "worker %d", v)
	}
	// A few syscalls.
	for i := 0; i < 20; i++ {
		fi, err := os.Stat(os.Args[1])
		if err == nil {
			_ = fi.Size()
		}
	}
	coro()
	runtime.GC()
	task.End()
	time.Sleep(10 * time.Millisecond)
	trace.Stop()
	f.Close()
}
