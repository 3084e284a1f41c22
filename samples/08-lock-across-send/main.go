// 08-lock-across-send — a lock held across a channel send whose receiver
// needs that lock.
//
// The hang: main.(*Registry).publish locks r.mu, updates the state and then,
// STILL HOLDING r.mu, sends the update on the unbuffered r.updates channel.
// The only receiver, main.(*Registry).applyUpdates, takes each update and
// then locks r.mu to apply it. The publisher (main.publishLoop) publishes
// again at once, while the receiver is still busy (20 ms) with the previous
// update, so: publish holds mu and waits for the receiver; the receiver
// waits for mu. Wait-for cycle:
// publish -> (channel r.updates) -> applyUpdates -> (mutex r.mu) -> publish.
// main.(*Registry).snapshot, called every 10 ms by main.serveSnapshots,
// then blocks on r.mu for ever as well (stuck behind the cycle).
//
// main (main.keepServing) and a ticker goroutine (main.rotateLogs) keep
// running.
package main

import (
	"flag"
	"fmt"
	"sync"
	"time"

	"gotrex/samples/internal/rec"
)

type update struct {
	key   string
	value int
}

type Registry struct {
	mu      sync.Mutex
	state   map[string]int
	applied int
	updates chan update
}

func main() {
	flag.Parse()
	rec.Start(200 * time.Millisecond)

	r := &Registry{state: map[string]int{}, updates: make(chan update)}
	go r.applyUpdates()
	go publishLoop(r)
	go serveSnapshots(r)
	go rotateLogs()
	keepServing()
}

// publish records an update and notifies the applier — with the lock held.
func (r *Registry) publish(u update) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.state[u.key] = u.value
	r.updates <- u // BUG: sends while holding r.mu
}

// applyUpdates receives updates and applies them under r.mu.
func (r *Registry) applyUpdates() {
	for u := range r.updates {
		time.Sleep(20 * time.Millisecond) // validate the update
		r.mu.Lock()
		r.applied++
		_ = u
		r.mu.Unlock()
	}
}

// snapshot copies the state under r.mu.
func (r *Registry) snapshot() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.state))
	for k, v := range r.state {
		out[k] = v
	}
	return out
}

func publishLoop(r *Registry) {
	for i := 0; ; i++ {
		r.publish(update{key: fmt.Sprintf("k%d", i%4), value: i})
	}
}

func serveSnapshots(r *Registry) {
	for {
		time.Sleep(10 * time.Millisecond)
		_ = r.snapshot()
	}
}

// rotateLogs wakes on a ticker; alive.
func rotateLogs() {
	t := time.NewTicker(15 * time.Millisecond)
	defer t.Stop()
	rotations := 0
	for range t.C {
		rotations++
	}
}

// keepServing is main's own loop; it never stops.
func keepServing() {
	for {
		time.Sleep(25 * time.Millisecond)
	}
}
