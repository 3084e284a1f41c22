// 10-generator — big inputs for benchmarks (its outputs are NOT committed).
//
// It starts -goroutines goroutines in a mix of states, each reaching its
// blocking call through a different chain of main.layerAlpha / layerBeta /
// layerGamma / layerDelta frames (0–4 extra frames, 4 paths), so a dump has
// a few hundred distinct stacks to group:
//
//	main.blockOnChanRecv   chan receive (a channel nobody sends on)
//	main.blockOnSelect     select on two silent channels
//	main.blockOnMutex      sync.Mutex.Lock (mutexes held by main.holdMutex)
//	main.blockOnRWMutex    sync.RWMutex.RLock (a writer waits on a held read lock)
//	main.blockOnCond       sync.Cond.Wait
//	main.blockOnWaitGroup  sync.WaitGroup.Wait
//	main.blockOnSleep      sleep (an hour)
//	main.blockOnPipe       IO wait on a pipe, or queued on its fd lock
//	main.pingPong          pairs bouncing a token (-pingpong pairs, the trace's steady events)
//	main.spin              CPU-bound (-spinners; running / runnable)
//
// The trace (if -trace) starts before the goroutines are created, so it
// holds their creation, then -seconds of steady state; the dumps are taken
// at the end, then the trace is stopped. With -wait the program then sleeps
// until killed (send SIGQUIT with GOTRACEBACK=all for a huge signal dump).
//
// Examples (from samples/; 10-generator/out/ is git-ignored; missing
// directories are created):
//
//	go run ./10-generator -goroutines 100000 -seconds 2 -trace 10-generator/out/big.trace -dump 10-generator/out/big-debug2.txt
//	GODEBUG=traceadvanceperiod=100000000 go run ./10-generator -goroutines 500 -pingpong 64 -seconds 60 -trace 10-generator/out/t.out
//
// -dump writes the same text as pprof's debug=2 (runtime.Stack of all
// goroutines) with an unbounded buffer: pprof's own writer (-dump-pprof)
// gives up at 64 MiB and cuts the dump there, which 100000 goroutines exceed.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"time"
)

var (
	nGoroutines = flag.Int("goroutines", 10000, "number of `N` blocked goroutines to create")
	seconds     = flag.Float64("seconds", 1, "seconds of steady state to trace after setup")
	tracePath   = flag.String("trace", "", "write an execution trace to `PATH` (streamed while running)")
	dumpPath    = flag.String("dump", "", "write a debug=2 goroutine dump (runtime.Stack of all goroutines, never cut off) to `PATH`")
	dumpPprof   = flag.String("dump-pprof", "", "write pprof's own debug=2 goroutine dump to `PATH` (cut off at 64 MiB)")
	debug1Path  = flag.String("debug1", "", "write a pprof debug=1 goroutine profile to `PATH`")
	pbPath      = flag.String("pprof", "", "write a pprof debug=0 (gzip'd proto) goroutine profile to `PATH`")
	pairs       = flag.Int("pingpong", 16, "number of goroutine `pairs` that bounce a token (trace activity)")
	pingEvery   = flag.Duration("pingevery", time.Millisecond, "pause after every -burst bounces of a pair")
	burst       = flag.Int("burst", 1, "bounces of a pair between two pauses")
	pingAfter   = flag.Duration("pingafter", 0, "let the pairs start bouncing only this long after the start")
	spinners    = flag.Int("spinners", 2, "number of CPU-bound goroutines")
	wait        = flag.Bool("wait", false, "after writing, sleep until killed")
)

// kind is one way to block.
type kind int

const (
	kChanRecv kind = iota
	kSelect
	kMutex
	kRWMutex
	kCond
	kWaitGroup
	kSleep
	kPipe
	nKinds
)

// shared holds the objects the blocked goroutines wait on.
type shared struct {
	silent   chan int
	silent2  chan string
	mutexes  []*sync.Mutex
	rw       *sync.RWMutex
	cond     *sync.Cond
	wg       *sync.WaitGroup
	pipes    []*os.File
	ready    sync.WaitGroup
	released chan struct{}
}

// spec says how one goroutine gets to its blocking call.
type spec struct {
	kind  kind
	path  int // which of the 4 layer sequences
	depth int // how many layer frames (0–4)
	idx   int
}

var started = time.Now()

func main() {
	flag.Parse()
	if *tracePath != "" {
		f, err := create(*tracePath)
		check(err)
		check(trace.Start(f)) // unbuffered *os.File: a kill loses only unflushed batches
		defer f.Close()
	}

	s := setup()
	for i := 0; i < *nGoroutines; i++ {
		sp := spec{kind: kind(i % int(nKinds)), path: (i / int(nKinds)) % 4, depth: (i / (4 * int(nKinds))) % 5, idx: i}
		s.ready.Add(1)
		go startBlocked(s, sp)
	}
	s.ready.Wait()
	for i := 0; i < *pairs; i++ {
		a, b := make(chan int), make(chan int)
		go pingPong(a, b, true)
		go pingPong(b, a, false)
	}
	for i := 0; i < *spinners; i++ {
		go spin(i)
	}

	time.Sleep(time.Duration(*seconds * float64(time.Second)))

	if *dumpPath != "" {
		writeFullStacks(*dumpPath)
	}
	writeProfile(*dumpPprof, 2)
	writeProfile(*debug1Path, 1)
	writeProfile(*pbPath, 0)
	if *tracePath != "" {
		trace.Stop()
	}
	if *wait {
		for {
			time.Sleep(time.Hour)
		}
	}
}

