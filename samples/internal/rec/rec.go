// Package rec is the recording harness shared by the sample programs.
//
// A sample run with -out DIR records itself:
//
//  1. at start, tracing begins into DIR/trace.out (runtime/trace, or a
//     flight recorder for StartFlight);
//  2. a watchdog goroutine (rec.watchdog) sleeps while the hang establishes
//     itself, then writes the goroutine profile three ways:
//     debug2.txt (pprof debug=2, the runtime.Stack text),
//     debug1.txt (pprof debug=1, aggregated legacy text) and
//     goroutine.pb.gz (pprof debug=0, gzip'd profile.proto);
//  3. it stops the trace, writes DIR/.recorded (holding the pid) to tell the
//     recorder it is done, and then sleeps until the recorder sends SIGQUIT.
//
// With -stress N it writes N more pprof debug=2 dumps, 1 ms apart, into
// DIR/stress/ after stopping the trace (tests/dump_stress.sh: the analysis
// must give the same truth at instants the settle time did not pick).
//
// The GC is turned off while recording (see start).
//
// Without -out a sample just runs its scenario for ever (or, for the global
// deadlock, until the runtime kills it).
package rec

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"time"
)

var (
	outDir = flag.String("out", "", "record into `DIR` (trace.out, debug2.txt, debug1.txt, goroutine.pb.gz), then wait for SIGQUIT")
	settle = flag.Duration("settle", 0, "time to let the hang establish itself before the snapshot (0: the program's default)")
	stress = flag.Int("stress", 0, "after the snapshot, write `N` more debug=2 dumps 1 ms apart into DIR/stress/")
)

// Start begins recording if -out was given; settle is the program's default
// delay before the snapshot. Call it right after flag.Parse.
func Start(settle time.Duration) {
	start(settle, startTrace)
}

// StartFlight is Start with a flight recorder (Go 1.25+) instead of a
// streamed trace: trace.out is the flight recorder's snapshot, taken after
// the goroutine profiles. With older Go it falls back to a streamed trace.
func StartFlight(settle time.Duration) {
	start(settle, startFlight)
}

func start(def time.Duration, begin func(*os.File) (func() error, error)) {
	if *outDir == "" {
		return
	}
	if *settle > 0 {
		def = *settle
	}
	// No GC while recording: with tracing on, a GC's sweep phase yields once
	// per span (runtime.GC, or the background sweeper while the profile
	// writer runs), which adds 10000s of GoStart/GoStop events and makes the
	// trace 5-20 times bigger, by chance. The runs last well under a second.
	debug.SetGCPercent(-1)
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		die(err)
	}
	os.Remove(filepath.Join(*outDir, ".recorded"))
	f, err := os.Create(filepath.Join(*outDir, "trace.out"))
	if err != nil {
		die(err)
	}
	stop, err := begin(f)
	if err != nil {
		die(err)
	}
	go watchdog(*outDir, def, f, stop)
}

func startTrace(f *os.File) (func() error, error) {
	if err := trace.Start(f); err != nil {
		return nil, err
	}
	return func() error { trace.Stop(); return nil }, nil
}

// watchdog takes the snapshot once the hang has established itself.
func watchdog(dir string, settle time.Duration, f *os.File, stopTrace func() error) {
	time.Sleep(settle)
	writeProfile(dir, "debug2.txt", 2)
	writeProfile(dir, "debug1.txt", 1)
	writeProfile(dir, "goroutine.pb.gz", 0)
	if err := stopTrace(); err != nil {
		die(err)
	}
	if err := f.Close(); err != nil {
		die(err)
	}
	if *stress > 0 {
		sdir := filepath.Join(dir, "stress")
		if err := os.MkdirAll(sdir, 0o755); err != nil {
			die(err)
		}
		for i := 0; i < *stress; i++ {
			writeProfile(sdir, fmt.Sprintf("%04d.txt", i), 2)
			time.Sleep(time.Millisecond)
		}
	}
	marker := filepath.Join(dir, ".recorded")
	if err := os.WriteFile(marker, []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644); err != nil {
		die(err)
	}
	idleUntilKilled()
}

// idleUntilKilled keeps the watchdog alive (sleeping, never "stuck") until
// the recorder sends SIGQUIT.
func idleUntilKilled() {
	for {
		time.Sleep(time.Hour)
	}
}

func writeProfile(dir, name string, debug int) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		die(err)
	}
	if err := pprof.Lookup("goroutine").WriteTo(f, debug); err != nil {
		die(err)
	}
	if err := f.Close(); err != nil {
		die(err)
	}
}

func die(err error) {
	fmt.Fprintln(os.Stderr, "rec:", err)
	os.Exit(1)
}
