//go:build !go1.25

package rec

import "os"

// startFlight: runtime/trace has no flight recorder before Go 1.25, so
// stream the trace like Start does.
func startFlight(f *os.File) (func() error, error) {
	return startTrace(f)
}
