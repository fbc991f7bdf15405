package accounts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// replica is one computer's copy of a vault, in memory: the same
// stamping and merging as Save, without files.
type replica struct {
	v *Vault
}

func newReplica(id string, now func() time.Time) *replica {
	return &replica{v: &Vault{writable: true, clock: clock{device: id, name: "pc-" + id, now: now}}}
}

// snapshot is a deep copy of the replica's contents after stamping.
func (r *replica) snapshot(t *testing.T) *Contents {
	r.v.stamp()
	r.v.rebase()
	return roundTrip(t, r.v.contents())
}

// merge merges c in, as Save does with the file on disk.
func (r *replica) merge(c *Contents) {
	r.v.stamp()
	r.v.mergeIn(c)
	r.v.rebase()
}

func roundTrip(t *testing.T, c *Contents) *Contents {
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var out Contents
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func canon(t *testing.T, c *Contents) []byte {
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// history plays random operations on three computers that sync now and
// then, and keeps what the checks need to know.
type history struct {
	t        *testing.T
	rng      *rand.Rand
	now      time.Time
	reps     []*replica
	added    map[string]bool   // every account ID ever added
	deleted  map[string]bool   // IDs some computer deleted
	counters map[string]uint64 // the highest counter any computer reached
	spent    map[string]string // a recovery code marked used, by account ID
	n        int
}

func newHistory(t *testing.T, seed uint64) *history {
	h := &history{t: t, rng: rand.New(rand.NewPCG(seed, 17)), now: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC),
		added: map[string]bool{}, deleted: map[string]bool{}, counters: map[string]uint64{}, spent: map[string]string{}}
	for i := range 3 {
		// Each computer's clock is off by up to 3 s: stamps must still
		// let an edit win over what it edited.
		skew := time.Duration(h.rng.IntN(6000)-3000) * time.Millisecond
		h.reps = append(h.reps, newReplica(fmt.Sprintf("%016x", i+1), func() time.Time { return h.now.Add(skew) }))
	}
	return h
}

func (h *history) step() {
	// Time moves by 0-2 ms a step: ties of stamps happen.
	h.now = h.now.Add(time.Duration(h.rng.IntN(3)) * time.Millisecond)
	r := h.reps[h.rng.IntN(len(h.reps))]
	v := r.v
	pick := func() *Account {
		if len(v.Accounts) == 0 {
			return nil
		}
		return v.Accounts[h.rng.IntN(len(v.Accounts))]
	}
	switch op := h.rng.IntN(12); {
	case op < 2 || len(v.Accounts) == 0:
		h.n++
		a := &Account{ID: fmt.Sprintf("id%04d", h.n), Issuer: "Issuer", Name: fmt.Sprint("user", h.n), Kind: TOTP,
			Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprint("secret", h.n)),
			RecoveryCodes: []RecoveryCode{{Code: "r1"}, {Code: "r2"}}}
		if h.rng.IntN(3) == 0 {
			a.Kind, a.Period = HOTP, 0
		}
		if err := v.Add(a); err != nil {
			h.t.Fatal(err)
		}
		h.added[a.ID] = true
	case op == 2:
		a := pick()
		v.Remove(a.ID)
		h.deleted[a.ID] = true
	case op == 3:
		pick().Name = fmt.Sprint("renamed", h.rng.IntN(1000))
	case op == 4:
		a := pick()
		a.Tags = append(slices.Clone(a.Tags), fmt.Sprint("tag", h.rng.IntN(5)))
	case op == 5:
		a := pick()
		a.Pinned = !a.Pinned
	case op == 6:
		pick().Note = fmt.Sprint("note", h.rng.IntN(1000))
	case op == 7:
		if a := pick(); a.Kind == HOTP {
			a.Counter++
			h.counters[a.ID] = max(h.counters[a.ID], a.Counter)
		}
	case op == 8:
		a := pick()
		if len(a.RecoveryCodes) > 0 {
			at := h.now
			a.RecoveryCodes[0].UsedAt = &at
			h.spent[a.ID] = a.RecoveryCodes[0].Code
		}
	case op == 9:
		if len(v.Accounts) > 1 {
			i, j := h.rng.IntN(len(v.Accounts)), h.rng.IntN(len(v.Accounts))
			v.Accounts[i], v.Accounts[j] = v.Accounts[j], v.Accounts[i]
		}
	default: // sync two computers, as a sync tool would, through a merge
		other := h.reps[h.rng.IntN(len(h.reps))]
		if other == r {
			return
		}
		theirs := other.snapshot(h.t)
		r.merge(theirs)
		other.merge(r.snapshot(h.t))
	}
}

