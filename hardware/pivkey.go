package hardware

import (
	"crypto/ecdh"
	"errors"
	"strconv"

	"twofold/accounts"

	"twofold/internal/i18n"
)

// WrongPINError: the PIN was wrong; Left tries remain before it blocks.
type WrongPINError struct{ Left int }

func (e WrongPINError) Error() string {
	return i18n.Nf("wrong PIN: %d tries left before the PIN is blocked", e.Left, e.Left)
}

var (
	// ErrPINBlocked: too many wrong PINs.
	ErrPINBlocked = i18n.Error("the YubiKey's PIN is blocked after too many wrong tries: its PUK unblocks it and sets a new PIN (ykman piv access unblock-pin)")
	// ErrNoPIVKey: no plugged-in key has a PIV application (or the one
	// asked for is not plugged in).
	ErrNoPIVKey = i18n.Error("no YubiKey with a PIV application is plugged in")
	// ErrNoVaultKey: the key holds no Twofold key for this vault.
	ErrNoVaultKey = i18n.Error("this YubiKey holds no key for this vault")
	// ErrSlotsFull: every retired slot holds some key already.
	ErrSlotsFull = i18n.Error("the YubiKey has no free retired PIV slot (82 to 95)")
)

// certPrefix starts the subject of Twofold's marking certificate.
const certPrefix = "Twofold vault "

// VaultKey is a Twofold key on the card: its slot, public key and the
// fingerprint (SHA-256) of its marking certificate.
type VaultKey struct {
	Slot   byte
	Public *ecdh.PublicKey
	Cert   []byte
}

// Unlocker opens a vault's (or backup's) yubikey slots with the key
// whose serial the slot names, if it is plugged in: pin is asked, with
// the key's name, only then, and touch (if not nil) is told when the
// key waits for a touch.
func Unlocker(pin func(key string) ([]byte, error), touch func(key string)) *accounts.YubiKeyUnlocker {
	return &accounts.YubiKeyUnlocker{Agree: func(ref accounts.YubiKeyRef, peer *ecdh.PublicKey) ([]byte, error) {
		p, err := OpenPIV(strconv.FormatUint(uint64(ref.Serial), 10))
		if err != nil {
			return nil, err
		}
		defer p.Close()
		code, err := pin(p.Name())
		if err != nil {
			return nil, err
		}
		defer clear(code)
		if touch != nil && p.NeedsTouch(ref.Slot) {
			touch(p.Name())
		}
		return p.Agree(ref.Slot, ref.Public, ref.Cert, string(code), peer)
	}}
}

// Protect makes this vault's key on the YubiKey which names (or finds
// the one made before; with adopt, marks the key another tool made in
// slot) and adds the key's slot to v; the caller saves v. name is the
// key's; warning is for the user ("" if none).
func Protect(v *accounts.Vault, which, pin string, slot byte, touch, adopt bool) (name string, k VaultKey, warning string, err error) {
	p, err := OpenPIV(which)
	if err != nil {
		return "", VaultKey{}, "", err
	}
	defer p.Close()
	if err := p.VerifyPIN(pin); err != nil {
		return "", VaultKey{}, "", err
	}
	k, err = p.Find(v.ID())
	switch {
	case errors.Is(err, ErrNoVaultKey) && adopt:
		k, warning, err = p.Adopt(pin, v.ID(), slot)
	case errors.Is(err, ErrNoVaultKey):
		k, warning, err = p.Create(pin, v.ID(), slot, touch)
	}
	if err != nil {
		return "", VaultKey{}, "", err
	}
	ref := accounts.YubiKeyRef{Serial: p.Serial, Slot: k.Slot, Public: k.Public, Cert: k.Cert}
	if err := v.AddSlot(accounts.SlotYubiKey, &accounts.YubiKeySlot{Ref: ref}); err != nil {
		return "", VaultKey{}, "", err
	}
	return p.Name(), k, warning, nil
}
