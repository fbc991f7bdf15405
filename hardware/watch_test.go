//go:build cgo

package hardware

import (
	"testing"

	"github.com/ebfe/scard"
)

func TestCardsChanged(t *testing.T) {
	const count = 1 << 16 // one insertion or removal in the high word
	tests := []struct {
		name        string
		before, now scard.StateFlag
		want        bool
	}{
		{"nothing", scard.StatePresent, scard.StatePresent, false},
		{"a program connected", scard.StatePresent, scard.StatePresent | scard.StateInuse | scard.StateChanged, false},
		{"held exclusively", scard.StatePresent | scard.StateInuse, scard.StatePresent | scard.StateExclusive, false},
		{"plugged in", scard.StateEmpty, scard.StatePresent | count | scard.StateChanged, true},
		{"pulled out", scard.StatePresent | count, scard.StateEmpty | 2*count, true},
		{"out and in again between two looks", scard.StatePresent | count, scard.StatePresent | 3*count, true},
		{"stopped answering", scard.StatePresent, scard.StatePresent | scard.StateMute, true},
		{"reader gone", scard.StateEmpty, scard.StateUnknown, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			states := []scard.ReaderState{
				{Reader: "other", CurrentState: scard.StateEmpty, EventState: scard.StateEmpty},
				{Reader: "key", CurrentState: tt.before, EventState: tt.now},
			}
			if got := cardsChanged(states); got != tt.want {
				t.Errorf("cardsChanged(%#x → %#x) = %v, want %v", tt.before, tt.now, got, tt.want)
			}
		})
	}
}
