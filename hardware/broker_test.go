//go:build cgo

package hardware_test

import (
	"errors"
	"testing"

	"twofold/hardware"
	"twofold/hardware/cardsim"
)

// TestBroker: a protected key asks for its password once; a remembered
// access key opens it in a later run; a password changed elsewhere asks
// again; a key pulled out says so.
func TestBroker(t *testing.T) {
	card := cardsim.New(31415926)
	plug, reader := insert(t, card)
	s := openKey(t, reader)
	a := testAccounts()[0]
	if _, err := s.Put(a, false); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword("hunter2"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	keys, err := hardware.KeysIn(reader)
	if err != nil || len(keys) != 1 || !keys[0].Protected {
		t.Fatalf("keys %+v, %v: want one protected key", keys, err)
	}
	k := keys[0]

	b := hardware.NewBroker()
	if _, err := b.Codes(k, at); !errors.Is(err, hardware.ErrPasswordNeeded) {
		t.Errorf("codes before the password: %v", err)
	}
	if _, err := b.Unlock(k, "wrong"); !errors.Is(err, hardware.ErrWrongPassword) {
		t.Errorf("a wrong password: %v", err)
	}
	access, err := b.Unlock(k, "hunter2")
	if err != nil {
		t.Fatal(err)
	}
	codes, err := b.Codes(k, at)
	if err != nil || len(codes) != 1 || codes[0].Code != oathtool(t, a, at) {
		t.Fatalf("codes after the password: %+v, %v", codes, err)
	}

	// A later run that kept the access key needs no password.
	later := hardware.NewBroker()
	later.Remember(k.ID(), access)
	if codes, err := later.Codes(k, at); err != nil || len(codes) != 1 {
		t.Errorf("with a remembered access key: %+v, %v", codes, err)
	}

	// The password changed in another app: ask again.
	if err := later.Do(k, func(s *hardware.Session) error { return s.SetPassword("new one") }); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Codes(k, at); !errors.Is(err, hardware.ErrPasswordNeeded) {
		t.Errorf("after the password changed elsewhere: %v", err)
	}

	plug.Unplug()
	waitKey(t, reader, false)
	if _, err := later.Codes(k, at); !errors.Is(err, hardware.ErrRemoved) {
		t.Errorf("a key pulled out: %v", err)
	}
}
