package hardware

import (
	"crypto/ecdh"
	"errors"
	"fmt"
)

// WrongPINError: the PIN was wrong; Left tries remain before it blocks.
type WrongPINError struct{ Left int }

func (e WrongPINError) Error() string {
	return fmt.Sprintf("wrong PIN: %d tries left before the PIN is blocked", e.Left)
}

var (
	// ErrPINBlocked: too many wrong PINs.
	ErrPINBlocked = errors.New("the YubiKey's PIN is blocked after too many wrong tries: its PUK unblocks it and sets a new PIN (ykman piv access unblock-pin)")
	// ErrNoPIVKey: no plugged-in key has a PIV application (or the one
	// asked for is not plugged in).
	ErrNoPIVKey = errors.New("no YubiKey with a PIV application is plugged in")
	// ErrNoVaultKey: the key holds no Twofold key for this vault.
	ErrNoVaultKey = errors.New("this YubiKey holds no key for this vault")
	// ErrSlotsFull: every retired slot holds some key already.
	ErrSlotsFull = errors.New("the YubiKey has no free retired PIV slot (82 to 95)")
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
