package accounts

import (
	"bytes"
	"testing"
)

func TestOnKeyRecordsSurviveSave(t *testing.T) {
	path, v := newVault(t, 2)
	a := v.KeepOnKey(1234, "GitHub:alice")
	a.Tags, a.Pinned = []string{"work"}, true
	v.KeepOnKey(1234, "60/Bank:bob").Note = "the blue card"
	v.KeepOnKey(99, "GitHub:alice") // same name on another key: its own record
	if v.KeepOnKey(1234, "GitHub:alice") != a {
		t.Fatal("KeepOnKey made a second record for the same credential")
	}
	v.Remember(1234).AccessKey = []byte{1, 2, 3}
	v.Remember(1234).Name = "keychain"
	v.RenameOnKey(1234, "60/Bank:bob", "60/Bank:robert")
	v.ForgetOnKey(99, "GitHub:alice")
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
		names = append(names, k.Credential)
	}
	if len(names) != 2 || names[0] != "GitHub:alice" || names[1] != "60/Bank:robert" {
		t.Fatalf("records %q, want GitHub:alice then 60/Bank:robert", names)
	}
	if r := got.OnKey(1234, "GitHub:alice"); r == nil || !r.Pinned || len(r.Tags) != 1 {
		t.Errorf("record %+v lost its pin or tags", r)
	}
	if r := got.OnKey(1234, "60/Bank:robert"); r == nil || r.Note != "the blue card" {
		t.Errorf("renamed record %+v lost its note", r)
	}
	if got.OnKey(99, "GitHub:alice") != nil {
		t.Error("a forgotten record came back")
	}
	if k := got.Known(1234); k == nil || k.Name != "keychain" || !bytes.Equal(k.AccessKey, []byte{1, 2, 3}) {
		t.Errorf("known key %+v, want its name and access key", k)
	}
	if got.Known(5) != nil {
		t.Error("Known invented a key")
	}
}
