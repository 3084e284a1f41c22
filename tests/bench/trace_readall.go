// trace_readall: the reference for tests/bench_trace.sh. It reads every
// event of a Go execution trace with golang.org/x/exp/trace (the exported
// copy of the Go toolchain's internal/trace parser) and prints how many
// there were. Built by the benchmark in a temporary module; not part of
// gotrex.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"golang.org/x/exp/trace"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: trace_readall TRACE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	n := 0
	for {
		_, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A truncated trace: report how far it got, as go tool trace does.
			fmt.Fprintf(os.Stderr, "%s: after %d events: %v\n", os.Args[1], n, err)
			break
		}
		n++
	}
	fmt.Println(n)
}
