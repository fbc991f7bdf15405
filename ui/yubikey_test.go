package ui

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/hardware/cardsim"
	"twofold/internal/testenv"
)

func TestMain(m *testing.M) {
	cleanup := testenv.IsolateState()
	// The main list watches for keys. Outside TestYubiKey it must select
	// nothing on the readers that other packages' tests use at the time.
	os.Setenv("TWOFOLD_YUBIKEY", "no reader in tests")
	// Updates from goroutines wait for the test to run them (pump), as
	// the real driver runs them on its one UI goroutine.
	do = func(f func()) {
		queued.Lock()
		queued.fs = append(queued.fs, f)
		queued.Unlock()
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}

var queued struct {
	sync.Mutex
	fs []func()
}

// pump runs the updates queued by goroutines, on the test's goroutine.
func pump() {
	for {
		queued.Lock()
		fs := queued.fs
		queued.fs = nil
		queued.Unlock()
		if len(fs) == 0 {
			return
		}
		for _, f := range fs {
			f()
		}
	}
}

// plugAndOpen plugs card into the vpcd reader at addr (pulled out when
// the test ends) and opens it once pcscd shows it.
func plugAndOpen(t *testing.T, card *cardsim.Card, addr, reader string) (*cardsim.Plug, *hardware.Session) {
	t.Helper()
	plug, err := card.Plug(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(plug.Unplug)
	var s *hardware.Session
	if !testenv.Until(10*time.Second, 50*time.Millisecond, func() bool { s, _ = hardware.Open(reader); return s != nil }) {
		t.Fatal("the software key did not appear")
	}
	return plug, s
}

// The full stack under the GUI: the list -> hardware -> libpcsclite ->
// pcscd -> vpcd -> cardsim.
func TestYubiKey(t *testing.T) {
	addr, reader := testenv.VPCD(t, 0)
	t.Setenv("TWOFOLD_YUBIKEY", reader)
	card := cardsim.New(424242)
	touched := make(chan bool)
	card.Touch = func() bool {
		select {
		case ok := <-touched:
			return ok
		case <-time.After(60 * time.Second): // a generous deadline for a busy machine
			return false
		}
	}
	plug, s := plugAndOpen(t, card, addr, reader)
	onKey := []*accounts.Account{
		{Issuer: "RFC", Name: "totp", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 8, Period: 30, Secret: rfc},
		{Issuer: "Slow Bank", Name: "me", Kind: accounts.TOTP, Algorithm: accounts.SHA256, Digits: 6, Period: 60, Secret: []byte("another secret!")},
		{Issuer: "Netim", Name: "counter", Kind: accounts.HOTP, Algorithm: accounts.SHA1, Digits: 6, Counter: 7, Secret: rfc},
		{Issuer: "Exponea", Name: "touchy", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte("touch me first")},
	}
	for i, a := range onKey {
		if _, err := s.Put(a, i == 3); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetPassword("hunter2"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	at := time.Unix(59, 0)
	g, w := newTestGUI(t, &at)
	code := func(a *accounts.Account) string {
		c, err := a.Code(at)
		if err != nil {
			t.Fatal(err)
		}
		return accounts.GroupCode(c)
	}

	// The key shows up with its own header, locked: the password prompt
	// comes by itself; a wrong password says so and keeps it open.
	waitFor(t, "the password prompt", func() bool {
		return labels(w.Canvas().Overlays().Top())["YubiKey 424242 has a password on its accounts. Type it to see their codes."] != nil
	})
	prompt := w.Canvas().Overlays().Top()
	var pw *entry
	fyne.DoAndWait(func() {
		if l := labels(w.Content())["Locked: click to enter its password"]; l == nil {
			t.Errorf("no locked header among %s", keys(labels(w.Content())))
		}
		pw = find(t, prompt, func(e *entry) bool { return e.Password })
		test.Type(pw, "wrong")
		test.Tap(button(t, prompt, "Unlock"))
	})
	waitFor(t, "the wrong-password message", func() bool { return labels(prompt)["Wrong YubiKey password."] != nil })
	fyne.DoAndWait(func() {
		test.Type(pw, "hunter2")
		test.Tap(button(t, prompt, "Unlock"))
	})

	// The codes the key computes are the ones Twofold computes itself.
	waitFor(t, "the key's codes", func() bool {
		got := labels(w.Content())
		return got[code(onKey[0])] != nil && got[code(onKey[1])] != nil
	})
	got := labels(w.Content())
	for _, want := range []string{"YubiKey 424242", "4 of 32 places used", "Click to show", "Touch to show", "1 s"} {
		if got[want] == nil {
			t.Errorf("no label %q among %s", want, keys(got))
		}
	}
	if k := g.vault.Known(accounts.KeyID{Serial: 424242}); k == nil || len(k.AccessKey) == 0 {
		t.Error("the vault did not remember the key's password, which the prompt asked for")
	}

	item := func(label string) *keyCred {
		var kc *keyCred
		fyne.DoAndWait(func() {
			for _, it := range g.main.list.items {
				if it.on != nil && it.acct.Label() == label {
					kc = it.on
				}
			}
		})
		if kc == nil {
			t.Fatalf("no row for %s", label)
		}
		return kc
	}

	// HOTP: computed on demand with the key's counter, then copied.
	fyne.DoAndWait(func() { g.main.copyFromKey(item("Netim: counter")) })
	hotp, _ := onKey[2].Code(at)
	waitFor(t, "the HOTP code on the clipboard", func() bool { return g.app.Clipboard().Content() == hotp })

	// Touch: "Touch your YubiKey" until the key answers.
	touchy := item("Exponea: touchy")
	fyne.DoAndWait(func() { g.main.copyFromKey(touchy) })
	waitFor(t, "the touch prompt", func() bool { return labels(w.Content())["Touch your YubiKey"] != nil })
	touched <- true
	want, _ := onKey[3].Code(at)
	waitFor(t, "the touched code on the clipboard", func() bool { return g.app.Clipboard().Content() == want })
	waitFor(t, "the touch prompt to go", func() bool { return labels(w.Content())["Touch your YubiKey"] == nil })

	// Pinned through the details: kept in the vault by serial and name,
	// and the account moves to the top of its section.
	fyne.DoAndWait(func() { g.main.keyDetails(item("Slow Bank: me")) })
	details := w.Canvas().Overlays().Top()
	fyne.DoAndWait(func() {
		test.Tap(find(t, details, func(c *widget.Check) bool { return c.Text == "Pin to the top" }))
		test.Tap(button(t, details, "Save"))
	})
	waitFor(t, "the pinned account first", func() bool {
		it := g.main.list.items
		return len(it) > 1 && it[0].head != nil && it[1].acct.Label() == "Slow Bank: me" && it[1].acct.Pinned
	})
	if r := g.vault.OnKey(accounts.KeyID{Serial: 424242}, "60/Slow Bank:me"); r == nil || !r.Pinned {
		t.Errorf("the vault's record of the pinned account: %+v", r)
	}

	// Manual order, after the key was read again: Alt+Up moves an
	// account of the key, and the vault keeps the new order.
	fyne.DoAndWait(func() {
		g.main.setOrder(accounts.ByManual)
		g.main.readKey(g.main.keys[0])
	})
	waitFor(t, "the key read again", func() bool { return !g.main.keys[0].busy })
	fyne.DoAndWait(func() {
		g.main.list.highlight(item("Exponea: touchy").view)
		g.main.move(-1)
	})
	var order []string
	for _, r := range g.vault.KeyAccounts {
		order = append(order, r.Credential)
	}
	if want := []string{"60/Slow Bank:me", "RFC:totp", "Exponea:touchy", "Netim:counter"}; !slices.Equal(order, want) {
		t.Errorf("the vault keeps the key's order %q, want %q", order, want)
	}

	// Adding with a key plugged in asks where; on the key only, the
	// vault keeps no secret.
	added := &accounts.Account{Issuer: "N0C", Name: "web", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte("fresh secret for n0c")}
	fyne.DoAndWait(func() { g.add(&found{accounts: []*accounts.Account{added}}) })
	where := w.Canvas().Overlays().Top()
	fyne.DoAndWait(func() {
		group := find(t, where, func(c *widget.CheckGroup) bool { return true })
		var keyOpt string
		for _, o := range group.Options {
			if strings.HasPrefix(o, "YubiKey 424242") {
				keyOpt = o
			}
		}
		group.SetSelected([]string{keyOpt})
		test.Tap(button(t, where, "Add"))
	})
	waitFor(t, "the result", func() bool {
		return labels(w.Canvas().Overlays().Top())["Added 1 account to YubiKey 424242.\nThe secret cannot be read back from the key: keep a spare key or a backup of the QR code."] != nil
	})
	if card.Count() != 5 {
		t.Errorf("the key holds %d accounts, want 5", card.Count())
	}
	if len(g.vault.Accounts) != 0 {
		t.Errorf("the vault holds %d accounts; the user chose the key only", len(g.vault.Accounts))
	}
	waitFor(t, "the new account in the key's section", func() bool {
		return slices.ContainsFunc(g.main.list.items, func(it listItem) bool { return it.on != nil && it.acct.Label() == "N0C: web" })
	})

	// The same account again: the key would overwrite it without a word,
	// so Twofold asks first. Cancelled, nothing is written; confirmed,
	// the key computes with the new secret.
	again := *added
	again.Secret = []byte("another secret for n0c")
	addAgain := func(confirm string) {
		t.Helper()
		fyne.DoAndWait(func() { g.add(&found{accounts: []*accounts.Account{&again}}) })
		where := w.Canvas().Overlays().Top()
		fyne.DoAndWait(func() {
			group := find(t, where, func(c *widget.CheckGroup) bool { return true })
			for _, o := range group.Options {
				if strings.HasPrefix(o, "YubiKey 424242") {
					group.SetSelected([]string{o})
				}
			}
			test.Tap(button(t, where, "Add"))
		})
		var ask fyne.CanvasObject
		waitFor(t, "the question before replacing", func() bool {
			ask = w.Canvas().Overlays().Top()
			for text := range labels(ask) {
				if strings.HasPrefix(text, "YubiKey 424242 already holds N0C:web.\nReplace?") {
					return true
				}
			}
			return false
		})
		fyne.DoAndWait(func() { test.Tap(button(t, ask, confirm)) })
	}
	keyCode := func() string {
		t.Helper()
		codes, err := g.main.broker.Codes(g.main.keys[0].key, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range codes {
			if c.Name == "N0C:web" {
				return c.Code
			}
		}
		t.Fatal("N0C:web is not on the key")
		return ""
	}
	addAgain("No")
	waitFor(t, "nothing written", func() bool {
		return labels(w.Canvas().Overlays().Top())["Nothing was written: the key keeps its accounts."] != nil
	})
	if want, _ := added.Code(at); keyCode() != want {
		t.Error("the key's account changed though the user said no")
	}
	addAgain("Replace")
	waitFor(t, "the account replaced", func() bool {
		return labels(w.Canvas().Overlays().Top())["Added 1 account to YubiKey 424242.\nThe secret cannot be read back from the key: keep a spare key or a backup of the QR code."] != nil
	})
	if want, _ := again.Code(at); keyCode() != want {
		t.Error("the key does not compute with the new secret after Replace")
	}
	if card.Count() != 5 {
		t.Errorf("the key holds %d accounts after the replace, want 5", card.Count())
	}

	// Forgetting the remembered password forgets it in the running app
	// too: read again (once the read after the replace is done), the key
	// is locked.
	waitFor(t, "the key read after the replace", func() bool {
		var busy bool
		fyne.DoAndWait(func() { busy = g.main.keys[0].busy })
		return !busy
	})
	fyne.DoAndWait(func() { g.main.forgetAccess(g.main.keys[0]) })
	if k := g.vault.Known(accounts.KeyID{Serial: 424242}); k != nil && len(k.AccessKey) != 0 {
		t.Error("the vault still remembers the key's password")
	}
	fyne.DoAndWait(func() { g.main.readKey(g.main.keys[0]) })
	waitFor(t, "the key read again", func() bool { return !g.main.keys[0].busy })
	waitFor(t, "the key locked", func() bool { return labels(w.Content())["Locked: click to enter its password"] != nil })
	if err := g.main.keys[0].err; !errors.Is(err, hardware.ErrPasswordNeeded) {
		t.Errorf("after forgetting its password the key reads with %v", err)
	}

	// Pulled out: the section goes.
	plug.Unplug()
	waitFor(t, "the key's section to go", func() bool { return len(g.main.keys) == 0 && len(g.main.list.items) == 0 })
}

// TestKeySectionProfiles: the key's section reads the same on every kind
// of key cardsim plays (a YubiKey 5.7, another make's strict key with no
// serial, a YubiKey 4): its name, how many places are used, and the
// codes the key computes, which are Twofold's own.
func TestKeySectionProfiles(t *testing.T) {
	for _, tc := range []struct{ profile, title, used string }{
		{"yubikey", "YubiKey 515151", "2 of 64 places used"},
		{"strict", "Virtual PCD 00 00", "2 accounts"},
		{"old", "YubiKey 515151", "2 of 32 places used"},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			addr, reader := testenv.VPCD(t, 0)
			t.Setenv("TWOFOLD_YUBIKEY", reader)
			card, err := cardsim.NewProfile(tc.profile, 515151)
			if err != nil {
				t.Fatal(err)
			}
			_, s := plugAndOpen(t, card, addr, reader)
			onKey := []*accounts.Account{testAccounts()[0], testAccounts()[2]} // the TOTP ones
			for _, a := range onKey {
				if _, err := s.Put(a, false); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			at := time.Unix(1767225600, 0)
			_, w := newTestGUI(t, &at)
			var want []string
			for _, a := range onKey {
				c, err := a.Code(at)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, accounts.GroupCode(c))
			}
			waitFor(t, fmt.Sprintf("the section %q, %q and the codes %q", tc.title, tc.used, want), func() bool {
				got := labels(w.Content())
				for _, l := range append([]string{tc.title, tc.used}, want...) {
					if got[l] == nil {
						return false
					}
				}
				return true
			})
		})
	}
}
