package hardware

import (
	"crypto/ecdh"

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
