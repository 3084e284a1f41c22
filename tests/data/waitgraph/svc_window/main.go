// svc_window: a service with idle workers, a ticker loop and an in-flight
// slow request, and (with -bug) an ABBA deadlock and 5 leaked senders. It
// fetches a 1 s trace from its own /debug/pprof/trace (a window of a
// running process, as an on-call engineer takes one) and then a debug=2
// dump. Recorded on Go 1.26 (`go build -o svc . && ./svc` wrote
// ../window-idle.trace; `./svc -bug` wrote ../window-bug.trace and
// ../window-bug.txt) and on Go 1.21 (go.mod's go line 1.21,
// GOTOOLCHAIN=go1.21.13, `./svc -bug`: ../window-bug-go121.trace).
// Truth: with -bug, G18/G19 (abba1/abba2) and the 5 main.leak senders are
// stuck for good; nothing else is.
package main

import (
	"flag"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"sync"
	"time"
)

var muA, muB sync.Mutex

func abba1() { muA.Lock(); time.Sleep(20 * time.Millisecond); muB.Lock() }
func abba2() { muB.Lock(); time.Sleep(20 * time.Millisecond); muA.Lock() }

func leak(ch chan int, i int) { ch <- i }

func worker(jobs chan func()) {
	for j := range jobs {
		j()
	}
}

func get(url, out string) {
	resp, err := http.Get(url)
	if err != nil {
		panic(err)
	}
	f, _ := os.Create(out)
	io.Copy(f, resp.Body)
	f.Close()
	resp.Body.Close()
}

func main() {
	bug := flag.Bool("bug", false, "deadlock")
	flag.Parse()
	jobs := make(chan func())
	for i := 0; i < 8; i++ {
		go worker(jobs)
	}
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		for range t.C {
		}
	}()
	if *bug {
		go abba1()
		go abba2()
		ch := make(chan int)
		for i := 0; i < 5; i++ {
			go leak(ch, i)
		}
	}
	http.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(3 * time.Second)
	})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go http.Serve(ln, nil)
	base := "http://" + ln.Addr().String()
	go http.Get(base + "/slow")
	time.Sleep(100 * time.Millisecond)
	get(base+"/debug/pprof/trace?seconds=1", "trace.out")
	get(base+"/debug/pprof/goroutine?debug=2", "dump.txt")
}
