package synct

import (
	"testing"
	"testing/synctest"
	"time"
)

func TestDeadlock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan int)
		go func() { <-ch }()
		go func() { time.Sleep(time.Hour); }()
		go func() { select { case <-ch: case <-make(chan int): } }()
		<-make(chan int)
	})
}
