// 02-abba-mutex — a PARTIAL deadlock (lock-order inversion) the runtime never
// reports, because the rest of the program keeps running.
//
// The hang: main.lockAThenB locks account A then account B; main.lockBThenA
// locks B then A. A barrier makes both hold their first lock before they ask
// for the second, so they always deadlock: a wait-for cycle
// lockAThenB -> (mutex B) -> lockBThenA -> (mutex A) -> lockAThenB.
// main.auditBalances, which periodically locks A to read the balance, then
// blocks on A for ever too (stuck behind the cycle, not part of it).
//
// Meanwhile a ticker goroutine (main.reportStats), a pool of busy workers
// (main.poolWorker) and main itself (main.produceJobs) keep running.
package main

import (
	"crypto/sha256"
	"flag"
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

	processed atomic.Int64
)

func main() {
	flag.Parse()
	rec.Start(200 * time.Millisecond)

	// Both transfers take their first lock, then wait for each other.
	var firstLockHeld sync.WaitGroup
	firstLockHeld.Add(2)
	go lockAThenB(&firstLockHeld, 10)
	go lockBThenA(&firstLockHeld, 20)

	go auditBalances()
	go reportStats()

	jobs := make(chan []byte)
	for i := 0; i < 4; i++ {
		go poolWorker(i, jobs)
	}
	produceJobs(jobs)
}

// lockAThenB moves money from A to B: it holds A and waits for B for ever.
func lockAThenB(firstLockHeld *sync.WaitGroup, amount int) {
	accountA.mu.Lock()
	defer accountA.mu.Unlock()
	firstLockHeld.Done()
	firstLockHeld.Wait()

	accountB.mu.Lock() // blocks for ever: lockBThenA holds B
	defer accountB.mu.Unlock()
	accountA.balance -= amount
	accountB.balance += amount
}

// lockBThenA moves money from B to A: it holds B and waits for A for ever.
func lockBThenA(firstLockHeld *sync.WaitGroup, amount int) {
	accountB.mu.Lock()
	defer accountB.mu.Unlock()
	firstLockHeld.Done()
	firstLockHeld.Wait()

	accountA.mu.Lock() // blocks for ever: lockAThenB holds A
	defer accountA.mu.Unlock()
	accountB.balance -= amount
	accountA.balance += amount
}

// auditBalances reads A's balance every 20 ms; once the transfers deadlock
// it waits for A for ever.
func auditBalances() {
	for {
		time.Sleep(20 * time.Millisecond)
		accountA.mu.Lock()
		_ = accountA.balance
		accountA.mu.Unlock()
	}
}

// reportStats wakes on a ticker; it is alive.
func reportStats() {
	t := time.NewTicker(25 * time.Millisecond)
	defer t.Stop()
	last := int64(0)
	for range t.C {
		n := processed.Load()
		_ = n - last
		last = n
	}
}

// poolWorker hashes jobs; the pool stays busy.
func poolWorker(id int, jobs <-chan []byte) {
	for buf := range jobs {
		sum := sha256.Sum256(buf)
		for i := 0; i < 200; i++ {
			sum = sha256.Sum256(sum[:])
		}
		processed.Add(1)
	}
}

// produceJobs feeds the pool every 2 ms, for ever.
func produceJobs(jobs chan<- []byte) {
	buf := make([]byte, 4096)
	for i := 0; ; i++ {
		buf[i%len(buf)]++
		jobs <- append([]byte(nil), buf...)
		time.Sleep(2 * time.Millisecond)
	}
}
