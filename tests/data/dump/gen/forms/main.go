package main

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"context"
	"sync"
	"time"
	"syscall"
)

type S struct{ a, b, c int; s string; x []int }

//go:noinline
func deep(n int, ch chan int) int {
	if n == 0 {
		<-ch
		return 0
	}
	return deep(n-1, ch) + 1
}

//go:noinline
func bigArgs(a S, b S, c int, ch chan int) {
	<-ch
}

var mu sync.Mutex
var rw sync.RWMutex

func main() {
	mode := os.Args[1]
	ch := make(chan int)
	go func() { var c chan int; <-c }()
	go func() { select {} }()
	go func() { time.Sleep(time.Hour) }()
	go func() { runtime.LockOSThread(); <-make(chan int) }()
	go deep(150, make(chan int))
	go deep(20, ch)
	go bigArgs(S{1, 2, 3, "hi", []int{1}}, S{}, 7, ch)
	mu.Lock()
	go func() { mu.Lock() }()
	rw.Lock()
	go func() { rw.RLock() }()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { wg.Wait() }()
	cond := sync.NewCond(&sync.Mutex{})
	go func() { cond.L.Lock(); cond.Wait() }()
	go func() { c2 := make(chan int); select { case <-c2: case c2 <- 1: } }()
	go func() { make(chan int) <- 1 }()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go func() { ln.Accept() }()
	go func() {
		pprof.Do(context.Background(), pprof.Labels("job", "ingest", "tenant", "a b"), func(context.Context) { <-ch })
	}()
	time.Sleep(200 * time.Millisecond)
	switch mode {
	case "debug2":
		pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
	case "stack":
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		os.Stdout.Write(buf[:n])
	case "panic":
		var m map[string]int
		m["x"] = 1
	case "panicerr":
		defer func() { r := recover(); panic(fmt.Sprint("again: ", r)) }()
		panic("first\nmultiline")
	case "nilptr":
		var p *S
		fmt.Println(p.a)
	case "sigquit":
		syscall.Kill(os.Getpid(), syscall.SIGQUIT)
		time.Sleep(time.Second)
	case "deadlock":
		mu.Unlock(); rw.Unlock()
		<-ch
	}
}
