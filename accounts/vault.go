package accounts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"golang.org/x/crypto/chacha20poly1305"

	"twofold/internal/bounded"
	"twofold/internal/securefile"
)

// The vault file (docs/vault-format.md is the full description):
//
//	magic "TWOFOLDV" | version uint16 BE | header length uint32 BE |
//	header JSON | SHA-256 of everything before it |
//	24-byte nonce | XChaCha20-Poly1305(body JSON), AAD = all before the nonce
const (
	magic         = "TWOFOLDV"
	FormatVersion = 2
	// oldestVersion is the oldest format read; Save writes FormatVersion.
	oldestVersion = 1
	prefixLen     = len(magic) + 2 + 4
	maxHeaderLen  = 1 << 20
	// maxSlots bounds the slots a header may hold (each may cost a key
	// derivation to try): a vault has one per way to open it.
	maxSlots = 8
	// maxPasswordSlots: Twofold writes one; each costs an Argon2id run.
	maxPasswordSlots = 2
	maxVaultSize     = 256 << 20
	keyCheckLabel    = "twofold vault key check"
	// Generations is how many earlier copies are kept (in the vault's
	// local state folder, StateDir).
	Generations = 3
)

// DefaultLockWait is how long Save waits for another process's write.
var DefaultLockWait = 3 * time.Second

var (
	// ErrDamaged: the file fails its integrity checks.
	ErrDamaged = errors.New("vault damaged")
	// ErrNotVault: the file is not a Twofold vault at all.
	ErrNotVault = errors.New("not a Twofold vault")
	// ErrNewerVersion: written by a newer Twofold.
	ErrNewerVersion = errors.New("vault written by a newer Twofold")
	// ErrInUse: another process held the vault's lock for longer than a
	// write takes.
	ErrInUse = errors.New("the vault is in use by another Twofold process")
	// ErrKeyChanged: the vault on disk was given a new key elsewhere
	// (a password change on another computer); it must be unlocked again.
	ErrKeyChanged = errors.New("the vault was given a new key on another computer or by another Twofold; open it again to save")
	// ErrOtherVault: another vault now sits at the open vault's path.
	ErrOtherVault = errors.New("another vault has replaced this one on disk")
	// ErrNoVault: there is no vault file yet.
	ErrNoVault = errors.New("no vault yet")
	// ErrNoSlot: none of the given unlockers matches a slot of the vault.
	ErrNoSlot = errors.New("no way to unlock the vault")
	// ErrLastSlot: removing the slot would leave the vault unopenable.
	ErrLastSlot = errors.New("cannot remove the vault's last slot")
	// ErrDuplicate: the same account (Account.SameAs) is in the vault.
	ErrDuplicate = errors.New("this account is already in the vault")
)

// VersionError is a vault of a newer format than this Twofold reads. It
// matches ErrNewerVersion.
type VersionError struct{ Version int }

func (e *VersionError) Error() string {
	return fmt.Sprintf("vault written by a newer Twofold (format %d; this Twofold reads format %d)", e.Version, FormatVersion)
}

func (e *VersionError) Is(target error) bool { return target == ErrNewerVersion }

// header is the plaintext JSON after the prefix.
type header struct {
	ID       string   `json:"id"`
	KeyCheck []byte   `json:"keyCheck"`
	Slots    []Stanza `json:"slots"`
	// Removed slots, so that a copy which still has one does not bring it
	// back in a merge (format 2).
	Removed []RemovedSlot `json:"removedSlots,omitempty"`
}

// RemovedSlot is a slot taken out of the header: its SlotID and when.
type RemovedSlot struct {
	ID    string `json:"id"`
	Stamp Stamp  `json:"stamp"`
}

