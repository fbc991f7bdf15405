package simrun

import (
	"os"
	"os/signal"
	"testing"

	"twofold/hardware/cardsim"
)

func TestRun(t *testing.T) {
	c := cardsim.New(12345678)
	p, err := c.Plug("127.0.0.1:35963")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	select {
	case <-ch:
	case <-p.Done():
	}
}
