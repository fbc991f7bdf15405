package accounts

import (
	"bytes"
	"testing"
)

func TestOnKeyRecordsSurviveSave(t *testing.T) {
	k1234, k99 := KeyID{Serial: 1234}, KeyID{Serial: 99}
	// Two keys without a serial, told apart by their OATH device ids.
	dev1, dev2 := KeyID{Device: "gKu5hTV0Z3nQ+7wD1NT8xA"}, KeyID{Device: "Vv2Zt9VVNA0UP1bcTGH3oQ"}
	path, v := newVault(t, 2)
	v.KeepOnKey(dev1, "GitHub:alice").Note = "first"
	v.KeepOnKey(dev2, "GitHub:alice").Note = "second"
	v.Remember(dev2).Name = "drawer"
	a := v.KeepOnKey(k1234, "GitHub:alice")
	a.Tags, a.Pinned = []string{"work"}, true
	v.KeepOnKey(k1234, "60/Bank:bob").Note = "the blue card"
	v.KeepOnKey(k99, "GitHub:alice") // same name on another key: its own record
	if v.KeepOnKey(k1234, "GitHub:alice") != a {
		t.Fatal("KeepOnKey made a second record for the same credential")
	}
	v.Remember(k1234).AccessKey = []byte{1, 2, 3}
	v.Remember(k1234).Name = "keychain"
	v.RenameOnKey(k1234, "60/Bank:bob", "60/Bank:robert")
	v.ForgetOnKey(k99, "GitHub:alice")
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()

	got, err := Open(path, pw("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if len(got.Accounts) != 2 {
		t.Errorf("%d accounts, want 2", len(got.Accounts))
	}
	var names []string
	for _, k := range got.KeyAccounts {
		if k.Serial == 1234 {
			names = append(names, k.Credential)
		}
	}
	if len(names) != 2 || names[0] != "GitHub:alice" || names[1] != "60/Bank:robert" {
		t.Fatalf("records %q, want GitHub:alice then 60/Bank:robert", names)
	}
	for id, note := range map[KeyID]string{dev1: "first", dev2: "second"} {
		if r := got.OnKey(id, "GitHub:alice"); r == nil || r.Note != note {
			t.Errorf("the record of %v is %+v, want the note %q", id, r, note)
		}
	}
	if k := got.Known(dev2); k == nil || k.Name != "drawer" || got.Known(dev1) != nil {
		t.Errorf("the serial-less keys' records are mixed up: %+v, %+v", got.Known(dev1), k)
	}
	if r := got.OnKey(k1234, "GitHub:alice"); r == nil || !r.Pinned || len(r.Tags) != 1 {
		t.Errorf("record %+v lost its pin or tags", r)
	}
	if r := got.OnKey(k1234, "60/Bank:robert"); r == nil || r.Note != "the blue card" {
		t.Errorf("renamed record %+v lost its note", r)
	}
	if got.OnKey(k99, "GitHub:alice") != nil {
		t.Error("a forgotten record came back")
	}
	if k := got.Known(k1234); k == nil || k.Name != "keychain" || !bytes.Equal(k.AccessKey, []byte{1, 2, 3}) {
		t.Errorf("known key %+v, want its name and access key", k)
	}
	if got.Known(KeyID{Serial: 5}) != nil {
		t.Error("Known invented a key")
	}
}
