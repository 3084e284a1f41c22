package main

import (
	"runtime"
	"time"
)

var sink int

//go:noinline
func spin() {
	for {
		sink++
	}
}

func main() {
	runtime.GOMAXPROCS(2)
	go spin()
	time.Sleep(100 * time.Millisecond)
	panic("with a busy goroutine")
}
