package main

import "runtime"

func main() {
	go func() { select {} }()
	runtime.Goexit()
}
