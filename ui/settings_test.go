package ui

import (
	"errors"
	"image/png"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"twofold/accounts"
)

// TestPasswordChangeForgetsCopies: changing the password in the app
// gives the vault a new key (the old password opens nothing current),
// then offers to delete the earlier copies, which still open with it.
func TestPasswordChangeForgetsCopies(t *testing.T) {
	at := time.Unix(59, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	if g.vault.KeptGenerations() == 0 {
		t.Fatal("the test vault has no earlier copy")
	}
	fyne.DoAndWait(func() { g.setPassword(func() {}) })
	form := w.Canvas().Overlays().Top()
	fyne.DoAndWait(func() {
		var pw []*entry
		for _, e := range dialogEntries(form) {
			if e.Password {
				pw = append(pw, e)
			}
		}
		if len(pw) != 2 {
			t.Fatalf("%d password fields", len(pw))
		}
		test.Type(pw[0], "a new password")
		test.Type(pw[1], "a new password")
		test.Tap(button(t, form, "Set"))
	})
	// The change is saved at once; the offer follows.
	offer := w.Canvas().Overlays().Top()
	if offer == nil || offer == form {
		t.Fatal("no offer to delete the earlier copies")
	}
	button(t, offer, "Delete")
	if path := os.Getenv("TWOFOLD_SHOT"); path != "" { // to look at the dialog
		f, _ := os.Create(path)
		png.Encode(f, w.Canvas().Capture())
		f.Close()
	}
	if _, err := accounts.Read(g.vault.Path(), &accounts.PasswordSlot{Password: []byte("right")}); !errors.Is(err, accounts.ErrWrongPassword) {
		t.Errorf("the old password on the current vault: %v", err)
	}
	if _, err := accounts.Read(g.vault.Path()+".1", &accounts.PasswordSlot{Password: []byte("right")}); err != nil {
		t.Errorf("the kept copy with the old password: %v", err)
	}
	fyne.DoAndWait(func() { test.Tap(button(t, offer, "Delete")) })
	if n := g.vault.KeptGenerations(); n != 0 {
		t.Errorf("%d earlier copies left", n)
	}
	if _, err := accounts.Read(g.vault.Path(), &accounts.PasswordSlot{Password: []byte("a new password")}); err != nil {
		t.Errorf("the new password: %v", err)
	}
}
