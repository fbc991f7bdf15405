//go:build cgo

package hardware_test

import (
	"fmt"
	"testing"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/hardware/cardsim"
)

// fullKey is 32 TOTP accounts, what a YubiKey before 5.7 holds.
func fullKey() []*accounts.Account {
	var accts []*accounts.Account
	for i := range 32 {
		accts = append(accts, &accounts.Account{Issuer: fmt.Sprintf("Service %02d", i), Name: "someone@example.com",
			Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("secret number %02d", i))})
	}
	return accts
}

// BenchmarkLocalCodes is the baseline: the same 32 codes computed by
// Twofold itself from secrets in memory.
func BenchmarkLocalCodes(b *testing.B) {
	accts := fullKey()
	for b.Loop() {
		for _, a := range accts {
			if _, err := a.Code(at); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkKeyCodes is one refresh of a full key's section in the GUI:
// the Broker opens the key (serial, SELECT), asks CALCULATE ALL and
// closes it, through pcscd and vpcd to cardsim.
func BenchmarkKeyCodes(b *testing.B) {
	card := cardsim.New(27182818)
	_, reader := insert(b, card)
	s, err := hardware.Open(reader)
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range fullKey() {
		if _, err := s.Put(a, false); err != nil {
			b.Fatal(err)
		}
	}
	k := s.Key
	s.Close()
	broker := hardware.NewBroker()
	for b.Loop() {
		codes, err := broker.Codes(k, at)
		if err != nil || len(codes) != 32 {
			b.Fatalf("%d codes, %v", len(codes), err)
		}
	}
}

// BenchmarkUnlock opens the same vault by each kind of slot, through the
// real services: the keyring (the Secret Service on D-Bus), a password
// (Argon2id at Twofold's cost) and a YubiKey's PIV key (pcscd, vpcd,
// cardsim: PIN, then ECDH on the card). The keyring is the baseline.
func BenchmarkUnlock(b *testing.B) {
	card := cardsim.New(8080)
	_, reader := insert(b, card)
	p, err := hardware.OpenPIV(reader)
	if err != nil {
		b.Fatal(err)
	}
	path := b.TempDir() + "/vault.twofold"
	v, err := accounts.Create(path, &accounts.PasswordSlot{Password: []byte("a long password")})
	if err != nil {
		b.Fatal(err)
	}
	k, _, err := p.Create(cardsim.DefaultPIN, v.ID(), 0, false)
	p.Close()
	if err != nil {
		b.Fatal(err)
	}
	if err := v.AddSlot(accounts.SlotYubiKey, &accounts.YubiKeySlot{Ref: accounts.YubiKeyRef{Serial: 8080, Slot: k.Slot, Public: k.Public, Cert: k.Cert}}); err != nil {
		b.Fatal(err)
	}
	if err := v.AddSlot(accounts.SlotKeyring, accounts.KeyringSlot{}); err != nil {
		b.Fatal(err)
	}
	if err := v.Save(); err != nil {
		b.Fatal(err)
	}
	v.Close()
	b.Cleanup(func() {
		if v, err := accounts.Open(path, accounts.KeyringSlot{}); err == nil {
			v.RemoveSlot(accounts.SlotKeyring)
			v.Save()
			v.Close()
		}
	})
	for _, tc := range []struct {
		name string
		u    accounts.Unlocker
	}{
		{"keyring", accounts.KeyringSlot{}},
		{"password", &accounts.PasswordSlot{Password: []byte("a long password")}},
		{"yubikey", hardware.Unlocker(func(string) ([]byte, error) { return []byte(cardsim.DefaultPIN), nil }, nil)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := accounts.Read(path, tc.u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
