package accounts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Contents is what a vault holds inside its encryption (format 2): the
// records, the records deleted within TombstoneTTL, and the manual order.
// Two copies of a vault merge with Merge.
type Contents struct {
	Accounts    []*Account    `json:"accounts"`
	KeyAccounts []*KeyAccount `json:"keyAccounts,omitempty"`
	Keys        []*KnownKey   `json:"keys,omitempty"`
	// Deleted holds deleted records, data and all, until TombstoneTTL
	// after their deletion: an edit made meanwhile on a computer that had
	// not heard of the deletion brings the record back whole.
	Deleted Deleted     `json:"deleted,omitzero"`
	Manual  ManualOrder `json:"manualOrder,omitzero"`
	// Devices names the computers that stamped changes (Device).
	Devices map[string]string `json:"devices,omitempty"`
}

// Deleted records, as in Contents.
type Deleted struct {
	Accounts    []*Account    `json:"accounts,omitempty"`
	KeyAccounts []*KeyAccount `json:"keyAccounts,omitempty"`
	Keys        []*KnownKey   `json:"keys,omitempty"`
}

// ManualOrder is the user's own order of accounts and of on-key records,
// as the records' keys (recordKey), with when it was last changed. A
// record it does not name comes after those it does, oldest first.
type ManualOrder struct {
	Keys  []string `json:"keys,omitempty"`
	Stamp Stamp    `json:"stamp,omitzero"`
}

// TombstoneTTL is how long a deleted record is kept for merging. A copy
// of the vault that was last synced longer ago than this can bring back
// an account deleted meanwhile.
const TombstoneTTL = 90 * 24 * time.Hour

// The parts of each kind of record that merge independently: a rename on
// one computer and a new tag on another both survive.
var (
	accountParts = []part[Account]{
		{"issuer", func(a *Account) any { return a.Issuer }, func(d, s *Account) { d.Issuer = s.Issuer }},
		{"name", func(a *Account) any { return a.Name }, func(d, s *Account) { d.Name = s.Name }},
		{"otp", func(a *Account) any { return []any{a.Kind, a.Algorithm, a.Digits, a.Period, a.Secret} }, func(d, s *Account) {
			d.Kind, d.Algorithm, d.Digits, d.Period, d.Secret = s.Kind, s.Algorithm, s.Digits, s.Period, slices.Clone(s.Secret)
		}},
		{"icon", func(a *Account) any { return []any{a.Icon, a.IconType} }, func(d, s *Account) { d.Icon, d.IconType = slices.Clone(s.Icon), s.IconType }},
		{"tags", func(a *Account) any { return a.Tags }, func(d, s *Account) { d.Tags = slices.Clone(s.Tags) }},
		{"pinned", func(a *Account) any { return a.Pinned }, func(d, s *Account) { d.Pinned = s.Pinned }},
		{"note", func(a *Account) any { return a.Note }, func(d, s *Account) { d.Note = s.Note }},
		// The codes themselves; their use is merged apart (Changes.Spent).
		{"recovery", func(a *Account) any { return recoveryCodes(a.RecoveryCodes) }, func(d, s *Account) {
			d.RecoveryCodes = slices.Clone(s.RecoveryCodes)
		}},
		{"warning", func(a *Account) any { return a.Warning }, func(d, s *Account) { d.Warning = s.Warning }},
	}
	keyAccountParts = []part[KeyAccount]{
		{"icon", func(k *KeyAccount) any { return k.Icon }, func(d, s *KeyAccount) { d.Icon = slices.Clone(s.Icon) }},
		{"tags", func(k *KeyAccount) any { return k.Tags }, func(d, s *KeyAccount) { d.Tags = slices.Clone(s.Tags) }},
		{"pinned", func(k *KeyAccount) any { return k.Pinned }, func(d, s *KeyAccount) { d.Pinned = s.Pinned }},
		{"note", func(k *KeyAccount) any { return k.Note }, func(d, s *KeyAccount) { d.Note = s.Note }},
	}
	knownKeyParts = []part[KnownKey]{
		{"name", func(k *KnownKey) any { return k.Name }, func(d, s *KnownKey) { d.Name = s.Name }},
		{"access", func(k *KnownKey) any { return k.AccessKey }, func(d, s *KnownKey) { d.AccessKey = slices.Clone(s.AccessKey) }},
	}
)

func recoveryCodes(rc []RecoveryCode) []string {
	out := make([]string, len(rc))
	for i, c := range rc {
		out[i] = c.Code
	}
	return out
}

// kind is how one kind of record merges.
type kind[T any] struct {
	parts   []part[T]
	key     func(*T) string
	changes func(*T) *Changes
	// join merges what is not a part (counters, creation times); dst is
	// a copy of the later of a and b.
	join func(dst, a, b *T)
}

