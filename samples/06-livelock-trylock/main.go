// 06-livelock-trylock — a LIVELOCK: nobody is blocked for long, nobody
// makes progress.
//
// The hang: two main.transferWithRetry goroutines each move money between
// accounts A and B, in opposite directions. Each locks its source account,
// TryLocks the destination, and on failure releases the source, backs off
// and retries. Both use the same fixed, un-jittered retry schedule derived
// from the same start time, so they retry in lock step: each always finds the
// other's account locked, and no transfer ever completes. They only ever
// sleep (briefly) or run; TryLock never blocks; the runtime sees nothing wrong.
// Each attempt is a trace region "transferAttempt" and each failure logs
// "backoff" (category "transfer") in the execution trace.
//
// main (main.monitorProgress) keeps sleeping and checking the counter, which
// stays at 0.
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

var (
	accountA = &account{name: "A", balance: 100}
	accountB = &account{name: "B", balance: 100}

	completed atomic.Int64
	attempts  atomic.Int64
)

// The retry schedule both movers share: every `period`, lock the source at
// +0, try the destination at +tryAt, give up and unlock at +releaseAt, then
// back off until the next period.
const (
	period    = 20 * time.Millisecond
	tryAt     = 6 * time.Millisecond
	releaseAt = 14 * time.Millisecond
)

func main() {
	verbose := flag.Bool("v", false, "print progress every second")
	flag.Parse()
	rec.Start(200 * time.Millisecond)

	epoch := time.Now().Add(period)
	go transferWithRetry(accountA, accountB, 10, epoch)
	go transferWithRetry(accountB, accountA, 20, epoch)
	monitorProgress(*verbose)
}

// transferWithRetry moves amount from one account to the other, politely:
// it never waits for the second lock, it backs off and retries instead.
func transferWithRetry(from, to *account, amount int, epoch time.Time) {
	ctx := context.Background()
	for round := 0; ; round++ {
		start := epoch.Add(time.Duration(round) * period)
		time.Sleep(time.Until(start))

		region := trace.StartRegion(ctx, "transferAttempt")
		attempts.Add(1)
		from.mu.Lock()
		time.Sleep(time.Until(start.Add(tryAt))) // prepare the debit
		if to.mu.TryLock() {
			from.balance -= amount
			to.balance += amount
			to.mu.Unlock()
			from.mu.Unlock()
			region.End()
			completed.Add(1)
			return
		}
		trace.Log(ctx, "transfer", "backoff")
		time.Sleep(time.Until(start.Add(releaseAt))) // wait a little for the other lock
		from.mu.Unlock()
		region.End()
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