// Vault is an open, decrypted vault. It is not safe for concurrent use.
type Vault struct {
	Accounts []*Account
	// KeyAccounts and Keys are about accounts on hardware keys: what the
	// key cannot hold (onkey.go).
	KeyAccounts []*KeyAccount
	Keys        []*KnownKey

	path     string
	hdr      header
	key      []byte
	version  int  // the format the file had when read
	writable bool // false for a read-only snapshot (Read)
	// What Save merges and stamps with (sync.go).
	deleted  Deleted
	manual   ManualOrder
	devices  map[string]string
	base     map[string]baseRecord
	oldKeys  [][]byte // data keys before a rekey here, to read the file on disk
	clock    clock
	lastSync SyncReport
	disk     os.FileInfo // the file as last read or written here
	// Sync tools' copies: merged, to move away once written; and left.
	conflicts []string
	left      []ConflictCopy
	// forget lists keyring slots of an earlier data key, deleted after
	// the next Save; forgetErr is why that failed, if it did.
	forget    []Stanza
	forgetErr error
}

// VaultPath picks the vault: the explicit path (--vault) if given, else
// $TWOFOLD_VAULT, else the place this computer uses (UseVault, kept in
// the local state folder), else DefaultPath.
//
// The path is resolved once, here: symbolic links are followed (so the
// first save replaces the file they point to, not the link) and two
// paths to one file become one path (so they take one lock).
func VaultPath(explicit string) (string, error) {
	p := explicit
	if p == "" {
		p = os.Getenv("TWOFOLD_VAULT")
	}
	if p == "" {
		p = usedVault()
	}
	if p == "" {
		var err error
		if p, err = DefaultPath(); err != nil {
			return "", err
		}
	}
	return resolve(p)
}

// resolve makes p absolute and follows symbolic links in it, also when
// the file (or its folder) does not exist yet or a link dangles.
func resolve(p string) (string, error) {
	p, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	for range 40 { // as many links as Linux follows
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return real, nil
		}
		if target, err := os.Readlink(p); err == nil { // a dangling link: follow it by hand
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(p), target)
			}
			p = filepath.Clean(target)
			continue
		}
		// No file yet: resolve the folder it will be in.
		dir, err := resolve(filepath.Dir(p))
		if err != nil || dir == filepath.Dir(p) {
			return p, nil
		}
		return filepath.Join(dir, filepath.Base(p)), nil
	}
	return "", fmt.Errorf("%s: too many symbolic links", p)
}

// DefaultPath is the vault's path when neither --vault nor TWOFOLD_VAULT
// says otherwise: vault.twofold in the user's config folder.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the user's config folder: %w", err)
	}
	return filepath.Join(dir, "Twofold", "vault.twofold"), nil
}

// Create makes a new, empty vault at path with one slot. It fails if a
// vault is already there.
func Create(path string, l Locker) (*Vault, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create vault folder: %w", err)
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s already exists", path)
	}
	c, err := thisClock()
	if err != nil {
		return nil, err
	}
	v := &Vault{path: path, writable: true, clock: c, version: FormatVersion, key: make([]byte, chacha20poly1305.KeySize)}
	var id [16]byte
	if _, err := rand.Read(v.key); err != nil {
		return nil, err
	}
	if _, err := rand.Read(id[:]); err != nil {
		return nil, err
	}
	v.hdr.ID = hex.EncodeToString(id[:])
	v.hdr.KeyCheck = keyCheck(v.key)
	st, err := l.Lock(v.key)
	if err != nil {
		return nil, err
	}
	v.hdr.Slots = []Stanza{st}
	if err := v.Save(); err != nil {
		return nil, err
	}
	return v, nil
}

// Open reads and decrypts the vault for changing it. It holds no lock:
// Save takes one only while it writes, merging what it finds on disk.
func Open(path string, unlockers ...Unlocker) (*Vault, error) {
	c, err := thisClock()
	if err != nil {
		return nil, err
	}
	v, err := read(path, unlockers)
	if err != nil {
		return nil, err
	}
	v.writable, v.clock = true, c
	// Sync tools' copies count from the start; the first Save writes
	// what they bring and moves them away.
	v.mergeConflicts()
	v.rebase()
	v.noteArrivals()
	return v, nil
}

// thisClock stamps changes as this computer.
func thisClock() (clock, error) {
	d, err := ThisDevice()
	if err != nil {
		return clock{}, err
	}
	return clock{device: d.ID, name: d.Name, now: time.Now}, nil
}