var (
	accountKind = kind[Account]{
		parts:   accountParts,
		key:     func(a *Account) string { return "a:" + a.ID },
		changes: func(a *Account) *Changes { return &a.Changes },
		join: func(d, a, b *Account) {
			d.Counter = max(a.Counter, b.Counter)
			d.Created = earliest(a.Created, b.Created)
			d.Updated = laterTime(a.Updated, b.Updated)
			d.Spent = joinSpent(spentOf(a), spentOf(b))
			markSpent(d)
		},
	}
	keyAccountKind = kind[KeyAccount]{
		parts:   keyAccountParts,
		key:     func(k *KeyAccount) string { return keyAccountKey(k.KeyID, k.Credential) },
		changes: func(k *KeyAccount) *Changes { return &k.Changes },
		join:    func(d, a, b *KeyAccount) { d.Updated = laterTime(a.Updated, b.Updated) },
	}
	knownKeyKind = kind[KnownKey]{
		parts:   knownKeyParts,
		key:     func(k *KnownKey) string { return "K:" + k.KeyID.String() },
		changes: func(k *KnownKey) *Changes { return &k.Changes },
		join:    func(*KnownKey, *KnownKey, *KnownKey) {},
	}
)

func keyAccountKey(id KeyID, credential string) string { return "k:" + id.String() + "/" + credential }

func laterTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// joinSpent is the union of two sets of used recovery codes, each with
// the earliest time it was used.
func joinSpent(a, b map[string]int64) map[string]int64 {
	if len(a)+len(b) == 0 {
		return nil
	}
	out := make(map[string]int64, len(a)+len(b))
	for _, m := range []map[string]int64{a, b} {
		for c, t := range m {
			if u, ok := out[c]; !ok || t < u {
				out[c] = t
			}
		}
	}
	return out
}

// spentOf is a.Spent with the codes marked used in the list.
func spentOf(a *Account) map[string]int64 {
	marks := map[string]int64{}
	for _, c := range a.RecoveryCodes {
		if c.UsedAt != nil {
			marks[c.Code] = c.UsedAt.UnixMilli()
		}
	}
	return joinSpent(a.Spent, marks)
}

// markSpent makes the recovery codes' marks agree with a.Spent, after
// adding to it the codes marked used: a code once used stays used.
func markSpent(a *Account) {
	for _, c := range a.RecoveryCodes {
		if c.UsedAt == nil {
			continue
		}
		if a.Spent == nil {
			a.Spent = map[string]int64{}
		}
		if t, ok := a.Spent[c.Code]; !ok || c.UsedAt.UnixMilli() < t {
			a.Spent[c.Code] = c.UsedAt.UnixMilli()
		}
	}
	for i, c := range a.RecoveryCodes {
		if t, ok := a.Spent[c.Code]; ok {
			at := time.UnixMilli(t).UTC()
			a.RecoveryCodes[i].UsedAt = &at
		}
	}
}

// mergeOne merges two versions of one record (either may be nil) into a
// new record.
func (k kind[T]) mergeOne(a, b *T) *T {
	if a == nil || b == nil {
		src := a
		if src == nil {
			src = b
		}
		return k.cloneOf(src)
	}
	if a == b || reflect.DeepEqual(a, b) {
		return k.cloneOf(a) // the common case: a record nobody changed
	}
	ca, cb := k.changes(a), k.changes(b)
	first := a
	if cb.Changed().After(ca.Changed()) {
		first = b
	}
	out := new(T)
	*out = *first
	co := k.changes(out)
	co.Stamps = make(map[string]Stamp, len(k.parts))
	for _, p := range k.parts {
		sa, sb := ca.Stamps[p.name], cb.Stamps[p.name]
		src, s := a, sa
		if sb.After(sa) || (sb == sa && bytes.Compare(canonical(p.enc(b)), canonical(p.enc(a))) > 0) {
			src, s = b, sb
		}
		p.copy(out, src)
		if !s.IsZero() {
			co.Stamps[p.name] = s
		}
	}
	if len(co.Stamps) == 0 {
		co.Stamps = nil
	}
	co.Deleted = laterDeletion(ca.Deleted, cb.Deleted)
	k.join(out, a, b)
	return out
}

func (k kind[T]) cloneOf(src *T) *T {
	out := new(T)
	*out = *src
	for _, p := range k.parts {
		p.copy(out, src)
	}
	c := k.changes(out)
	sc := k.changes(src)
	c.Stamps = maps.Clone(sc.Stamps)
	if sc.Deleted != nil {
		d := *sc.Deleted
		c.Deleted = &d
	}
	k.join(out, src, src)
	return out
}

func laterDeletion(a, b *Stamp) *Stamp {
	switch {
	case a == nil && b == nil:
		return nil
	case a == nil:
		d := *b
		return &d
	case b == nil || a.After(*b) || *a == *b:
		d := *a
		return &d
	default:
		d := *b
		return &d
	}
}