// TestMergeLaws plays thousands of random histories (fixed seeds) and
// checks that Merge is a join on every state they reach, that no account
// is lost that some computer had and none deleted, that counters and
// used recovery codes only go forward, and that all computers agree once
// they have merged everything.
func TestMergeLaws(t *testing.T) {
	histories := 400
	if testing.Short() {
		histories = 50
	}
	for seed := range uint64(histories) {
		h := newHistory(t, seed)
		for range 40 + h.rng.IntN(80) {
			h.step()
		}
		x, y, z := h.reps[0].snapshot(t), h.reps[1].snapshot(t), h.reps[2].snapshot(t)
		same := func(law string, a, b *Contents) {
			if ca, cb := canon(t, a), canon(t, b); !bytes.Equal(ca, cb) {
				t.Fatalf("seed %d: %s does not hold:\n%s\n%s", seed, law, ca, cb)
			}
		}
		same("commutativity", Merge(x, y), Merge(y, x))
		same("associativity", Merge(Merge(x, y), z), Merge(x, Merge(y, z)))
		xx := Merge(x, x)
		same("idempotence", Merge(xx, xx), xx)
		same("absorption", Merge(Merge(x, y), y), Merge(x, y))

		all := Merge(Merge(x, y), z)
		live := map[string]*Account{}
		for _, a := range all.Accounts {
			live[a.ID] = a
		}
		for id := range h.added {
			if !h.deleted[id] && live[id] == nil {
				t.Fatalf("seed %d: account %s was lost; nobody deleted it", seed, id)
			}
		}
		for id, c := range h.counters {
			if a := live[id]; a != nil && a.Counter != c {
				t.Fatalf("seed %d: %s's counter is %d, want %d", seed, id, a.Counter, c)
			}
		}
		for id, code := range h.spent {
			a := live[id]
			if a == nil {
				continue
			}
			for _, rc := range a.RecoveryCodes {
				if rc.Code == code && rc.UsedAt == nil {
					t.Fatalf("seed %d: %s's recovery code %s is unused again", seed, id, code)
				}
			}
		}
		// Everyone merges everything: one state everywhere, in one order.
		for _, r := range h.reps {
			r.merge(roundTrip(t, all))
		}
		want := canon(t, h.reps[0].snapshot(t))
		for i, r := range h.reps[1:] {
			if got := canon(t, r.snapshot(t)); !bytes.Equal(got, want) {
				t.Fatalf("seed %d: computers 1 and %d disagree after merging everything:\n%s\n%s", seed, i+2, want, got)
			}
		}
	}
}

// TestMergeFields: the rules one by one, on two computers' edits of one
// account.
func TestMergeFields(t *testing.T) {
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	a, b := newReplica("000000000000000a", now), newReplica("000000000000000b", now)
	acct := &Account{ID: "x", Issuer: "Netim", Name: "alice", Kind: HOTP, Algorithm: SHA1, Digits: 6, Secret: []byte("12345678901234567890"),
		RecoveryCodes: []RecoveryCode{{Code: "one"}, {Code: "two"}}}
	a.v.Add(acct)
	b.merge(a.snapshot(t))
	at = at.Add(time.Second)

	a.v.Accounts[0].Name = "alice@netim.fr" // a rename here...
	a.v.Accounts[0].Counter = 3
	b.v.Accounts[0].Tags = []string{"work"} // ...a tag there
	b.v.Accounts[0].Counter = 5
	used := at
	b.v.Accounts[0].RecoveryCodes[1].UsedAt = &used
	m := Merge(a.snapshot(t), b.snapshot(t))
	got := m.Accounts[0]
	if got.Name != "alice@netim.fr" || !slices.Equal(got.Tags, []string{"work"}) || got.Counter != 5 || got.RecoveryCodes[1].UsedAt == nil {
		t.Fatalf("merged %+v", got)
	}

	// A deletion loses to a later edit elsewhere, and beats an earlier one.
	at = at.Add(time.Second)
	a.v.Remove("x")
	da := a.snapshot(t)
	at = at.Add(time.Second)
	b.v.Accounts[0].Note = "edited after the deletion"
	if m := Merge(da, b.snapshot(t)); len(m.Accounts) != 1 || m.Accounts[0].Note != "edited after the deletion" {
		t.Fatalf("a later edit did not bring the account back: %+v", m.Accounts)
	}
	c := newReplica("000000000000000c", now)
	c.merge(roundTrip(t, &Contents{Accounts: []*Account{acct}}))
	if m := Merge(da, c.snapshot(t)); len(m.Accounts) != 0 || len(m.Deleted.Accounts) != 1 {
		t.Fatalf("an older copy brought a deleted account back: %+v", m.Accounts)
	}
}

// TestTombstonesExpire: deletions are forgotten after TombstoneTTL.
func TestTombstonesExpire(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := newReplica("000000000000000a", func() time.Time { return at })
	r.v.Add(&Account{ID: "x", Name: "n", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("s")})
	r.snapshot(t)
	r.v.Remove("x")
	r.snapshot(t)
	r.v.expire(at.Add(TombstoneTTL - time.Hour))
	if len(r.v.deleted.Accounts) != 1 {
		t.Fatal("a deletion was forgotten before its time")
	}
	r.v.expire(at.Add(TombstoneTTL + time.Hour))
	if len(r.v.deleted.Accounts) != 0 {
		t.Fatal("a deletion older than TombstoneTTL was kept")
	}
}

// BenchmarkMerge1000: two copies of a 1,000-account vault, each with 100
// changes of its own (edits, adds, deletions), merged. Its baseline is
// BenchmarkDecodeJSON1000, a plain decode of one such vault.
func BenchmarkMerge1000(b *testing.B) {
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	base := newReplica("000000000000000a", now)
	for _, a := range testAccounts(1000) {
		base.v.Add(a)
	}
	snap := func(r *replica) *Contents {
		r.v.stamp()
		r.v.rebase()
		c := r.v.contents()
		out, _ := json.Marshal(c)
		var back Contents
		json.Unmarshal(out, &back)
		return &back
	}
	start := snap(base)
	sides := make([]*Contents, 2)
	for i, id := range []string{"000000000000000b", "000000000000000c"} {
		r := newReplica(id, now)
		r.v.setContents(start)
		r.v.rebase()
		at = at.Add(time.Minute)
		for j := range 100 {
			switch a := r.v.Accounts[(j*7+i*3)%len(r.v.Accounts)]; j % 4 {
			case 0:
				a.Note = fmt.Sprint("note ", i, j)
			case 1:
				a.Tags = append(a.Tags, "tag")
			case 2:
				r.v.Remove(a.ID)
			default:
				r.v.Add(&Account{Name: fmt.Sprint("new ", i, j), Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("s")})
			}
		}
		sides[i] = snap(r)
	}
	b.ReportAllocs()
	for b.Loop() {
		Merge(sides[0], sides[1])
	}
}
