// dockerjson: write a text file as docker's json-file driver would store it
// (encoding/json, HTML-escaped, "log"/"stream"/"time"), interleaving
// stdout records, and splitting one long line in two partial records.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

type rec struct {
	Log    string `json:"log"`
	Stream string `json:"stream"`
	Time   string `json:"time"`
}

func main() {
	f, _ := os.Open(os.Args[1])
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	enc := json.NewEncoder(os.Stdout)
	t := time.Date(2026, 11, 27, 21, 0, 0, 0, time.UTC)
	n := 0
	for sc.Scan() {
		line := sc.Text() + "\n"
		ts := t.Add(time.Duration(n) * time.Microsecond).Format(time.RFC3339Nano)
		if n == 5 { // a line split as docker splits lines over 16 KiB
			enc.Encode(rec{line[:10], "stderr", ts})
			enc.Encode(rec{line[10:], "stderr", ts})
		} else {
			enc.Encode(rec{line, "stderr", ts})
		}
		if n%7 == 3 {
			enc.Encode(rec{fmt.Sprintf("request %d served <ok> & logged\n", n), "stdout", ts})
		}
		n++
	}
}
