//go:build cgo || windows

package hardware_test

import (
	"testing"
	"time"

	"github.com/ebfe/scard"
)

// waitReaderEmpty waits until pcscd itself reports no card in reader: a
// card pulled out by an earlier test and another plugged in before
// pcscd's next poll of vpcd (about every 0.44 s) would look like no
// change at all to a watcher.
func waitReaderEmpty(t *testing.T, reader string) {
	t.Helper()
	ctx, err := scard.EstablishContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Release()
	rs := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if err := ctx.GetStatusChange(rs, time.Until(deadline)); err != nil && err != scard.ErrTimeout {
			t.Fatalf("the state of %s: %v", reader, err)
		}
		if rs[0].EventState&scard.StateEmpty != 0 {
			return
		}
		rs[0].CurrentState = rs[0].EventState &^ scard.StateChanged
	}
	t.Fatalf("%s still holds a card after 30 s", reader)
}
