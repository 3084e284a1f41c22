package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

func leaky() {
	ch := make(chan int)
	go func() { ch <- 1 }()
}

func main() {
	for i := 0; i < 3; i++ { leaky() }
	keep := make(chan int)
	go func() { <-keep }()
	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	p := pprof.Lookup("goroutineleak")
	if p == nil { println("no goroutineleak profile"); os.Exit(1) }
	p.WriteTo(os.Stdout, 2)
	keep <- 1
}
