package hardware

import (
	"strings"
	"testing"
)

// endless is a card that answers every command with "more data" (61FF)
// and what each round gives.
type endless struct {
	body   []byte
	rounds int
}

func (e *endless) transmit([]byte) ([]byte, error) {
	e.rounds++
	return append(append([]byte{}, e.body...), 0x61, 0xff), nil
}

func (e *endless) close() error { return nil }

// TestMoreDataBounded: a card that keeps saying "more data", with or
// without sending any, ends the command with a sentence naming the key.
func TestMoreDataBounded(t *testing.T) {
	for _, body := range [][]byte{nil, make([]byte, 255)} {
		card := &endless{body: body}
		s := &Session{t: card, Key: Key{Reader: "Strange Reader 00", Serial: 7}}
		_, err := s.send(0xa1, 0, 0, nil)
		if err == nil || !strings.Contains(err.Error(), "does not follow the OATH protocol") || !strings.Contains(err.Error(), s.Key.Name()) {
			t.Errorf("%d-byte rounds: %v", len(body), err)
		}
		if card.rounds > maxRounds+1 {
			t.Errorf("%d-byte rounds: %d commands sent", len(body), card.rounds)
		}
	}
}
