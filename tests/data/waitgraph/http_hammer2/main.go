// http_hammer2 wrote ../http-ctx-itab.txt: a server with 20 leaked
// main.queryBackend goroutines (blocked for ever sending their answer),
// a bounded /work handler and three workers, polled by 8 clients, while
// main writes 2000 pprof debug=2 dumps 1 ms apart (Go 1.26,
// `GOMAXPROCS=2 go run .` with a go.mod and an empty d/; paths shortened
// with sed 's#/tmp/hammer2/#hammer2/#; s#/usr/local/go/src/##').
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

type answer struct{ hits int }

var (
	mu    sync.Mutex
	cache = map[string]int{}
	pool  = make(chan struct{}, 4) // a bounded worker pool
	jobs  = make(chan string)
)

func handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	results := make(chan answer)
	go queryBackend(r.Context(), q, results)
	select {
	case a := <-results:
		fmt.Fprintf(w, "%d\n", a.hits)
	case <-time.After(2 * time.Millisecond):
		http.Error(w, "timeout", http.StatusGatewayTimeout)
	}
}

func queryBackend(ctx context.Context, q string, results chan<- answer) {
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	results <- answer{len(q)}
}

func handleWork(w http.ResponseWriter, r *http.Request) {
	pool <- struct{}{}
	defer func() { <-pool }()
	mu.Lock()
	cache[r.URL.Path]++
	n := cache[r.URL.Path]
	mu.Unlock()
	done := make(chan int)
	go func() { jobs <- r.URL.Path; done <- n }()
	fmt.Fprintf(w, "%d\n", <-done)
}

func worker() {
	for j := range jobs {
		mu.Lock()
		cache[j] += len(j)
		mu.Unlock()
	}
}

func get(client *http.Client, url string) {
	resp, err := client.Get(url)
	if err != nil {
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func main() {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	mux := http.NewServeMux()
	mux.HandleFunc("/search", handleSearch)
	mux.HandleFunc("/work", handleWork)
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	go http.Serve(ln, mux)
	for i := 0; i < 3; i++ {
		go worker()
	}
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < 20; i++ {
		get(client, fmt.Sprintf("%s/search?q=%d", base, i))
	}
	for c := 0; c < 8; c++ {
		go func(c int) {
			cl := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ; i++ {
				if i%2 == 0 {
					get(cl, base+"/health")
				} else {
					get(cl, fmt.Sprintf("%s/work?c=%d", base, c))
				}
			}
		}(c)
	}
	for i := 0; i < 2000; i++ {
		f, _ := os.Create(fmt.Sprintf("d/%04d.txt", i))
		pprof.Lookup("goroutine").WriteTo(f, 2)
		f.Close()
		time.Sleep(time.Millisecond)
	}
}
