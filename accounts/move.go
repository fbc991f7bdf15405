package accounts

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"twofold/internal/bounded"
	"twofold/internal/securefile"
)

// ErrNotPortable: the vault opens only through this computer's keyring,
// so a copy of it on another computer would open with nothing.
var ErrNotPortable = errors.New("the vault opens only with this computer's keyring; give it a password (or a YubiKey) first, so that another computer can open it")

// ErrVaultThere: the place chosen for the vault holds another vault.
var ErrVaultThere = errors.New("another vault is already there")

// usedVaultFile, in the local state folder, names the vault this computer
// uses when neither --vault nor TWOFOLD_VAULT says otherwise.
const usedVaultFile = "vault-path"

func usedVault() string {
	dir, err := StateDir()
	if err != nil {
		return ""
	}
	data, err := bounded.ReadFile(filepath.Join(dir, usedVaultFile), 4096)
	if err != nil {
		return ""
	}
	p := strings.TrimSpace(string(data))
	if !filepath.IsAbs(p) {
		return ""
	}
	return p
}

// UseVault makes this computer use the vault at path from now on (when
// neither --vault nor TWOFOLD_VAULT says otherwise).
func UseVault(path string) error {
	path, err := resolve(path)
	if err != nil {
		return err
	}
	dir, err := StateDir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create Twofold's local state folder: %w", err)
	}
	return securefile.Write(filepath.Join(dir, usedVaultFile), []byte(path+"\n"))
}

// Portable reports whether another computer could open the vault: it has
// a password or a YubiKey slot.
func (v *Vault) Portable() bool {
	return slices.ContainsFunc(v.hdr.Slots, func(s Stanza) bool { return s.Type == SlotPassword || s.Type == SlotYubiKey })
}

// MoveTo moves the vault to dest (a folder to put it in under its current
// name, made if need be, or a file named like the vault), for example into a folder a sync tool shares between
// computers, and makes this computer use it there (UseVault). It writes
// the vault at dest, reads it back, and only then takes the old file away
// (it stays as the newest kept copy). A vault with this one's ID already
// at dest (the same vault, synced there from another computer) is merged
// with; another vault is not touched (ErrVaultThere).
func (v *Vault) MoveTo(dest string) error {
	if !v.writable {
		return errors.New("the vault was opened read-only")
	}
	if !v.Portable() {
		return ErrNotPortable
	}
	// A folder, unless it names a .twofold file that is not a folder.
	if st, err := os.Stat(dest); (err == nil && st.IsDir()) || (err != nil && filepath.Ext(dest) != filepath.Ext(v.path)) {
		dest = filepath.Join(dest, filepath.Base(v.path))
	}
	dest, err := resolve(dest)
	if err != nil {
		return err
	}
	if dest == v.path {
		return UseVault(dest)
	}
	if info, err := Inspect(dest); err == nil && info.ID != v.hdr.ID {
		return fmt.Errorf("%s: %w", dest, ErrVaultThere)
	}
	old := v.path
	v.path, v.disk = dest, nil
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		v.path = old
		return fmt.Errorf("create the vault's new folder: %w", err)
	}
	if err := v.Save(); err != nil {
		v.path = old
		return err
	}
	check, err := Read(dest, givenKeyUnlocker{v})
	if err != nil || len(check.Accounts) != len(v.Accounts) {
		v.path = old
		return fmt.Errorf("the vault written at %s does not read back (%v); it stays at %s", dest, err, old)
	}
	if err := UseVault(dest); err != nil {
		return err
	}
	dir, err := vaultStateDir(v.hdr.ID)
	if err != nil {
		return err
	}
	if err := keepGenerations(old, dir); err != nil {
		return err
	}
	return os.Remove(old)
}

// givenKeyUnlocker opens any slot with the open vault's key: for reading
// back a copy just written.
type givenKeyUnlocker struct{ v *Vault }

func (u givenKeyUnlocker) SlotType() string { return u.v.hdr.Slots[0].Type }

func (u givenKeyUnlocker) Unlock(Stanza) ([]byte, error) { return slices.Clone(u.v.key), nil }