// Read is Open for reading only: Save fails. Sync tools' copies are
// merged in memory, as Open does.
func Read(path string, unlockers ...Unlocker) (*Vault, error) {
	v, err := read(path, unlockers)
	if err != nil {
		return nil, err
	}
	v.mergeConflicts()
	v.rebase()
	return v, nil
}

// Close forgets the key. The vault must not be used afterwards.
func (v *Vault) Close() error {
	clear(v.key)
	for _, k := range v.oldKeys {
		clear(k)
	}
	v.oldKeys, v.writable = nil, false
	return nil
}

// Path is where the vault lives.
func (v *Vault) Path() string { return v.path }

// Slots lists the types of the slots that open the vault on this
// computer, in header order: other computers' keyring slots are left out.
func (v *Vault) Slots() []string {
	var out []string
	for _, s := range v.hdr.Slots {
		if !v.foreign(s) {
			out = append(out, s.Type)
		}
	}
	return out
}

// AddSlot adds a slot. Replacing a slot of the same type (changing the
// password) gives the vault a new data key (see Rekey), so the old
// password opens nothing written from now on. Call Save to write it.
func (v *Vault) AddSlot(slotType string, l Locker) error {
	if slotType == SlotYubiKey {
		return v.addYubiKey(l)
	}
	if slices.ContainsFunc(v.hdr.Slots, func(s Stanza) bool { return s.Type == slotType && !v.foreign(s) }) {
		return v.rekey(slotType, l)
	}
	st, err := lockAs(slotType, l, v.key)
	if err != nil {
		return err
	}
	v.hdr.Slots = append(v.hdr.Slots, st)
	return nil
}

// RemoveSlot removes the slots of a type. Call Save to write it.
//
// A removed keyring slot's item is deleted by Save, which leaves nothing
// that holds the key. A removed password would still open earlier copies'
// slots, so the vault gets a new data key (see AddSlot) and the old
// password opens nothing written from now on.
func (v *Vault) RemoveSlot(slotType string) error {
	if !slices.ContainsFunc(v.hdr.Slots, func(s Stanza) bool { return s.Type == slotType }) {
		return fmt.Errorf("the vault has no %s slot", slotType)
	}
	if !slices.ContainsFunc(v.hdr.Slots, func(s Stanza) bool { return s.Type != slotType }) {
		return ErrLastSlot
	}
	if slotType == SlotKeyring {
		// Only this computer's: another's keyring is its own business.
		gone := v.dropSlots(func(s Stanza) bool { return s.Type == SlotKeyring && !v.foreign(s) })
		if len(gone) == 0 {
			return fmt.Errorf("the vault has no %s slot on this computer", slotType)
		}
		v.forget = append(v.forget, gone...)
		return nil
	}
	return v.rekey(slotType, nil)
}

// rekey makes a new data key and wraps it for every slot: the slots of
// slotType with l (none if l is nil), keyring slots in new keyring items,
// and any other type it cannot wrap again is an error. Nothing changes
// on an error. The old keyring items are deleted once Save has written.
func (v *Vault) rekey(slotType string, l Locker) error {
	return v.rekeyDropping(slotType, l, func(Stanza) bool { return false })
}

