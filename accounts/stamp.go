package accounts

import (
	"crypto/sha256"
	"encoding/json"
	"time"
)

// Stamp says when, and on which computer, a part of a record last
// changed. Later stamps win a merge; two stamps of one moment are ordered
// by device ID, so every computer picks the same winner.
type Stamp struct {
	At int64  `json:"t"` // Unix milliseconds
	By string `json:"d"` // the Device ID
}

// After orders stamps: time, then device.
func (s Stamp) After(o Stamp) bool {
	if s.At != o.At {
		return s.At > o.At
	}
	return s.By > o.By
}

// IsZero: never stamped (a vault of format 1 carries no stamps).
func (s Stamp) IsZero() bool { return s == Stamp{} }

// Time is the stamp's moment.
func (s Stamp) Time() time.Time { return time.UnixMilli(s.At).UTC() }

func latest(a, b Stamp) Stamp {
	if b.After(a) {
		return b
	}
	return a
}

// Changes is what a record carries for merging: the stamp of each of its
// independent parts, and, for a deleted record, when it was deleted. A
// record is live while some part changed after its deletion: an edit on a
// computer that had not yet heard of the deletion brings it back.
type Changes struct {
	Stamps  map[string]Stamp `json:"stamps,omitempty"`
	Deleted *Stamp           `json:"deleted,omitempty"`
}

// Changed is the record's latest stamp.
func (c *Changes) Changed() Stamp {
	var s Stamp
	for _, t := range c.Stamps {
		s = latest(s, t)
	}
	return s
}

func (c *Changes) live() bool { return c.Deleted == nil || c.Changed().After(*c.Deleted) }

// part is one independently merged part of a record of type T: its
// canonical bytes (to see a change and to break ties the same way
// everywhere) and how to copy it from one record to another.
type part[T any] struct {
	name string
	enc  func(*T) any
	copy func(dst, src *T)
}

// fingerprint hashes a part's canonical JSON. Only kept in memory.
func fingerprint(v any) [sha256.Size]byte {
	b, _ := json.Marshal(v)
	defer clear(b)
	return sha256.Sum256(b)
}

// clock makes stamps for one computer. A stamp is never earlier than the
// one it replaces, so an edit wins over what it edited even when this
// computer's clock is behind the one that wrote before.
type clock struct {
	device, name string // this computer's Device
	now          func() time.Time
}

func (c clock) stamp(prev Stamp) Stamp {
	at := c.now().UnixMilli()
	if at <= prev.At {
		at = prev.At + 1
	}
	return Stamp{At: at, By: c.device}
}
