package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
)

// labels returns the texts of every label drawn in o.
func labels(o fyne.CanvasObject) map[string]*widget.Label {
	out := map[string]*widget.Label{}
	for _, obj := range test.LaidOutObjects(o) {
		if l, ok := obj.(*widget.Label); ok && l.Visible() {
			out[l.Text] = l
		}
	}
	return out
}

func TestCodeListShowsCodesAndCountdown(t *testing.T) {
	test.NewTempApp(t)
	rfc := []byte("12345678901234567890")
	accts := []*accounts.Account{
		{Issuer: "RFC", Name: "totp", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 8, Period: 30, Secret: rfc},
		{Issuer: "RFC", Name: "hotp", Kind: accounts.HOTP, Algorithm: accounts.SHA1, Digits: 6, Counter: 0, Secret: rfc},
		{Issuer: "Slow Bank", Name: "me", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 60, Secret: rfc},
	}
	at := time.Unix(59, 0) // RFC 6238: 94287082 at T=59
	l := newCodeList(accts, func() time.Time { return at })
	w := test.NewTempWindow(t, l.widget)
	w.Resize(fyne.NewSize(460, 400))

	got := labels(w.Content())
	for _, want := range []string{"9428 7082", "755 224", "RFC", "Slow Bank", "counter"} {
		if got[want] == nil {
			t.Errorf("no label %q among %v", want, keys(got))
		}
	}
	// 1 s left of the 30 s period: shown as a number and in the warning colour.
	if l := got["1 s"]; l == nil || l.Importance != widget.DangerImportance {
		t.Errorf("the 30 s account's countdown is not a warning '1 s': %v", keys(got))
	}
	// The 60 s account ticks on its own period.
	if l := got["1 s"]; l == nil {
		t.Error("no countdown")
	}
	at = time.Unix(61, 0)
	l.widget.Refresh()
	got = labels(w.Content())
	if got["29 s"] == nil || got["59 s"] == nil {
		t.Errorf("after 2 s: want 29 s and 59 s countdowns, got %v", keys(got))
	}
	if got["29 s"].Importance == widget.DangerImportance {
		t.Error("29 s left is shown as a warning")
	}
}

func TestUnlockFormRejectsWrongPassword(t *testing.T) {
	test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "vault.twofold")
	cheap := accounts.Argon2Params{Time: 1, Memory: 8, Threads: 1}
	v, err := accounts.Create(path, &accounts.PasswordSlot{Password: []byte("right"), Params: cheap})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()

	opened := make(chan *accounts.Vault, 1)
	form := unlockForm(path, func(v *accounts.Vault) { opened <- v })
	w := test.NewTempWindow(t, form)
	var entry *widget.Entry
	var button *widget.Button
	for _, o := range test.LaidOutObjects(w.Content()) {
		switch o := o.(type) {
		case *widget.Entry:
			entry = o
		case *widget.Button:
			button = o
		}
	}
	test.Type(entry, "wrong")
	test.Tap(button)
	waitFor(t, func() bool { return labels(w.Content())["Wrong password. Try again."] != nil })
	if entry.Text != "" {
		t.Error("the wrong password stays in the field")
	}
	select {
	case <-opened:
		t.Fatal("a wrong password opened the vault")
	default:
	}
	waitFor(t, func() bool { return !button.Disabled() })
	test.Type(entry, "right")
	test.Tap(button)
	select {
	case <-opened:
	case <-time.After(10 * time.Second):
		t.Fatal("the right password did not open the vault")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		ok := false
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return
		}
	}
	t.Fatal("timed out")
}

func keys(m map[string]*widget.Label) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return strings.Join(out, ", ")
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{"GitHub": "GI", "Air Canada": "AC", "": "?", "é": "É", "x": "X"} {
		if got := initialsOf(in); got != want {
			t.Errorf("initialsOf(%q) = %q, want %q", in, got, want)
		}
	}
}