// rekeyDropping is rekey that also leaves out the yubikey slots dropped
// says to.
func (v *Vault) rekeyDropping(slotType string, l Locker, dropped func(Stanza) bool) error {
	key := make([]byte, chacha20poly1305.KeySize)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	var slots, made, old []Stanza
	undo := func() {
		clear(key)
		for _, st := range made {
			if st.Type == SlotKeyring {
				ForgetKeyring(st)
			}
		}
	}
	for _, s := range v.hdr.Slots {
		var relock Locker
		switch {
		case s.Type == slotType:
			if s.Type == SlotKeyring {
				old = append(old, s)
			}
			continue
		case s.Type == SlotKeyring && v.foreign(s):
			// Another computer's keyring cannot be written from here: it
			// opens the vault once with a password and keeps the new key.
			continue
		case s.Type == SlotKeyring:
			relock = KeyringSlot{}
			old = append(old, s)
		case s.Type == SlotYubiKey && !dropped(s):
			// Wrapped again for the card's public key: no card needed.
			ref, _, err := ParseYubiKeySlot(s)
			if err != nil {
				undo()
				return err
			}
			relock = &YubiKeySlot{Ref: ref}
		case s.Type == SlotYubiKey:
			continue
		default:
			undo()
			return fmt.Errorf("the %s slot cannot be wrapped again here; remove it first", s.Type)
		}
		st, err := lockAs(s.Type, relock, key)
		if err != nil {
			undo()
			return err
		}
		made = append(made, st)
		slots = append(slots, st)
	}
	if l != nil {
		st, err := lockAs(slotType, l, key)
		if err != nil {
			undo()
			return err
		}
		made = append(made, st)
		slots = append(slots, st)
	}
	// The old key still reads the file on disk for the next Save's merge.
	v.oldKeys = append(v.oldKeys, v.key)
	v.key, v.hdr.Slots, v.hdr.KeyCheck, v.hdr.Removed = key, slots, keyCheck(key), nil
	v.forget = append(v.forget, old...)
	return nil
}

// lockAs wraps key with l, which must make a slot of slotType.
func lockAs(slotType string, l Locker, key []byte) (Stanza, error) {
	st, err := l.Lock(key)
	if err != nil {
		return Stanza{}, err
	}
	if st.Type != slotType {
		return Stanza{}, fmt.Errorf("slot type %q does not match %q", st.Type, slotType)
	}
	return st, nil
}

// Forgotten says what Save could not clean up after a key change: the
// keyring items it failed to delete (the vault no longer uses them).
func (v *Vault) Forgotten() error { return v.forgetErr }

