//go:build go1.25

package rec

import (
	"os"
	"runtime/trace"
	"time"
)

// startFlight keeps the last part of the execution in memory and writes it
// to f only when the watchdog asks, as a service would when it notices a hang.
func startFlight(f *os.File) (func() error, error) {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{
		MinAge:   2 * time.Second,
		MaxBytes: 1 << 20,
	})
	if err := fr.Start(); err != nil {
		return nil, err
	}
	return func() error {
		_, err := fr.WriteTo(f)
		fr.Stop()
		return err
	}, nil
}