func setup() *shared {
	s := &shared{
		silent:   make(chan int),
		silent2:  make(chan string),
		rw:       new(sync.RWMutex),
		wg:       new(sync.WaitGroup),
		released: make(chan struct{}),
	}
	s.cond = sync.NewCond(new(sync.Mutex))
	s.wg.Add(1) // never Done
	for i := 0; i < 8; i++ {
		m := new(sync.Mutex)
		held := make(chan struct{})
		go holdMutex(m, held)
		<-held
		s.mutexes = append(s.mutexes, m)
	}
	// A reader holds rw, then a writer queues, so later readers block.
	readerIn := make(chan struct{})
	go holdReadLock(s.rw, readerIn)
	<-readerIn
	go queueWriter(s.rw)
	time.Sleep(10 * time.Millisecond)
	for i := 0; i < 8; i++ {
		pr, pw, err := os.Pipe()
		check(err)
		s.pipes = append(s.pipes, pr)
		_ = pw // kept open (and never written) so reads block
		keep = append(keep, pw)
	}
	return s
}

var keep []*os.File

func startBlocked(s *shared, sp spec) {
	descend(s, sp, sp.depth)
}

// descend walks sp.depth layer frames, choosing the layer from sp.path.
func descend(s *shared, sp spec, d int) {
	if d == 0 {
		block(s, sp)
		return
	}
	switch (sp.path + d) % 4 {
	case 0:
		layerAlpha(s, sp, d-1)
	case 1:
		layerBeta(s, sp, d-1)
	case 2:
		layerGamma(s, sp, d-1)
	default:
		layerDelta(s, sp, d-1)
	}
}

//go:noinline
func layerAlpha(s *shared, sp spec, d int) { descend(s, sp, d) }

//go:noinline
func layerBeta(s *shared, sp spec, d int) { descend(s, sp, d) }

//go:noinline
func layerGamma(s *shared, sp spec, d int) { descend(s, sp, d) }

//go:noinline
func layerDelta(s *shared, sp spec, d int) { descend(s, sp, d) }

func block(s *shared, sp spec) {
	switch sp.kind {
	case kChanRecv:
		blockOnChanRecv(s)
	case kSelect:
		blockOnSelect(s)
	case kMutex:
		blockOnMutex(s, sp.idx)
	case kRWMutex:
		blockOnRWMutex(s)
	case kCond:
		blockOnCond(s)
	case kWaitGroup:
		blockOnWaitGroup(s)
	case kSleep:
		blockOnSleep(s)
	case kPipe:
		blockOnPipe(s, sp.idx)
	}
}

//go:noinline
func blockOnChanRecv(s *shared) {
	s.ready.Done()
	<-s.silent
}

//go:noinline
func blockOnSelect(s *shared) {
	s.ready.Done()
	select {
	case <-s.silent:
	case <-s.silent2:
	}
}

//go:noinline
func blockOnMutex(s *shared, i int) {
	s.ready.Done()
	m := s.mutexes[(i/int(nKinds))%len(s.mutexes)]
	m.Lock()
	m.Unlock()
}

//go:noinline
func blockOnRWMutex(s *shared) {
	s.ready.Done()
	s.rw.RLock()
	s.rw.RUnlock()
}

//go:noinline
func blockOnCond(s *shared) {
	s.cond.L.Lock()
	s.ready.Done()
	s.cond.Wait()
	s.cond.L.Unlock()
}

//go:noinline
func blockOnWaitGroup(s *shared) {
	s.ready.Done()
	s.wg.Wait()
}

//go:noinline
func blockOnSleep(s *shared) {
	s.ready.Done()
	time.Sleep(time.Hour)
}

//go:noinline
func blockOnPipe(s *shared, i int) {
	s.ready.Done()
	buf := make([]byte, 1)
	s.pipes[(i/int(nKinds))%len(s.pipes)].Read(buf)
}

func holdMutex(m *sync.Mutex, held chan<- struct{}) {
	m.Lock()
	close(held)
	select {} // holds m for ever
}

func holdReadLock(rw *sync.RWMutex, in chan<- struct{}) {
	rw.RLock()
	close(in)
	select {}
}

func queueWriter(rw *sync.RWMutex) {
	rw.Lock()
}

// pingPong bounces a token with its partner, for ever.
func pingPong(in <-chan int, out chan<- int, serve bool) {
	if serve {
		time.Sleep(time.Until(started.Add(*pingAfter)))
		out <- 0
	}
	for v := range in {
		if *pingEvery > 0 && v%*burst == 0 {
			time.Sleep(*pingEvery)
		}
		out <- v + 1
	}
}

func spin(seed int) {
	x := uint64(seed)
	for {
		x = x*6364136223846793005 + 1442695040888963407
		if x == 0 {
			runtime.Gosched()
		}
	}
}

func writeProfile(path string, debug int) {
	if path == "" {
		return
	}
	f, err := create(path)
	check(err)
	check(pprof.Lookup("goroutine").WriteTo(f, debug))
	check(f.Close())
}

func writeFullStacks(path string) {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	f, err := create(path)
	check(err)
	_, err = f.Write(buf)
	check(err)
	check(f.Close())
}

func create(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.Create(path)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "generator:", err)
		os.Exit(1)
	}
}