// ForgetGenerations deletes the earlier copies kept beside the vault
// (after a password change they still open with the old password) and
// returns how many there were.
func (v *Vault) ForgetGenerations() (int, error) {
	if !v.writable {
		return 0, errors.New("the vault was opened read-only")
	}
	dir, err := vaultStateDir(v.hdr.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := 1; i <= Generations; i++ {
		err := os.Remove(generationPath(dir, i))
		switch {
		case err == nil:
			n++
		case !errors.Is(err, fs.ErrNotExist):
			return n, fmt.Errorf("delete an earlier copy: %w", err)
		}
	}
	securefile.SyncDir(dir)
	return n, nil
}

// KeptGenerations counts the earlier copies kept of the vault.
func (v *Vault) KeptGenerations() int {
	return len(generations(v.hdr.ID))
}

// Generations lists the paths of the earlier copies kept of the vault,
// newest first.
func (v *Vault) Generations() []string { return generations(v.hdr.ID) }

// generations lists the kept copies of the vault with this ID, newest
// first.
func generations(id string) []string {
	dir, err := vaultStateDir(id)
	if err != nil {
		return nil
	}
	var out []string
	for i := 1; i <= Generations; i++ {
		if p := generationPath(dir, i); fileExists(p) {
			out = append(out, p)
		}
	}
	return out
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Same is the vault's account that a duplicates (Account.SameAs), or nil.
func (v *Vault) Same(a *Account) *Account {
	for _, b := range v.Accounts {
		if b.SameAs(a) {
			return b
		}
	}
	return nil
}

// SharesSecret is an account of the vault with a's secret that is not
// the same account (Account.SameAs), or nil.
func (v *Vault) SharesSecret(a *Account) *Account {
	for _, b := range v.Accounts {
		if b.SharesSecret(a) && !b.SameAs(a) {
			return b
		}
	}
	return nil
}

// Add validates a and appends it, refusing a duplicate (Account.SameAs).
// It gives a an ID if it has none. Call Save to write it.
func (v *Vault) Add(a *Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if b := v.Same(a); b != nil {
		return fmt.Errorf("%s: %w", b.Label(), ErrDuplicate)
	}
	for a.ID == "" || v.Find(a.ID) != nil {
		a.ID = newID()
	}
	now := time.Now().UTC()
	if a.Created.IsZero() {
		a.Created = now
	}
	a.Updated = now
	v.Accounts = append(v.Accounts, a)
	return nil
}

// Find returns the account with this ID, or nil.
func (v *Vault) Find(id string) *Account {
	for _, a := range v.Accounts {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// Remove deletes the account with this ID. Call Save to write it.
func (v *Vault) Remove(id string) (*Account, error) {
	for i, a := range v.Accounts {
		if a.ID == id {
			v.Accounts = slices.Delete(v.Accounts, i, i+1)
			return a, nil
		}
	}
	return nil, fmt.Errorf("no account has the ID %q", id)
}

// Save writes the vault: it stamps what changed since the last read or
// write, then, holding the vault's lock for the write only, merges the
// file on disk into it and replaces the file atomically, keeping the
// previous Generations copies in the vault's local state folder. The
// vault in memory is then the merged one.
func (v *Vault) Save() error {
	if !v.writable {
		return errors.New("the vault was opened read-only")
	}
	v.stamp()
	defer v.rebase()
	dir, err := vaultStateDir(v.hdr.ID)
	if err != nil {
		return err
	}
	lk, err := lockFile(filepath.Join(dir, "lock"))
	if err != nil {
		return err
	}
	defer lk.Unlock()
	if _, err := v.mergeDisk(); err != nil {
		return err
	}
	v.expire(time.Now())
	plain, err := json.Marshal(v.contents())
	if err != nil {
		return fmt.Errorf("encode vault: %w", err)
	}
	data, err := seal(v.hdr, v.key, plain)
	clear(plain)
	if err != nil {
		return err
	}
	if err := writeGenerations(v.path, dir, data); err != nil {
		return err
	}
	v.disk, _ = os.Stat(v.path)
	v.version = FormatVersion
	if err := keepConflicts(dir, v.conflicts); err != nil {
		return err
	}
	v.conflicts = nil
	for _, k := range v.oldKeys {
		clear(k)
	}
	v.oldKeys = nil
	// Keyring items of an earlier key: nothing written from now on uses them.
	var errs []error
	for _, st := range v.forget {
		errs = append(errs, ForgetKeyring(st))
	}
	v.forget, v.forgetErr = nil, errors.Join(errs...)
	return nil
}

func keyCheck(key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(keyCheckLabel))
	return m.Sum(nil)[:16]
}

func seal(h header, key, plain []byte) ([]byte, error) {
	hj, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode vault header: %w", err)
	}
	buf := make([]byte, 0, prefixLen+len(hj)+sha256.Size+chacha20poly1305.NonceSizeX+len(plain)+chacha20poly1305.Overhead)
	buf = append(buf, magic...)
	buf = binary.BigEndian.AppendUint16(buf, FormatVersion)
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(hj)))
	buf = append(buf, hj...)
	sum := sha256.Sum256(buf)
	buf = append(buf, sum[:]...)
	aad := len(buf)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	buf = append(buf, nonce...)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	return aead.Seal(buf, nonce, plain, buf[:aad]), nil
}

// parseHeader checks the prefix and header of a vault file and returns
// the header and the offset of the nonce.
func parseHeader(data []byte) (header, int, error) {
	var h header
	if len(data) < len(magic) || string(data[:len(magic)]) != magic {
		if len(data) > 0 && bytes.HasPrefix([]byte(magic), data) {
			return h, 0, ErrDamaged // a truncated vault
		}
		return h, 0, ErrNotVault
	}
	if len(data) < prefixLen {
		return h, 0, ErrDamaged
	}
	if ver := binary.BigEndian.Uint16(data[len(magic):]); ver < oldestVersion || ver > FormatVersion {
		if ver > FormatVersion {
			return h, 0, &VersionError{Version: int(ver)}
		}
		return h, 0, ErrDamaged
	}
	n := int(binary.BigEndian.Uint32(data[len(magic)+2:]))
	end := prefixLen + n
	if n > maxHeaderLen || len(data) < end+sha256.Size+chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return h, 0, ErrDamaged
	}
	sum := sha256.Sum256(data[:end])
	if !bytes.Equal(sum[:], data[end:end+sha256.Size]) {
		return h, 0, ErrDamaged
	}
	if err := json.Unmarshal(data[prefixLen:end], &h); err != nil || len(h.Slots) == 0 {
		return h, 0, ErrDamaged
	}
	passwords := 0
	for _, st := range h.Slots {
		if st.Type == SlotPassword {
			passwords++
		}
	}
	if len(h.Slots) > maxSlots || passwords > maxPasswordSlots {
		return h, 0, ErrTooCostly
	}
	return h, end + sha256.Size, nil
}

