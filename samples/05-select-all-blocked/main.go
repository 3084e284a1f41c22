// 05-select-all-blocked — selects whose cases can never proceed (no default).
//
// The hang: three main.awaitEventOrCancel goroutines each wait in a select on
// (1) an events channel nobody sends on, (2) a cancel channel nobody closes,
// (3) a send of a status value to a channel nobody receives from, and (4) a
// nil "retry" channel (a nil channel case is never ready). No case can ever
// proceed, so they block for ever. main.parkForever has an empty
// `select {}` ("select (no cases)"), which can never wake up either.
// No wait-for cycle: the missing party (an event source) simply never existed.
//
// Not globally dead: main (main.superviseWorkers) and main.crunchNumbers keep
// running.
package main

import (
	"flag"
	"hash/crc32"
	"time"

	"gotrex/samples/internal/rec"
)

type event struct{ kind string }

func main() {
	flag.Parse()
	rec.Start(200 * time.Millisecond)

	events := make(chan event)    // the event source was never wired up
	cancel := make(chan struct{}) // nobody ever closes it
	status := make(chan string)   // nobody reads status
	var retry chan int            // nil: never ready

	for i := 0; i < 3; i++ {
		go awaitEventOrCancel(i, events, cancel, status, retry)
	}
	go parkForever()
	go crunchNumbers()
	superviseWorkers()
}

// awaitEventOrCancel blocks in a select none of whose cases can proceed.
func awaitEventOrCancel(id int, events <-chan event, cancel <-chan struct{}, status chan<- string, retry <-chan int) {
	select {
	case ev := <-events:
		_ = ev.kind
	case <-cancel:
	case status <- "waiting":
	case <-retry:
	}
}

// parkForever is a goroutine left in an empty select.
func parkForever() {
	select {}
}

// crunchNumbers does CPU work in short bursts.
func crunchNumbers() {
	buf := make([]byte, 1<<14)
	for {
		for i := 0; i < 20; i++ {
			buf[i] ^= byte(crc32.ChecksumIEEE(buf))
		}
		time.Sleep(3 * time.Millisecond)
	}
}

// superviseWorkers is main's loop: it checks in periodically and never ends.
func superviseWorkers() {
	checks := 0
	for {
		time.Sleep(30 * time.Millisecond)
		checks++
	}
}
