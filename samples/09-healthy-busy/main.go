// 09-healthy-busy — NO hang: a healthy, busy program (the false-positive check).
//
// About 320 goroutines in many states, all of which make progress:
//   - running/runnable: 3 main.crunchChecksums, CPU-bound (more than GOMAXPROCS=2);
//   - chan receive on channels that DO get data: 100 main.consumeReadings fed
//     by 10 main.produceReadings (one reading every 10 ms each);
//   - select: 50 main.pollQueue (a queue channel fed by main.feedQueue, a
//     ticker and a quit channel);
//   - sleep: 100 main.napAndCount;
//   - IO wait on loopback TCP (127.0.0.1 only): main.acceptEchoConns,
//     10 main.serveEchoConn, 10 main.echoClient (a line every 30 ms), and on a
//     pipe: main.readPipe / main.writePipe;
//   - mutex contention that resolves: 10 main.updateSharedTotals holding a
//     mutex ~1 ms every 20 ms;
//   - sync.Cond: 10 main.waitForGeneration woken by main.advanceGeneration
//     every 10 ms;
//   - sync.WaitGroup that resolves: main.runBatches waiting for 4
//     main.batchTask at a time.
//
// main (main.superviseHealthy) sleeps and checks counters. Nothing is stuck.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"hash/crc32"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"gotrex/samples/internal/rec"
)

var (
	progress atomic.Int64
	quit     = make(chan struct{}) // closed only at exit, which never comes
)

func main() {
	flag.Parse()
	rec.Start(200 * time.Millisecond)

	for i := 0; i < 3; i++ {
		go crunchChecksums(i)
	}

	for p := 0; p < 10; p++ {
		readings := make(chan int)
		go produceReadings(p, readings)
		for c := 0; c < 10; c++ {
			go consumeReadings(readings)
		}
	}

	queue := make(chan int)
	go feedQueue(queue)
	for i := 0; i < 50; i++ {
		go pollQueue(i, queue)
	}

	for i := 0; i < 100; i++ {
		go napAndCount(i)
	}

	startEcho(10)
	startPipe()

	var totalsMu sync.Mutex
	totals := map[int]int{}
	for i := 0; i < 10; i++ {
		go updateSharedTotals(i, &totalsMu, totals)
	}

	gen := &generation{}
	gen.cond = sync.NewCond(&gen.mu)
	for i := 0; i < 10; i++ {
		go waitForGeneration(gen)
	}
	go advanceGeneration(gen)

	go runBatches()

	superviseHealthy()
}

// crunchChecksums is CPU-bound for ever.
func crunchChecksums(seed int) {
	buf := make([]byte, 1<<12)
	buf[0] = byte(seed)
	for {
		sum := crc32.ChecksumIEEE(buf)
		buf[sum%uint32(len(buf))]++
	}
}

func produceReadings(id int, out chan<- int) {
	for i := 0; ; i++ {
		time.Sleep(10 * time.Millisecond)
		out <- id*1000 + i
	}
}

// consumeReadings waits in "chan receive" most of the time, but data comes.
func consumeReadings(in <-chan int) {
	for v := range in {
		progress.Add(int64(v & 1))
	}
}

func feedQueue(out chan<- int) {
	for i := 0; ; i++ {
		time.Sleep(2 * time.Millisecond)
		out <- i
	}
}

// pollQueue waits in "select" on the queue, its ticker and quit.
func pollQueue(id int, queue <-chan int) {
	t := time.NewTicker(50*time.Millisecond + time.Duration(id)*time.Millisecond)
	defer t.Stop()
	for {
		select {
		case v := <-queue:
			progress.Add(int64(v & 1))
		case <-t.C:
			progress.Add(1)
		case <-quit:
			return
		}
	}
}

func napAndCount(id int) {
	for {
		time.Sleep(time.Duration(50+id) * time.Millisecond)
		progress.Add(1)
	}
}

// startEcho runs an echo server on 127.0.0.1 and n clients talking to it.
func startEcho(n int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go acceptEchoConns(ln)
	for i := 0; i < n; i++ {
		go echoClient(i, ln.Addr().String())
	}
}

func acceptEchoConns(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go serveEchoConn(c)
	}
}

// serveEchoConn waits in "IO wait" for the next line.
func serveEchoConn(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if _, err := c.Write([]byte(line)); err != nil {
			return
		}
	}
}

func echoClient(id int, addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer c.Close()
	r := bufio.NewReader(c)
	for i := 0; ; i++ {
		time.Sleep(30 * time.Millisecond)
		fmt.Fprintf(c, "client %d line %d\n", id, i)
		if _, err := r.ReadString('\n'); err != nil {
			return
		}
		progress.Add(1)
	}
}

// startPipe connects main.writePipe to main.readPipe through an os.Pipe.
func startPipe() {
	pr, pw, err := os.Pipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go readPipe(pr)
	go writePipe(pw)
}

// readPipe waits in "IO wait" on the pipe.
func readPipe(pr *os.File) {
	buf := make([]byte, 64)
	for {
		n, err := pr.Read(buf)
		if err != nil {
			return
		}
		progress.Add(int64(n))
	}
}

func writePipe(pw *os.File) {
	for {
		time.Sleep(25 * time.Millisecond)
		if _, err := pw.Write([]byte("tick\n")); err != nil {
			return
		}
	}
}

// updateSharedTotals holds a contended mutex briefly; waits resolve.
func updateSharedTotals(id int, mu *sync.Mutex, totals map[int]int) {
	for {
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		totals[id]++
		time.Sleep(time.Millisecond) // slow work under the lock
		mu.Unlock()
	}
}

type generation struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int
}

// waitForGeneration waits in "sync.Cond.Wait" for the next generation.
func waitForGeneration(g *generation) {
	g.mu.Lock()
	defer g.mu.Unlock()
	seen := g.n
	for {
		for g.n == seen {
			g.cond.Wait()
		}
		seen = g.n
		progress.Add(1)
	}
}

func advanceGeneration(g *generation) {
	for {
		time.Sleep(10 * time.Millisecond)
		g.mu.Lock()
		g.n++
		g.mu.Unlock()
		g.cond.Broadcast()
	}
}

// runBatches waits in "sync.WaitGroup.Wait" for short batches.
func runBatches() {
	for {
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go batchTask(&wg, i)
		}
		wg.Wait()
		progress.Add(1)
	}
}

func batchTask(wg *sync.WaitGroup, i int) {
	defer wg.Done()
	time.Sleep(time.Duration(3+i) * time.Millisecond)
}

// superviseHealthy is main's loop.
func superviseHealthy() {
	last := int64(0)
	for {
		time.Sleep(50 * time.Millisecond)
		now := progress.Load()
		_ = now - last
		last = now
	}
}