func readFile(path string) ([]byte, error) {
	data, err := bounded.ReadFile(path, maxVaultSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w at %s", ErrNoVault, path)
	case errors.Is(err, bounded.ErrTooLarge):
		return nil, fmt.Errorf("%s: %w", path, ErrNotVault)
	case err != nil:
		return nil, fmt.Errorf("read vault: %w", err)
	}
	return data, nil
}

func read(path string, unlockers []Unlocker) (*Vault, error) {
	st, _ := os.Stat(path)
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	h, b, key, err := decode(data, unlockers)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v := &Vault{path: path, hdr: h, key: key, version: int(binary.BigEndian.Uint16(data[len(magic):])), disk: st}
	if c, err := thisClock(); err == nil {
		v.clock = c // which keyring slots are this computer's
	}
	if len(b.Manual.Keys) == 0 && b.Manual.Stamp.IsZero() {
		// Format 1: the order of the file is the manual order.
		b.Manual.Keys = (&Vault{Accounts: b.Accounts, KeyAccounts: b.KeyAccounts}).orderKeys()
	}
	b.arrange()
	v.setContents(&b)
	v.rebase()
	return v, nil
}

func decode(data []byte, unlockers []Unlocker) (header, Contents, []byte, error) {
	h, off, err := parseHeader(data)
	if err != nil {
		return h, Contents{}, nil, err
	}
	key, err := unlock(h, unlockers)
	if err != nil {
		return h, Contents{}, nil, err
	}
	b, err := openBody(data, off, key)
	if err != nil {
		return h, b, nil, err
	}
	return h, b, key, nil
}

// openBody decrypts and decodes the body of a vault file whose nonce is
// at off.
func openBody(data []byte, off int, key []byte) (Contents, error) {
	var b Contents
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return b, ErrDamaged
	}
	nonce := data[off : off+chacha20poly1305.NonceSizeX]
	plain, err := aead.Open(nil, nonce, data[off+chacha20poly1305.NonceSizeX:], data[:off])
	if err != nil {
		return b, ErrDamaged
	}
	defer clear(plain)
	if err := json.Unmarshal(plain, &b); err != nil {
		return b, fmt.Errorf("%w (its contents do not decode)", ErrDamaged)
	}
	return b, nil
}

// Decode reads accounts from the bytes of a vault file: a backup is the
// same container, with a password slot instead of a keyring slot.
func Decode(data []byte, unlockers ...Unlocker) ([]*Account, error) {
	if len(data) > maxVaultSize {
		return nil, ErrNotVault
	}
	_, b, key, err := decode(data, unlockers)
	clear(key)
	return b.Accounts, err
}

// Encode writes accts into a new container (a fresh key and ID) that
// opens with any of the lockers' slots: how backups are made.
func Encode(accts []*Account, lockers ...Locker) ([]byte, error) {
	key := make([]byte, chacha20poly1305.KeySize)
	defer clear(key)
	var id [16]byte
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if _, err := rand.Read(id[:]); err != nil {
		return nil, err
	}
	h := header{ID: hex.EncodeToString(id[:]), KeyCheck: keyCheck(key)}
	for _, l := range lockers {
		st, err := l.Lock(key)
		if err != nil {
			return nil, err
		}
		h.Slots = append(h.Slots, st)
	}
	if len(h.Slots) == 0 {
		return nil, errors.New("a container needs at least one slot")
	}
	plain, err := json.Marshal(Contents{Accounts: accts})
	if err != nil {
		return nil, fmt.Errorf("encode accounts: %w", err)
	}
	defer clear(plain)
	return seal(h, key, plain)
}

