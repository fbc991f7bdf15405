package accounts

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"twofold/internal/securefile"
)

// Sync tools leave a copy beside a file that two computers changed at
// once. Twofold merges each copy of its vault it can open, and moves the
// copy to the vault's local state folder once the merge is written.

// conflictTail matches what each sync tool puts between a file's base
// name and its extension in the name of a conflict copy.
var conflictTail = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:` +
		`\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}` + // Syncthing
		`| \([^()]*conflicted copy[^()]*\)` + // Dropbox, Nextcloud
		`|-[A-Za-z0-9][A-Za-z0-9_.-]{0,62}` + // OneDrive: -COMPUTERNAME
		`)$`)
})

// maxConflicts bounds the copies looked at in one pass: each costs a
// read and a decryption.
const maxConflicts = 64

// ConflictCopy is a sync tool's copy of the vault that could not be
// merged, and why.
type ConflictCopy struct {
	Path string
	Err  error
	mod  time.Time // its time when looked at
}

// conflictCopies lists the names in the vault's folder that look like a
// sync tool's copy of it.
func conflictCopies(path string) []string {
	dir, name := filepath.Split(path)
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	entries, err := os.ReadDir(filepath.Clean(dir))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || n == name || !strings.HasSuffix(n, ext) || !strings.HasPrefix(n, base) {
			continue
		}
		if conflictTail().MatchString(strings.TrimSuffix(strings.TrimPrefix(n, base), ext)) {
			out = append(out, filepath.Join(dir, n))
		}
		if len(out) == maxConflicts {
			break
		}
	}
	return out
}

// mergeConflicts merges each conflict copy that opens with the vault's
// key, remembering it to be moved away once the merge is written
// (v.conflicts), and those it cannot merge (another vault, damaged,
// another key) in v.left, each looked at once while it is unchanged.
func (v *Vault) mergeConflicts() int {
	n := 0
	v.conflicts = v.conflicts[:0]
	var left []ConflictCopy
	for _, p := range conflictCopies(v.path) {
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		if i := slices.IndexFunc(v.left, func(c ConflictCopy) bool { return c.Path == p }); i >= 0 && v.left[i].mod.Equal(st.ModTime()) {
			left = append(left, v.left[i])
			continue
		}
		c, err := v.readCopy(p)
		if err != nil {
			left = append(left, ConflictCopy{Path: p, Err: err, mod: st.ModTime()})
			continue
		}
		n += v.mergeIn(c)
		v.conflicts = append(v.conflicts, p)
	}
	v.left = left
	return n
}

// KeptConflicts lists the sync tools' copies merged and moved into the
// vault's local state folder.
func (v *Vault) KeptConflicts() []string {
	dir, err := vaultStateDir(v.hdr.ID)
	if err != nil {
		return nil
	}
	found, _ := filepath.Glob(filepath.Join(dir, "conflicts", "*"))
	return found
}

// Conflicts lists the sync tools' copies of the vault that Twofold could
// not merge, and why. They are left where they are.
func (v *Vault) Conflicts() []ConflictCopy { return slices.Clone(v.left) }

// readCopy opens a sync tool's copy of this vault with the key in memory.
func (v *Vault) readCopy(p string) (*Contents, error) {
	data, err := readFile(p)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	_, c, err := v.openOther(data)
	return c, err
}

// openOther opens the bytes of another file of this vault (the file on
// disk now, or a copy) with a key in memory.
func (v *Vault) openOther(data []byte) (header, *Contents, error) {
	h, off, err := parseHeader(data)
	if err != nil {
		return h, nil, err
	}
	if h.ID != v.hdr.ID {
		return h, nil, ErrOtherVault
	}
	key := v.keyFor(h)
	if key == nil {
		return h, nil, ErrKeyChanged
	}
	c, err := openBody(data, off, key)
	if err != nil {
		return h, nil, err
	}
	return h, &c, nil
}

// keyFor is the key in memory that opens a file with header h, or nil.
func (v *Vault) keyFor(h header) []byte {
	for _, k := range append([][]byte{v.key}, v.oldKeys...) {
		if k != nil && hmac.Equal(keyCheck(k), h.KeyCheck) {
			return k
		}
	}
	return nil
}

// keepConflicts moves merged conflict copies into the vault's local state
// folder (never deleting them): their accounts are in the vault now.
func keepConflicts(dir string, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	kept := filepath.Join(dir, "conflicts")
	if err := os.MkdirAll(kept, 0o700); err != nil {
		return fmt.Errorf("keep merged conflict copies: %w", err)
	}
	var errs []error
	for _, p := range paths {
		to := filepath.Join(kept, filepath.Base(p))
		if err := os.Rename(p, to); err != nil {
			errs = append(errs, moveFile(p, to))
		}
	}
	return errors.Join(errs...)
}

// moveFile is a rename across file systems: a copy, then the removal.
func moveFile(from, to string) error {
	data, err := readFile(from)
	if err != nil {
		return err
	}
	defer clear(data)
	if err := securefile.Write(to, data); err != nil {
		return fmt.Errorf("keep a merged conflict copy: %w", err)
	}
	return os.Remove(from)
}
