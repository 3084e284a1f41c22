// http_hammer wrote the http-*.txt and gc-sema.txt dumps beside it: the
// leak of samples/07-goroutine-leak (20 queryBackend goroutines blocked for
// ever in a chan send), while a client goroutine keeps polling the same
// server over one keep-alive connection and main writes 2000 pprof
// debug=2 dumps 1 ms apart. Run as `GOMAXPROCS=2 go run .` (Go 1.26, in a
// directory with a go.mod and an empty d/), then the paths were shortened
// (sed 's#/tmp/hammer/#hammer/#; s#/usr/local/go/src/##'). Every dump has
// exactly those 20 stuck; the ones kept caught the HTTP machinery mid-way.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"time"
)

type answer struct {
	hits int
	err  error
}

func handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	labels := pprof.Labels("route", "/search", "query", q)
	pprof.Do(r.Context(), labels, func(ctx context.Context) {
		results := make(chan answer)
		go queryBackend(ctx, q, results)
		select {
		case a := <-results:
			fmt.Fprintf(w, "%d hits\n", a.hits)
		case <-time.After(2 * time.Millisecond):
			http.Error(w, "backend timeout", http.StatusGatewayTimeout)
		}
	})
}

func queryBackend(ctx context.Context, q string, results chan<- answer) {
	hits, err := searchIndex(ctx, q)
	results <- answer{hits: hits, err: err}
}

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
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	go http.Serve(ln, mux)
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < 20; i++ {
		get(client, fmt.Sprintf("%s/search?q=%d", base, i))
	}
	go func() {
		for {
			get(client, base+"/health")
			time.Sleep(time.Millisecond)
		}
	}()
	for i := 0; i < 2000; i++ {
		f, _ := os.Create(fmt.Sprintf("d/%04d.txt", i))
		pprof.Lookup("goroutine").WriteTo(f, 2)
		f.Close()
		time.Sleep(time.Millisecond)
	}
}