func canonical(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// merge merges two sets of records, live and deleted alike, by key. The
// result is in key order; callers arrange it.
func (k kind[T]) merge(a, b []*T) []*T {
	byKey := make(map[string][2]*T, len(a)+len(b))
	for i, side := range [][]*T{a, b} {
		for _, r := range side {
			e := byKey[k.key(r)]
			if e[i] != nil { // a key twice on one side: merge it with itself
				r = k.mergeOne(e[i], r)
			}
			e[i] = r
			byKey[k.key(r)] = e
		}
	}
	keys := make([]string, 0, len(byKey))
	for key := range byKey {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	out := make([]*T, 0, len(keys))
	for _, key := range keys {
		e := byKey[key]
		out = append(out, k.mergeOne(e[0], e[1]))
	}
	return out
}

// split separates live records from deleted ones, keeping their order.
func (k kind[T]) split(all []*T) (live, dead []*T) {
	for _, r := range all {
		if k.changes(r).live() {
			live = append(live, r)
		} else {
			dead = append(dead, r)
		}
	}
	return live, dead
}

// Merge joins two copies of a vault's contents: every record either
// holds, each part of a record as its latest change left it, a deletion
// winning over the edits before it and losing to those after, HOTP
// counters at the larger value, a recovery code used on either side used.
// It is deterministic, commutative, associative and idempotent, so copies
// merged in any order, any number of times, agree. Neither argument is
// changed.
func Merge(a, b *Contents) *Contents {
	out := &Contents{}
	var dead []*Account
	out.Accounts, dead = accountKind.split(accountKind.merge(concat(a.Accounts, a.Deleted.Accounts), concat(b.Accounts, b.Deleted.Accounts)))
	out.Deleted.Accounts = dead
	var deadKA []*KeyAccount
	out.KeyAccounts, deadKA = keyAccountKind.split(keyAccountKind.merge(concat(a.KeyAccounts, a.Deleted.KeyAccounts), concat(b.KeyAccounts, b.Deleted.KeyAccounts)))
	out.Deleted.KeyAccounts = deadKA
	var deadK []*KnownKey
	out.Keys, deadK = knownKeyKind.split(knownKeyKind.merge(concat(a.Keys, a.Deleted.Keys), concat(b.Keys, b.Deleted.Keys)))
	out.Deleted.Keys = deadK
	out.Manual = a.Manual
	if b.Manual.Stamp.After(a.Manual.Stamp) || (b.Manual.Stamp == a.Manual.Stamp && slices.Compare(b.Manual.Keys, a.Manual.Keys) > 0) {
		out.Manual = b.Manual
	}
	out.Manual.Keys = slices.Clone(out.Manual.Keys)
	for _, m := range []map[string]string{a.Devices, b.Devices} {
		for id, name := range m {
			if out.Devices == nil {
				out.Devices = map[string]string{}
			}
			if old, ok := out.Devices[id]; !ok || name > old {
				out.Devices[id] = name
			}
		}
	}
	out.arrange()
	return out
}

func concat[T any](a, b []*T) []*T { return append(slices.Clip(a), b...) }

// arrange puts the live records in the manual order: those it names
// first, in its order, then the others, oldest first.
func (c *Contents) arrange() {
	pos := make(map[string]int, len(c.Manual.Keys))
	for i, k := range c.Manual.Keys {
		if _, ok := pos[k]; !ok {
			pos[k] = i
		}
	}
	rank := func(key string) (int, bool) { i, ok := pos[key]; return i, ok }
	slices.SortStableFunc(c.Accounts, func(a, b *Account) int {
		return byRank(rank, accountKind.key(a), accountKind.key(b), func() int {
			if c := a.Created.Compare(b.Created); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
	})
	slices.SortStableFunc(c.KeyAccounts, func(a, b *KeyAccount) int {
		ka, kb := keyAccountKind.key(a), keyAccountKind.key(b)
		return byRank(rank, ka, kb, func() int { return strings.Compare(ka, kb) })
	})
}

func byRank(rank func(string) (int, bool), a, b string, otherwise func() int) int {
	ia, oka := rank(a)
	ib, okb := rank(b)
	switch {
	case oka && okb:
		return ia - ib
	case oka:
		return -1
	case okb:
		return 1
	}
	return otherwise()
}

// expire drops the deleted records whose deletion is older than
// TombstoneTTL.
func (c *Contents) expire(now time.Time) {
	cut := now.Add(-TombstoneTTL).UnixMilli()
	old := func(ch *Changes) bool { return ch.Deleted != nil && ch.Deleted.At < cut }
	c.Deleted.Accounts = slices.DeleteFunc(c.Deleted.Accounts, func(a *Account) bool { return old(&a.Changes) })
	c.Deleted.KeyAccounts = slices.DeleteFunc(c.Deleted.KeyAccounts, func(k *KeyAccount) bool { return old(&k.Changes) })
	c.Deleted.Keys = slices.DeleteFunc(c.Deleted.Keys, func(k *KnownKey) bool { return old(&k.Changes) })
}

// String of a KeyID, for record keys.
func (id KeyID) String() string {
	if id.Device != "" {
		return "device-" + id.Device
	}
	return fmt.Sprint(id.Serial)
}
