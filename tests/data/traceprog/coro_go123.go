//go:build go1.23

package main

import "iter"

// coro makes the runtime emit GoSwitch/GoCreateBlocked events (iter.Pull
// runs the iterator on a coroutine).
func coro() {
	seq := func(yield func(int) bool) {
		for i := 0; i < 5; i++ {
			if !yield(i) {
				return
			}
		}
	}
	next, stop := iter.Pull(iter.Seq[int](seq))
	defer stop()
	for {
		if _, ok := next(); !ok {
			break
		}
	}
}
