// 07-goroutine-leak — a goroutine LEAK in an HTTP handler.
//
// The hang: the /search handler (main.handleSearch) starts
// main.queryBackend in a goroutine and waits for its answer on an
// UNBUFFERED channel, with a 2 ms timeout. The backend search is slow (1 s)
// and bounded by the request's context, so the handler always times out and
// returns first; that cancels the request context, the search gives up, and
// queryBackend's send of the (error) answer has no receiver and blocks for
// ever. Each /search request leaks one goroutine in main.queryBackend
// ("chan send"). main sends exactly 20 /search requests.
//
// Each leaked goroutine carries the pprof labels of its request
// (route=/search, query=<n>, client="loopback test"): debug1.txt and
// goroutine.pb.gz show them; the text dumps show them in the goroutine
// header when GODEBUG=tracebacklabels=1 (Go 1.26+), which samples/record sets
// for this program.
//
// The server goes on: an in-process net/http server on 127.0.0.1 (random
// port, loopback only) keeps serving /health, which main
// (main.pollHealth) requests every 20 ms, at most 500 times.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"time"

	"gotrex/samples/internal/rec"
)

const leakyRequests = 20

func main() {
	flag.Parse()
	rec.Start(300 * time.Millisecond)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/search", handleSearch)
	mux.HandleFunc("/health", handleHealth)
	go http.Serve(ln, mux)

	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < leakyRequests; i++ {
		get(client, fmt.Sprintf("%s/search?q=%d", base, i))
	}
	pollHealth(client, base+"/health", 500)
	for {
		time.Sleep(time.Hour)
	}
}

type answer struct {
	hits int
	err  error
}

// handleSearch asks the backend and gives up after 2 ms. It labels its work
// (pprof labels route, query and client); the goroutines it starts inherit
// the labels.
func handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	labels := pprof.Labels("route", "/search", "query", q, "client", "loopback test")
	pprof.Do(r.Context(), labels, func(ctx context.Context) {
		results := make(chan answer) // BUG: unbuffered; should be make(chan answer, 1)
		go queryBackend(ctx, q, results)
		select {
		case a := <-results:
			fmt.Fprintf(w, "%d hits\n", a.hits)
		case <-time.After(2 * time.Millisecond):
			http.Error(w, "backend timeout", http.StatusGatewayTimeout)
		}
	})
}

// queryBackend runs the search, then blocks for ever sending the answer to
// a handler that has already returned.
func queryBackend(ctx context.Context, q string, results chan<- answer) {
	hits, err := searchIndex(ctx, q)
	results <- answer{hits: hits, err: err}
}

// searchIndex is the slow backend call; it gives up when ctx is done.
func searchIndex(ctx context.Context, q string) (int, error) {
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-t.C:
		return len(q), nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func handleHealth(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, "ok\n")
}

// pollHealth is main's steady load on the server: n requests, 20 ms apart.
func pollHealth(client *http.Client, url string, n int) {
	for i := 0; i < n; i++ {
		get(client, url)
		time.Sleep(20 * time.Millisecond)
	}
}

func get(client *http.Client, url string) {
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
