package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

func main() {
	var mu sync.Mutex
	mu.Lock()
	go func() { mu.Lock() }()
	go func() { <-make(chan int) }()
	go func() { runtime.LockOSThread(); <-make(chan int) }()
	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	time.Sleep(65 * time.Second)
	runtime.GC()
	runtime.GC()
	pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
	panic("boom after wait")
}
