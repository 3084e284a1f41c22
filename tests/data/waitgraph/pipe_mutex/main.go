// pipe_mutex wrote ../pipe-mutex.txt (Go 1.26, GOMAXPROCS=2 go run . >
// d2.txt, paths shortened with sed 's#/tmp/pipe/#pipe/#; s#/usr/local/go/src/##'):
// produce holds mu and blocks writing to an io.Pipe; consume must take mu
// before it reads. A deadlock of two user goroutines, one of them blocked
// inside the standard library (io.(*pipe).write).
package main

import (
	"io"
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

var mu sync.Mutex

// consume reads the pipe, but first takes mu, which main holds while it writes.
func consume(r *io.PipeReader) {
	time.Sleep(10 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	io.Copy(io.Discard, r)
}

func produce(w *io.PipeWriter) {
	mu.Lock()
	defer mu.Unlock()
	w.Write([]byte("hello")) // blocks: the reader waits for mu
}

func main() {
	r, w := io.Pipe()
	go consume(r)
	go produce(w)
	go func() { // a live ticker, so the runtime does not see a global deadlock
		for range time.Tick(time.Millisecond) {
		}
	}()
	time.Sleep(200 * time.Millisecond)
	pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
}
