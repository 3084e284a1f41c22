package main

import "time"

func main() {
	m := map[int]int{}
	for i := 0; i < 4; i++ {
		go func() {
			for j := 0; ; j++ {
				m[j%100] = j
			}
		}()
	}
	time.Sleep(5 * time.Second)
}
