// 01-chan-send-deadlock — a GLOBAL deadlock the runtime detects.
//
// The hang: main hands jobs to a pipeline over an unbuffered channel, but the
// goroutine that should consume them is never started (the `go consumeJobs`
// line is missing). main blocks for ever in a chan send in main.submitJobs.
// Two main.collectResults goroutines wait for results that only the missing
// consumer would send, and main.awaitShutdown waits for a channel main would
// close after submitting. Every goroutine is asleep, so the runtime prints
// "fatal error: all goroutines are asleep - deadlock!" and the stacks.
//
// With -out DIR the program records itself (see internal/rec) with a flight
// recorder; its sleeping watchdog keeps the runtime from declaring the
// deadlock, so that run hangs until SIGQUIT. Run without -out to get the
// runtime's own fatal error.
package main

import (
	"flag"
	"fmt"
	"time"

	"gotrex/samples/internal/rec"
)

type job struct {
	id      int
	payload string
}

type result struct {
	jobID int
	sum   int
}

func main() {
	flag.Parse()
	rec.StartFlight(200 * time.Millisecond)
	runPipeline(5)
}

func runPipeline(n int) {
	jobs := make(chan job) // unbuffered: a send needs a live receiver
	results := make(chan result)
	done := make(chan struct{})

	for i := 0; i < 2; i++ {
		go collectResults(i, results)
	}
	go awaitShutdown(done)
	// BUG: the consumer is never started:
	//   go consumeJobs(jobs, results)

	submitJobs(jobs, n) // blocks for ever on the first send
	close(done)
}

// submitJobs sends n jobs; the first send blocks for ever (no receiver).
func submitJobs(jobs chan<- job, n int) {
	for i := 0; i < n; i++ {
		jobs <- job{id: i, payload: fmt.Sprintf("job-%d", i)}
	}
}

// consumeJobs is what should have been started.
func consumeJobs(jobs <-chan job, results chan<- result) {
	for j := range jobs {
		results <- result{jobID: j.id, sum: len(j.payload)}
	}
}

// collectResults waits for results that never come.
func collectResults(worker int, results <-chan result) {
	total := 0
	for r := range results {
		total += r.sum
	}
	fmt.Println("collector", worker, "total", total)
}

// awaitShutdown waits for main to finish submitting.
func awaitShutdown(done <-chan struct{}) {
	<-done
	fmt.Println("all jobs submitted")
}

var _ = consumeJobs
