package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var mu sync.Mutex
var rw sync.RWMutex
var wg sync.WaitGroup
var cond = sync.NewCond(&sync.Mutex{})
var block = make(chan int)
var block2 = make(chan int)

type Req struct {
	ID   int
	Name string
	Tags []string
}

//go:noinline
func handler(depth int, kind int, r Req) {
	if depth > 0 {
		handler(depth-1, kind, r)
		return
	}
	switch kind {
	case 0:
		<-block
	case 1:
		mu.Lock()
	case 2:
		rw.RLock()
	case 3:
		wg.Wait()
	case 4:
		cond.L.Lock()
		cond.Wait()
	case 5:
		select {
		case <-block:
		case <-time.After(time.Hour):
		}
	case 6:
		time.Sleep(time.Hour)
	case 7:
		block2 <- 1
	}
}

func main() {
	n := 100000
	mu.Lock()
	rw.Lock()
	wg.Add(1)
	for i := 0; i < n; i++ {
		go handler(3+i%9, i%8, Req{ID: i, Name: "req", Tags: []string{"a"}})
	}
	time.Sleep(2 * time.Second)
	f, _ := os.Create(os.Args[1])
	if len(os.Args) > 2 {
		buf := make([]byte, 512<<20)
		n := runtime.Stack(buf, true)
		f.Write(buf[:n])
	} else {
		pprof.Lookup("goroutine").WriteTo(f, 2)
	}
	f.Close()
}
