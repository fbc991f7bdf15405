//go:build cgo

package hardware

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ebfe/scard"
)

// TestPCSCErrors: PC/SC's codes become this package's sentences; pcscd
// stopping mid-command is one of them, not a raw "RPC transport error".
func TestPCSCErrors(t *testing.T) {
	for err, want := range map[error]error{
		scard.ErrNoService:                        ErrNoService,
		scard.ErrServiceStopped:                   ErrServiceLost,
		scard.ErrCommError:                        ErrServiceLost,
		fmt.Errorf("x: %w", scard.ErrRemovedCard): ErrRemoved,
		scard.ErrNotTransacted:                    ErrRemoved,
	} {
		if got := pcscError(err); !errors.Is(got, want) {
			t.Errorf("pcscError(%v) = %v, want %v", err, got, want)
		}
	}
	if got := pcscError(scard.ErrSharingViolation); got == nil || errors.Is(got, ErrServiceLost) {
		t.Errorf("a busy reader: %v", got)
	}
}
