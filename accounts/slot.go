package accounts

import (
	"errors"
)

// A Stanza is one slot in a vault's header: its type, public parameters,
// and (for slots that keep it in the file) the wrapped data key. Its
// meaning belongs to the slot type; the vault only stores it.
type Stanza struct {
	Type string            `json:"type"`
	Args map[string]string `json:"args,omitempty"`
	Body []byte            `json:"body,omitempty"`
}

// A Locker adds a slot: it wraps the vault's data key into a Stanza.
type Locker interface {
	Lock(dataKey []byte) (Stanza, error)
}

// An Unlocker recovers the data key from stanzas of its SlotType.
type Unlocker interface {
	SlotType() string
	Unlock(s Stanza) (dataKey []byte, err error)
}

// Slot type names, as written in the header.
const (
	SlotKeyring  = "keyring"
	SlotPassword = "password"
	SlotYubiKey  = "yubikey"
)

var (
	// ErrWrongPassword: the password does not open the slot.
	ErrWrongPassword = errors.New("wrong password")
	// ErrKeyringUnavailable: no OS keyring answered (headless Linux, a
	// locked or refused keyring). Wrapped with the cause.
	ErrKeyringUnavailable = errors.New("the OS keyring is not reachable")
	// ErrTooCostly: a file's key derivation asks for more time or memory
	// than any Twofold or Aegis file does (a hostile file).
	ErrTooCostly = errors.New("this file asks for more work than any Twofold or Aegis writes; refusing")
	// ErrKeyMissing: the keyring answered but holds no key for this vault.
	ErrKeyMissing = errors.New("the OS keyring holds no key for this vault")
)
