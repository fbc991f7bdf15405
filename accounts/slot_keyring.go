package accounts

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name under which Twofold's keys are
// stored in the OS keyring.
const KeyringService = "Twofold"

// keyringTimeout bounds a keyring call: a Secret Service waiting on an
// unlock prompt nobody sees would otherwise hang for ever.
const keyringTimeout = 10 * time.Second

// KeyringSlot keeps the data key itself in the OS keyring (Secret
// Service, macOS Keychain, Windows Credential Manager). The header holds
// only the item's name.
type KeyringSlot struct{}

func (KeyringSlot) SlotType() string { return SlotKeyring }

func (KeyringSlot) Lock(dataKey []byte) (Stanza, error) {
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return Stanza{}, err
	}
	user := "vault-key-" + hex.EncodeToString(id[:])
	if err := keyringCall(func() error {
		return keyring.Set(KeyringService, user, base64.StdEncoding.EncodeToString(dataKey))
	}); err != nil {
		return Stanza{}, err
	}
	args := map[string]string{"service": KeyringService, "user": user}
	// Each computer keeps its own keyring slot: the item is in its keyring.
	if d, err := ThisDevice(); err == nil {
		args["device"], args["host"] = d.ID, d.Name
	}
	return Stanza{Type: SlotKeyring, Args: args}, nil
}

// OtherComputersError: the vault opens only through other computers'
// keyrings (no password or YubiKey slot, no keyring slot of this one).
type OtherComputersError struct{ Hosts []string }

func (e *OtherComputersError) Error() string {
	return fmt.Sprintf("the vault opens only with the keyring of %s", strings.Join(e.Hosts, ", "))
}

func (e *OtherComputersError) Is(target error) bool { return target == ErrKeyMissing }

// onlyOtherComputers is the OtherComputersError of a header that no slot
// of this computer, password or YubiKey opens, or nil.
func onlyOtherComputers(h header) error {
	d, err := ThisDevice()
	if err != nil {
		return nil
	}
	var hosts []string
	for _, s := range h.Slots {
		if !otherComputers(s, d.ID) {
			return nil
		}
		host := s.Args["host"]
		if host == "" {
			host = s.Args["device"]
		}
		if !slices.Contains(hosts, host) {
			hosts = append(hosts, host)
		}
	}
	return &OtherComputersError{Hosts: hosts}
}

// otherComputers: s is a keyring slot of a computer other than the one
// with this device ID (one written before slots named their computer
// counts as this one's).
func otherComputers(s Stanza, device string) bool {
	d := s.Args["device"]
	return s.Type == SlotKeyring && d != "" && d != device
}

// foreign: a keyring slot of another computer than this vault's.
func (v *Vault) foreign(s Stanza) bool { return otherComputers(s, v.clock.device) }

func (KeyringSlot) Unlock(s Stanza) ([]byte, error) {
	// Another computer's item is in its own keyring, never in this one.
	if d, err := ThisDevice(); err == nil && otherComputers(s, d.ID) {
		return nil, fmt.Errorf("%w (its key is in the keyring of %s)", ErrKeyMissing, s.Args["host"])
	}
	var v string
	err := keyringCall(func() (err error) {
		v, err = keyring.Get(s.Args["service"], s.Args["user"])
		return err
	})
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("the OS keyring's item for this vault is not a Twofold key")
	}
	return key, nil
}

// ForgetKeyring deletes the keyring item of a removed keyring slot. An
// item already gone is not an error.
func ForgetKeyring(s Stanza) error {
	return keyringCall(func() error {
		err := keyring.Delete(s.Args["service"], s.Args["user"])
		if errors.Is(err, keyring.ErrNotFound) {
			return nil
		}
		return err
	})
}

// keyringCall runs f with a time limit and maps go-keyring's errors:
// ErrNotFound means the item is missing, anything else means no keyring.
func keyringCall(f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		switch {
		case err == nil:
			return nil
		case errors.Is(err, keyring.ErrNotFound):
			return ErrKeyMissing
		default:
			return fmt.Errorf("%w (%v)", ErrKeyringUnavailable, err)
		}
	case <-time.After(keyringTimeout):
		return fmt.Errorf("%w (it did not answer within %s)", ErrKeyringUnavailable, keyringTimeout)
	}
}
