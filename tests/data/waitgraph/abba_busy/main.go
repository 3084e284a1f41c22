// abba_busy: an ABBA deadlock (transfer and audit on two global mutexes)
// and 10 leaked closures blocked sending a result nobody reads
// (fetchAll), next to 6 clients hammering an HTTP server, while main
// writes 1000 pprof debug=2 dumps 1 ms apart into d/. Every dump's truth:
// exactly main.transfer, main.audit and 10 main.fetchAll.func1 stuck.
// Used by tests/bench_dump_truth.sh.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

var (
	muA, muB sync.Mutex
	hits     = map[string]int{}
	hmu      sync.Mutex
)

// transfer and audit take the two locks in opposite orders: ABBA.
func transfer() {
	muA.Lock()
	time.Sleep(5 * time.Millisecond)
	muB.Lock()
	muB.Unlock()
	muA.Unlock()
}

func audit() {
	muB.Lock()
	time.Sleep(5 * time.Millisecond)
	muA.Lock()
	muA.Unlock()
	muB.Unlock()
}

// fetchAll leaks one closure per call: nobody reads the second result.
func fetchAll(n int) int {
	ch := make(chan int)
	for i := 0; i < 2; i++ {
		go func(i int) { ch <- i * n }(i)
	}
	return <-ch
}

func handle(w http.ResponseWriter, r *http.Request) {
	hmu.Lock()
	hits[r.URL.Path]++
	hmu.Unlock()
	io.WriteString(w, "ok\n")
}

func main() {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	mux := http.NewServeMux()
	mux.HandleFunc("/", handle)
	go http.Serve(ln, mux)
	base := "http://" + ln.Addr().String()
	go transfer()
	go audit()
	for i := 0; i < 10; i++ {
		fetchAll(i)
	}
	for c := 0; c < 6; c++ {
		go func(c int) {
			cl := &http.Client{}
			for i := 0; ; i++ {
				resp, err := cl.Get(fmt.Sprintf("%s/p%d", base, i%7))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}(c)
	}
	time.Sleep(50 * time.Millisecond)
	for i := 0; i < 1000; i++ {
		f, _ := os.Create(fmt.Sprintf("d/%04d.txt", i))
		pprof.Lookup("goroutine").WriteTo(f, 2)
		f.Close()
		time.Sleep(time.Millisecond)
	}
}