// IsContainer reports whether data starts like a vault or Twofold backup.
func IsContainer(data []byte) bool {
	return strings.HasPrefix(string(data[:min(len(data), len(magic))]), magic)
}

// unlock tries the unlockers in the caller's order of preference, each on
// the slots of its type, and returns the first key that passes the key
// check. If none does, the errors say why (wrong password, no keyring...).
func unlock(h header, unlockers []Unlocker) ([]byte, error) {
	var errs []error
	for _, u := range unlockers {
		for _, s := range h.Slots {
			if u.SlotType() != s.Type {
				continue
			}
			key, err := u.Unlock(s)
			if err == nil && len(key) != chacha20poly1305.KeySize {
				// Whatever a slot hands back is checked before use: a
				// crafted slot can wrap a key of any length.
				err = fmt.Errorf("the %s slot holds a key of the wrong size", s.Type)
			}
			if err == nil && !hmac.Equal(keyCheck(key), h.KeyCheck) {
				err = fmt.Errorf("the %s slot gave a key that does not fit this vault", s.Type)
			}
			if err == nil {
				return key, nil
			}
			errs = append(errs, err)
		}
	}
	if err := onlyOtherComputers(h); err != nil {
		return nil, err
	}
	if len(errs) == 0 {
		var types []string
		for _, s := range h.Slots {
			types = append(types, s.Type)
		}
		return nil, fmt.Errorf("%w: it opens with %s", ErrNoSlot, strings.Join(types, " or "))
	}
	return nil, errors.Join(errs...)
}

// lockFile takes the OS lock at path, waiting up to DefaultLockWait.
func lockFile(path string) (*flock.Flock, error) {
	lk := flock.New(path, flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), DefaultLockWait)
	defer cancel()
	ok, err := lk.TryLockContext(ctx, 5*time.Millisecond) // a write takes milliseconds
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("lock vault: %w", err)
	}
	if !ok {
		return nil, ErrInUse
	}
	return lk, nil
}

// Info is what can be told about a vault file without unlocking it.
type Info struct {
	Path        string
	Version     int
	ID          string
	Slots       []string     // the slots that open it on this computer
	YubiKeys    []YubiKeyRef // the keys of its yubikey slots
	Err         error        // why the file cannot be opened, if it cannot
	Generations []Generation
}

// Generation is one kept earlier copy of the vault.
type Generation struct {
	Path     string
	Modified time.Time
	Err      error // nil if its header is intact
}

// Inspect reads a vault's header and lists its kept generations. It
// returns an error only when there is no file at all.
func Inspect(path string) (*Info, error) {
	info := &Info{Path: path}
	data, err := readFile(path)
	if errors.Is(err, ErrNoVault) {
		return nil, err
	}
	if err == nil {
		var h header
		h, _, err = parseHeader(data)
		if err == nil {
			info.Version, info.ID = int(binary.BigEndian.Uint16(data[len(magic):])), h.ID
			here, _ := ThisDevice()
			for _, s := range h.Slots {
				if otherComputers(s, here.ID) {
					continue // another computer's keyring slot
				}
				info.Slots = append(info.Slots, s.Type)
				if ref, _, err := ParseYubiKeySlot(s); err == nil {
					info.YubiKeys = append(info.YubiKeys, ref)
				}
			}
		}
	}
	info.Err = err
	if info.ID == "" {
		return info, nil
	}
	for _, p := range generations(info.ID) {
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		g := Generation{Path: p, Modified: st.ModTime()}
		if data, err := readFile(p); err != nil {
			g.Err = err
		} else {
			_, _, g.Err = parseHeader(data)
		}
		info.Generations = append(info.Generations, g)
	}
	return info, nil
}

// ID returns the vault's random identifier.
func (v *Vault) ID() string { return v.hdr.ID }

// String never shows the key.
func (v *Vault) String() string {
	return fmt.Sprintf("vault %s (%d accounts)", v.path, len(v.Accounts))
}
