package main

import (
	"os"
	"runtime/pprof"
	"time"
)

func spawn(depth int, ch chan int) {
	if depth == 0 {
		<-ch
		return
	}
	go spawn(depth-1, ch)
	<-ch
}

func main() {
	ch := make(chan int)
	go spawn(2, ch)
	time.Sleep(100 * time.Millisecond)
	pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
}
