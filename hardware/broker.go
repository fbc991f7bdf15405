package hardware

import (
	"errors"
	"sync"
	"time"

	"twofold/accounts"
)

// Broker serialises an app's work on its keys: one operation at a time,
// each in its own session (one PC/SC transaction), as the OATH
// application and piv-go want. It also holds, for the app's life, the
// access keys that open password-protected keys, so the user types a
// key's password once.
type Broker struct {
	mu     sync.Mutex
	access map[accounts.KeyID][]byte
}

// NewBroker returns a broker that knows no passwords yet.
func NewBroker() *Broker { return &Broker{access: map[accounts.KeyID][]byte{}} }

// Remember gives the broker the access key of key id (one the app kept
// from an earlier Unlock).
func (b *Broker) Remember(id accounts.KeyID, access []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.access[id] = append([]byte(nil), access...)
}

// Forget drops what the broker knows about a key's password.
func (b *Broker) Forget(id accounts.KeyID) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.access, id)
}

// Unlock checks password on k. On success the broker remembers the
// access key, and returns it for the app to keep if the user asks.
func (b *Broker) Unlock(k Key, password string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := OpenKey(k)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	access := s.AccessKey(password)
	if err := s.UnlockWith(access); err != nil {
		return nil, err
	}
	b.access[k.ID()] = access
	return access, nil
}

// Do opens k, unlocks it with the access key it knows, and runs fn on
// the session. A protected key whose password the broker does not know
// (or no longer knows: it was changed elsewhere) gives ErrPasswordNeeded.
func (b *Broker) Do(k Key, fn func(*Session) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := OpenKey(k)
	if err != nil {
		return err
	}
	defer s.Close()
	if s.Protected {
		access := b.access[k.ID()]
		if access == nil {
			return ErrPasswordNeeded
		}
		if err := s.UnlockWith(access); err != nil {
			if errors.Is(err, ErrWrongPassword) {
				delete(b.access, k.ID())
				return ErrPasswordNeeded
			}
			return err
		}
	}
	return fn(s)
}

// Codes lists k's accounts with their codes at time at (HOTP and touch
// accounts without: see Session.CalculateAll).
func (b *Broker) Codes(k Key, at time.Time) ([]Code, error) {
	var codes []Code
	err := b.Do(k, func(s *Session) (err error) {
		codes, err = s.CalculateAll(at)
		return err
	})
	return codes, err
}
