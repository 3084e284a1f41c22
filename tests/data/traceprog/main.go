// traceprog records a short execution trace that exercises most event
// kinds: goroutine create/block/unblock, channels, mutexes, sleeps,
// syscalls (one blocking long enough for its P to be stolen), GC, CPU
// profile samples, user tasks/regions/logs, and (Go >= 1.23) iter.Pull
// coroutine switches. Used by
// tests/trace_crosscheck.sh.
//
// Usage: go run . OUT.trace
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"syscall"
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
	// CPU samples end up in the trace as StackSample events.
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	defer pprof.StopCPUProfile()
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
	blockingSyscall()
	spin(60 * time.Millisecond)
	coro()
	runtime.GC()
	task.End()
	time.Sleep(10 * time.Millisecond)
	trace.Stop()
	f.Close()
}

// blockingSyscall blocks a goroutine in read(2) on a pipe for a few ms:
// sysmon retakes its P (ProcSteal, GoSyscallEndBlocked).
func blockingSyscall() {
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		var b [1]byte
		syscall.Read(fds[0], b[:])
		close(done)
	}()
	time.Sleep(25 * time.Millisecond)
	syscall.Write(fds[1], []byte{1})
	<-done
	syscall.Close(fds[0])
	syscall.Close(fds[1])
}

// spin burns CPU so that the profiler takes samples.
func spin(d time.Duration) {
	end := time.Now().Add(d)
	x := 0
	for time.Now().Before(end) {
		for i := 0; i < 1000; i++ {
			x += i
		}
	}
	_ = x
}
