package main

import "sync"

func main() {
	var mu sync.Mutex
	ch := make(chan int)
	mu.Lock()
	go func() { mu.Lock() }()
	go func() { ch <- 1; ch <- 2 }()
	<-ch
	var wg sync.WaitGroup
	wg.Add(1)
	wg.Wait()
}
