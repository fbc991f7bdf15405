package accounts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"twofold/internal/bounded"
	"twofold/internal/i18n"
	"twofold/internal/securefile"
)

// A vault is written by merging: Save takes the lock only for the write,
// reads what is on disk now (another Twofold, the command line, or a sync
// tool may have written it), merges it with what is in memory, and writes
// the union. Changes are found by comparing each record with how it was
// at the last read or write (base), and stamped then, so the rest of
// Twofold edits accounts as plain structs.

// baseRecord is a record as it was at the last read or write.
type baseRecord struct {
	parts map[string][sha256.Size]byte
	rec   any // *Account, *KeyAccount or *KnownKey
}

// SyncReport is what a read of the file on disk, or of a sync tool's
// copy, last brought in.
type SyncReport struct {
	At      time.Time `json:"at"`      // zero until something was merged in
	Changes int       `json:"changes"` // records added, changed or deleted elsewhere
	From    []string  `json:"from"`    // the computers that made them, by name
}

// Summary says what the merge brought, for people: "3 changes from
// desk-pc".
func (r SyncReport) Summary() string {
	if len(r.From) == 0 {
		return i18n.Nf("%d changes", r.Changes, r.Changes)
	}
	return i18n.Nf("%d changes from %s", r.Changes, r.Changes, strings.Join(r.From, ", "))
}

// UsedElsewhere reports whether another computer has used the vault: it
// changed it, or keeps its key in its keyring.
func (v *Vault) UsedElsewhere() bool {
	return slices.ContainsFunc(v.Computers(), func(c Computer) bool { return !c.This })
}

// LastSync is what the last merge brought in: in this process, else as
// this computer last recorded it (in the vault's local state folder).
func (v *Vault) LastSync() SyncReport {
	if !v.lastSync.At.IsZero() {
		return v.lastSync
	}
	var r SyncReport
	if dir, err := vaultStateDir(v.hdr.ID); err == nil {
		if data, err := bounded.ReadFile(filepath.Join(dir, lastSyncFile), 64<<10); err == nil {
			json.Unmarshal(data, &r)
		}
	}
	return r
}

const (
	lastSyncFile = "last-merge.json"
	// seenFile holds the latest stamp this computer has seen in the
	// vault (Unix milliseconds): what is later came from elsewhere.
	seenFile = "seen"
)

// noteArrivals reports, as a merge, the changes other computers made
// since this one last read or wrote the vault (a sync tool brought
// them), and remembers what it has now seen.
func (v *Vault) noteArrivals() {
	dir, err := vaultStateDir(v.hdr.ID)
	if err != nil {
		return
	}
	var seen int64
	if data, err := bounded.ReadFile(filepath.Join(dir, seenFile), 64); err == nil {
		seen, _ = strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	}
	n, from := 0, map[string]bool{}
	eachRecord(v.contents(), func(_ string, _ any, s Stamp) {
		if seen > 0 && s.At > seen && s.By != v.clock.device {
			n++
			from[s.By] = true
		}
	})
	if n > 0 {
		v.report(n, from)
	}
	if n > 0 || seen == 0 {
		v.keepLastSync()
	}
}

// report records a merge of n changes from the devices in from.
func (v *Vault) report(n int, from map[string]bool) {
	r := SyncReport{At: time.Now(), Changes: n}
	for id := range from {
		name := v.devices[id]
		if name == "" {
			name = id
		}
		r.From = append(r.From, name)
	}
	slices.Sort(r.From)
	v.lastSync = r
}

