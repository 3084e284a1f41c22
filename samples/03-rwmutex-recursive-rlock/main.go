// 03-rwmutex-recursive-rlock — a PARTIAL deadlock from a recursive RLock.
//
// The hang: main.readConfig read-locks the config and, while still holding
// that read lock, calls main.resolveAlias, which read-locks it again. In
// between, main.refreshConfig has called Lock: a pending writer blocks every
// new reader, so the second RLock waits for the writer, and the writer waits
// for readConfig's first read lock to go away. Wait-for cycle:
// readConfig/resolveAlias -> (writer pending) -> refreshConfig -> (reader
// held) -> readConfig.
// Two main.serveLookup goroutines that read the config every 5 ms then
// block on RLock for ever as well (stuck behind the pending writer).
//
// main keeps running (main.heartbeat sleeps and counts).
package main

import (
	"flag"
	"sync"
	"time"

	"gotrex/samples/internal/rec"
)

type config struct {
	mu      sync.RWMutex
	values  map[string]string
	aliases map[string]string
}

var cfg = &config{
	values:  map[string]string{"db.host": "127.0.0.1", "db.port": "5432"},
	aliases: map[string]string{"database": "db.host"},
}

func main() {
	flag.Parse()
	rec.Start(200 * time.Millisecond)

	for i := 0; i < 2; i++ {
		go serveLookup(i)
	}
	// Make the unlucky interleaving happen every time: readConfig takes its
	// first read lock, refreshConfig queues for the write lock, and only then
	// does readConfig go on to its second RLock.
	readerHolds := make(chan struct{})
	writerQueued := make(chan struct{})
	go readConfig("database", readerHolds, writerQueued)
	<-readerHolds
	go refreshConfig()
	waitForQueuedWriter()
	close(writerQueued)
	heartbeat()
}

// readConfig holds a read lock while resolveAlias read-locks again.
func readConfig(key string, readerHolds chan<- struct{}, writerQueued <-chan struct{}) string {
	cfg.mu.RLock()
	defer cfg.mu.RUnlock()
	close(readerHolds)
	<-writerQueued
	return resolveAlias(key)
}

// waitForQueuedWriter returns once a writer waits in Lock: from then on a
// new reader cannot get in, so TryRLock fails.
func waitForQueuedWriter() {
	for cfg.mu.TryRLock() {
		cfg.mu.RUnlock()
		time.Sleep(time.Millisecond)
	}
}

// resolveAlias takes the read lock a second time: it waits behind the
// pending writer for ever.
func resolveAlias(key string) string {
	cfg.mu.RLock()
	defer cfg.mu.RUnlock()
	if target, ok := cfg.aliases[key]; ok {
		return cfg.values[target]
	}
	return cfg.values[key]
}

// refreshConfig wants the write lock; it waits for readConfig's read lock.
func refreshConfig() {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	cfg.values["db.port"] = "5433"
}

// serveLookup reads the config every 5 ms; once the writer is pending it
// blocks in RLock for ever.
func serveLookup(id int) {
	for {
		time.Sleep(5 * time.Millisecond)
		cfg.mu.RLock()
		_ = cfg.values["db.port"]
		cfg.mu.RUnlock()
	}
}

// heartbeat is main's own work; it never stops.
func heartbeat() {
	beats := 0
	for {
		time.Sleep(25 * time.Millisecond)
		beats++
	}
}
