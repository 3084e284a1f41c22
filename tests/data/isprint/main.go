// isprint prints the table of non-ASCII runes that Go's strconv.Quote
// escapes (those for which strconv.IsPrint is false), as C initializer
// ranges. src/trace_event.c embeds its output (Go 1.26, Unicode 15.0) so
// that `gotrex events` quotes strings exactly like Go's %q.
//
// Usage: go run . > table.txt
package main

import (
	"fmt"
	"strconv"
)

func main() {
	in := false
	start := rune(0)
	n := 0
	for r := rune(0x80); r <= 0x110000; r++ {
		np := r < 0x110000 && !strconv.IsPrint(r)
		if np && !in {
			start, in = r, true
		} else if !np && in {
			if n%6 == 0 {
				fmt.Print("\t")
			}
			fmt.Printf("{ 0x%x, 0x%x },", start, r-1)
			n++
			if n%6 == 0 {
				fmt.Println()
			} else {
				fmt.Print(" ")
			}
			in = false
		}
	}
	fmt.Println()
}