// keepLastSync records, for later processes, the last merge (status) and
// the latest stamp now seen here (noteArrivals). Called only when
// something came from elsewhere: this computer's own stamps never count
// as arrivals, so its saves need not move the mark. The mark is not
// synced to disk: a lost one only reports some changes twice.
func (v *Vault) keepLastSync() {
	dir, err := vaultStateDir(v.hdr.ID)
	if err != nil {
		return
	}
	if !v.lastSync.At.IsZero() {
		if data, err := json.Marshal(v.lastSync); err == nil {
			securefile.Write(filepath.Join(dir, lastSyncFile), data)
		}
	}
	var newest int64
	eachRecord(v.contents(), func(_ string, _ any, s Stamp) { newest = max(newest, s.At) })
	if newest > 0 {
		os.WriteFile(filepath.Join(dir, seenFile), []byte(strconv.FormatInt(newest, 10)), 0o600)
	}
}

// Computer is one computer that has used the vault, as the vault knows
// it.
type Computer struct {
	Name       string
	This       bool      // the computer this runs on
	Keyring    bool      // it opens the vault through its own keyring
	LastChange time.Time // its latest change, zero if none
}

// Computers lists the computers that changed the vault or keep its key
// in their keyring, this one first.
func (v *Vault) Computers() []Computer {
	byID := map[string]*Computer{}
	get := func(id string) *Computer {
		c := byID[id]
		if c == nil {
			c = &Computer{Name: v.devices[id], This: id == v.clock.device}
			if c.Name == "" {
				c.Name = id
			}
			byID[id] = c
		}
		return c
	}
	eachRecord(v.contents(), func(_ string, _ any, s Stamp) {
		if s.By != "" {
			if c := get(s.By); s.Time().After(c.LastChange) {
				c.LastChange = s.Time()
			}
		}
	})
	for _, s := range v.hdr.Slots {
		if s.Type != SlotKeyring {
			continue
		}
		id := s.Args["device"]
		if id == "" {
			id = v.clock.device // written before slots named their computer
		}
		c := get(id)
		c.Keyring = true
		if c.Name == id && s.Args["host"] != "" {
			c.Name = s.Args["host"]
		}
	}
	var out []Computer
	for _, c := range byID {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Computer) int {
		if a.This != b.This {
			if a.This {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// Reload merges what is on disk into the open vault without writing:
// for a window that shows the vault while another process writes it.
// It reports how many records it changed.
func (v *Vault) Reload() (int, error) {
	if !v.writable {
		return 0, errors.New("the vault was opened read-only")
	}
	v.stamp()
	n, err := v.mergeDisk()
	v.rebase()
	if err == nil && len(v.conflicts) > 0 {
		err = v.Save() // writes what the copies brought, and moves them away
	}
	return n, err
}

// contents is the vault's state as Merge takes it.
func (v *Vault) contents() *Contents {
	return &Contents{
		Accounts: v.Accounts, KeyAccounts: v.KeyAccounts, Keys: v.Keys,
		Deleted: v.deleted, Manual: v.manual, Devices: v.devices,
	}
}

// setContents makes c the vault's state; records already open keep their
// place in memory (the window holds them), taking c's values. Call rebase
// after it.
func (v *Vault) setContents(c *Contents) {
	byKey := map[string]any{}
	for _, b := range v.base {
		byKey[b.key()] = b.rec
	}
	for _, a := range v.Accounts {
		byKey[accountKind.key(a)] = a
	}
	for _, k := range v.KeyAccounts {
		byKey[keyAccountKind.key(k)] = k
	}
	for _, k := range v.Keys {
		byKey[knownKeyKind.key(k)] = k
	}
	v.Accounts = reuse(accountKind, c.Accounts, byKey)
	v.KeyAccounts = reuse(keyAccountKind, c.KeyAccounts, byKey)
	v.Keys = reuse(knownKeyKind, c.Keys, byKey)
	v.deleted, v.manual, v.devices = c.Deleted, c.Manual, c.Devices
}

func (b baseRecord) key() string {
	switch r := b.rec.(type) {
	case *Account:
		return accountKind.key(r)
	case *KeyAccount:
		return keyAccountKind.key(r)
	case *KnownKey:
		return knownKeyKind.key(r)
	}
	return ""
}

func reuse[T any](k kind[T], recs []*T, byKey map[string]any) []*T {
	out := make([]*T, len(recs))
	for i, r := range recs {
		if old, ok := byKey[k.key(r)].(*T); ok {
			*old = *r
			r = old
		}
		out[i] = r
	}
	return out
}

// stamp gives every part changed since the last read or write a new
// stamp, deletes (with a stamp) the records gone since, and stamps the
// manual order if the user changed it. Call rebase after it (and after
// any merge that follows).
func (v *Vault) stamp() {
	// Records are merged by ID: one appended without Add gets one here.
	ids := make(map[string]bool, len(v.Accounts))
	for _, a := range v.Accounts {
		for a.ID == "" || ids[a.ID] {
			a.ID = newID()
		}
		ids[a.ID] = true
	}
	seen := map[string]bool{}
	n := stampAll(accountKind, v.Accounts, v.base, seen, v.clock) +
		stampAll(keyAccountKind, v.KeyAccounts, v.base, seen, v.clock) +
		stampAll(knownKeyKind, v.Keys, v.base, seen, v.clock)
	for _, a := range v.Accounts {
		markSpent(a)
	}
	// A record brought back (undo of a deletion) leaves the deleted list.
	v.deleted.Accounts = slices.DeleteFunc(v.deleted.Accounts, func(a *Account) bool { return seen[accountKind.key(a)] })
	v.deleted.KeyAccounts = slices.DeleteFunc(v.deleted.KeyAccounts, func(k *KeyAccount) bool { return seen[keyAccountKind.key(k)] })
	v.deleted.Keys = slices.DeleteFunc(v.deleted.Keys, func(k *KnownKey) bool { return seen[knownKeyKind.key(k)] })
	for key, b := range v.base {
		if seen[key] {
			continue
		}
		n++
		switch r := b.rec.(type) {
		case *Account:
			r.Deleted = v.deletion(&r.Changes)
			v.deleted.Accounts = append(v.deleted.Accounts, r)
		case *KeyAccount:
			r.Deleted = v.deletion(&r.Changes)
			v.deleted.KeyAccounts = append(v.deleted.KeyAccounts, r)
		case *KnownKey:
			r.Deleted = v.deletion(&r.Changes)
			v.deleted.Keys = append(v.deleted.Keys, r)
		}
	}
	if v.stampOrder() {
		n++
	}
	// The stamps name this computer by its ID; the contents say its name.
	if n > 0 && v.devices[v.clock.device] != v.clock.name {
		if v.devices == nil {
			v.devices = map[string]string{}
		}
		v.devices[v.clock.device] = v.clock.name
	}
}

// stampOrder keeps the manual order naming every record: records it does
// not name yet go at its end without a new stamp (their place is where
// a merge would put them anyway), and any other difference from the list
// in memory is the user's reordering, stamped.
func (v *Vault) stampOrder() bool {
	now := v.orderKeys()
	named := make(map[string]bool, len(v.manual.Keys))
	for _, k := range v.manual.Keys {
		named[k] = true
	}
	for _, k := range now {
		if !named[k] {
			v.manual.Keys = append(v.manual.Keys, k)
		}
	}
	live := make(map[string]bool, len(now))
	for _, k := range now {
		live[k] = true
	}
	shown := slices.DeleteFunc(slices.Clone(v.manual.Keys), func(k string) bool { return !live[k] })
	if slices.Equal(shown, now) {
		return false
	}
	v.manual = ManualOrder{Keys: now, Stamp: v.clock.stamp(v.manual.Stamp)}
	return true
}

func (v *Vault) deletion(c *Changes) *Stamp {
	s := v.clock.stamp(c.Changed())
	if c.Deleted != nil && c.Deleted.After(s) {
		s = *c.Deleted
	}
	return &s
}

func stampAll[T any](k kind[T], recs []*T, base map[string]baseRecord, seen map[string]bool, c clock) int {
	n := 0
	for _, r := range recs {
		key := k.key(r)
		seen[key] = true
		ch := k.changes(r)
		b, had := base[key]
		for _, p := range k.parts {
			fp := fingerprint(p.enc(r))
			if had && b.parts[p.name] == fp || !had && fp == fingerprint(p.enc(new(T))) {
				continue // unchanged, or empty in a new record: no stamp needed
			}
			if ch.Stamps == nil {
				ch.Stamps = map[string]Stamp{}
			}
			ch.Stamps[p.name] = c.stamp(latest(ch.Stamps[p.name], deletedAt(ch)))
			n++
		}
	}
	return n
}

// deletedAt: an edit to a record brought back after its deletion (undo)
// must be later than the deletion.
func deletedAt(c *Changes) Stamp {
	if c.Deleted == nil {
		return Stamp{}
	}
	return *c.Deleted
}

// rebase records the live records as they are now.
func (v *Vault) rebase() {
	v.base = make(map[string]baseRecord, len(v.Accounts)+len(v.KeyAccounts)+len(v.Keys))
	addBase(accountKind, v.Accounts, v.base)
	addBase(keyAccountKind, v.KeyAccounts, v.base)
	addBase(knownKeyKind, v.Keys, v.base)
}

func addBase[T any](k kind[T], recs []*T, base map[string]baseRecord) {
	for _, r := range recs {
		parts := make(map[string][sha256.Size]byte, len(k.parts))
		for _, p := range k.parts {
			parts[p.name] = fingerprint(p.enc(r))
		}
		base[k.key(r)] = baseRecord{parts: parts, rec: r}
	}
}

func (v *Vault) orderKeys() []string {
	out := make([]string, 0, len(v.Accounts)+len(v.KeyAccounts))
	for _, a := range v.Accounts {
		out = append(out, accountKind.key(a))
	}
	for _, k := range v.KeyAccounts {
		out = append(out, keyAccountKind.key(k))
	}
	return out
}

// mergeDisk merges the file on disk into the vault. A file that is not
// there or does not decode is left to be replaced; one written by a newer
// Twofold, another vault, or one under a key this Twofold does not hold
// is an error, and nothing is merged.
func (v *Vault) mergeDisk() (int, error) {
	// Looked at before reading: if the file changes in between, the next
	// look sees it changed.
	st, err := os.Stat(v.path)
	n := 0
	if err != nil || !v.unchanged(st) { // else the file is as this vault last read or wrote it
		data, err := readFile(v.path)
		switch {
		case errors.Is(err, ErrNoVault):
		case err != nil:
			return 0, err
		default:
			v.disk = st
			n, err = v.mergeFile(data)
			clear(data)
			if err != nil {
				return 0, fmt.Errorf("%s: %w", v.path, err)
			}
		}
	}
	if n += v.mergeConflicts(); n > 0 {
		v.keepLastSync()
	}
	return n, nil
}

// mergeFile merges the bytes of the vault's file on disk. One that is
// damaged is left to be replaced by what is in memory (a kept generation
// holds it); one of a newer format, another vault or a key not held here
// is an error, and nothing is merged.
func (v *Vault) mergeFile(data []byte) (int, error) {
	h, disk, err := v.openOther(data)
	switch {
	case errors.Is(err, ErrNewerVersion), errors.Is(err, ErrOtherVault), errors.Is(err, ErrKeyChanged):
		return 0, err
	case err != nil:
		return 0, nil
	}
	if hmac.Equal(keyCheck(v.key), h.KeyCheck) {
		v.hdr = mergeHeaders(v.hdr, h)
	}
	return v.mergeIn(disk), nil
}

// unchanged: st is the file this vault last read or wrote. Every write,
// Twofold's or a sync tool's, replaces the file or changes its time.
func (v *Vault) unchanged(st os.FileInfo) bool {
	return v.disk != nil && os.SameFile(st, v.disk) && st.ModTime().Equal(v.disk.ModTime()) && st.Size() == v.disk.Size()
}

// mergeIn merges c into the vault and reports what it brought. Call
// rebase after it.
func (v *Vault) mergeIn(c *Contents) int {
	before := map[string]any{}
	mine := v.contents()
	eachRecord(mine, func(key string, r any, _ Stamp) { before[key] = r })
	merged := Merge(mine, c)
	n, from := 0, map[string]bool{}
	eachRecord(merged, func(key string, r any, s Stamp) {
		if !reflect.DeepEqual(before[key], r) {
			n++
			if s.By != v.clock.device {
				from[s.By] = true
			}
		}
	})
	v.setContents(merged)
	if n > 0 {
		v.report(n, from)
	}
	return n
}

// eachRecord calls f with each record's key, the record, and its latest
// stamp (its deletion's, if deleted).
func eachRecord(c *Contents, f func(key string, r any, s Stamp)) {
	visit := func(key string, r any, ch *Changes) {
		s := ch.Changed()
		if ch.Deleted != nil && ch.Deleted.After(s) {
			s = *ch.Deleted
		}
		f(key, r, s)
	}
	for _, list := range [][]*Account{c.Accounts, c.Deleted.Accounts} {
		for _, a := range list {
			visit(accountKind.key(a), a, &a.Changes)
		}
	}
	for _, list := range [][]*KeyAccount{c.KeyAccounts, c.Deleted.KeyAccounts} {
		for _, k := range list {
			visit(keyAccountKind.key(k), k, &k.Changes)
		}
	}
	for _, list := range [][]*KnownKey{c.Keys, c.Deleted.Keys} {
		for _, k := range list {
			visit(knownKeyKind.key(k), k, &k.Changes)
		}
	}
}

// SlotID names a slot for merging headers: a hash of all of it.
func SlotID(s Stanza) string {
	b, _ := json.Marshal(s)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// mergeHeaders joins the slots of two headers of one data key: every
// slot either holds, less those either removed.
func mergeHeaders(a, b header) header {
	removed := map[string]Stamp{}
	for _, r := range slices.Concat(a.Removed, b.Removed) {
		removed[r.ID] = latest(removed[r.ID], r.Stamp)
	}
	out := a
	out.Removed = nil
	for id, s := range removed {
		out.Removed = append(out.Removed, RemovedSlot{ID: id, Stamp: s})
	}
	slices.SortFunc(out.Removed, func(x, y RemovedSlot) int { return strings.Compare(x.ID, y.ID) })
	seen := map[string]bool{}
	out.Slots = nil
	for _, s := range slices.Concat(a.Slots, b.Slots) {
		id := SlotID(s)
		if _, gone := removed[id]; gone || seen[id] {
			continue
		}
		seen[id] = true
		out.Slots = append(out.Slots, s)
	}
	return out
}

// dropSlots takes the slots gone says out of the header, remembering
// them as removed so a merge does not bring them back.
func (v *Vault) dropSlots(gone func(Stanza) bool) []Stanza {
	var out []Stanza
	v.hdr.Slots = slices.DeleteFunc(v.hdr.Slots, func(s Stanza) bool {
		if !gone(s) {
			return false
		}
		out = append(out, s)
		v.hdr.Removed = append(v.hdr.Removed, RemovedSlot{ID: SlotID(s), Stamp: v.clock.stamp(Stamp{})})
		return true
	})
	return out
}

// expire drops deletions older than TombstoneTTL.
func (v *Vault) expire(now time.Time) {
	c := v.contents()
	c.expire(now)
	v.deleted = c.Deleted
	cut := now.Add(-TombstoneTTL).UnixMilli()
	v.hdr.Removed = slices.DeleteFunc(v.hdr.Removed, func(r RemovedSlot) bool { return r.Stamp.At < cut })
}

func generationPath(dir string, i int) string {
	return filepath.Join(dir, fmt.Sprintf("vault.%d", i))
}
