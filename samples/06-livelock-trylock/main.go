// 06-livelock-trylock — a LIVELOCK: nobody is blocked for long, nobody
// makes progress.
//
// The hang: two main.transferWithRetry goroutines move money between
// accounts A and B, in opposite directions. Each locks its source account,
// TryLocks the destination and, when that fails, releases the source, backs
// off and retries. They are "polite": each tries the destination only once
// the other has started its attempt too (so as not to grab both locks while
// the other is between attempts), and gives up only once the other has tried
// as well (so as not to give up needlessly). That politeness keeps them in
// lock step whatever the scheduler does: every TryLock finds the other's
// account locked, and no transfer ever completes. They only sleep briefly
// between polls or run; TryLock never blocks; the runtime sees nothing wrong.
// Each attempt is a trace region "transferAttempt" and each failure logs
// "backoff" (category "transfer") in the execution trace.
//
// main (main.monitorProgress) keeps sleeping and checking the counter, which
// stays at 0 (-v prints it every second).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"

	"gotrex/samples/internal/rec"
)

type account struct {
	mu      sync.Mutex
	name    string
	balance int
}

// mover is one side of the transfer protocol.
type mover struct {
	from, to *account
	amount   int
	other    *mover

	lockedRound atomic.Int64 // the last round in which it holds its source
	triedRound  atomic.Int64 // the last round in which it tried the destination
}

const (
	pollEvery = time.Millisecond     // how often a mover looks at the other
	backoff   = 2 * time.Millisecond // pause between two attempts
)

var (
	completed atomic.Int64
	attempts  atomic.Int64
)

func main() {
	verbose := flag.Bool("v", false, "print progress every second")
	flag.Parse()
	rec.Start(200 * time.Millisecond)

	a := &account{name: "A", balance: 100}
	b := &account{name: "B", balance: 100}
	ab := &mover{from: a, to: b, amount: 10}
	ba := &mover{from: b, to: a, amount: 20}
	ab.other, ba.other = ba, ab
	go transferWithRetry(ab)
	go transferWithRetry(ba)
	monitorProgress(*verbose)
}

// transferWithRetry moves m.amount from m.from to m.to, politely: it never
// waits for the second lock, it backs off and retries instead.
func transferWithRetry(m *mover) {
	ctx := context.Background()
	for round := int64(1); ; round++ {
		region := trace.StartRegion(ctx, "transferAttempt")
		attempts.Add(1)
		m.from.mu.Lock()
		m.lockedRound.Store(round)
		for m.other.lockedRound.Load() < round { // let the other start too
			time.Sleep(pollEvery)
		}
		if m.to.mu.TryLock() {
			m.from.balance -= m.amount
			m.to.balance += m.amount
			m.to.mu.Unlock()
			m.from.mu.Unlock()
			region.End()
			completed.Add(1)
			return
		}
		trace.Log(ctx, "transfer", "backoff")
		m.triedRound.Store(round)
		for m.other.triedRound.Load() < round { // give up together
			time.Sleep(pollEvery)
		}
		m.from.mu.Unlock()
		region.End()
		time.Sleep(backoff)
	}
}

// monitorProgress is main's loop; the completed count stays 0.
func monitorProgress(verbose bool) {
	for {
		time.Sleep(time.Second)
		if verbose {
			fmt.Fprintf(os.Stderr, "attempts=%d completed=%d\n", attempts.Load(), completed.Load())
		}
	}
}
