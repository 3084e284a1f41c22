package main

//go:noinline
func rec(n int) int { return rec(n+1) + 1 }

func main() { rec(0) }
