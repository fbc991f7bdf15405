package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/internal/testenv"
)

// TestSeveralComputers: the vault moves into a synced folder from
// Settings and is watched there; another computer's vault is used from
// its synced folder, opened once with its password, and then keeps its
// key in this computer's keyring.
func TestSeveralComputers(t *testing.T) {
	testenv.SecretService(t)
	at := time.Unix(100, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	fyne.DoAndWait(g.showSettings)
	settings := w.Canvas().Overlays().Top()
	if labels(settings)["Only this computer uses this vault. Put it in a folder that Syncthing, Nextcloud or Dropbox syncs to use it on your other computers too."] == nil {
		t.Errorf("Settings does not say who uses the vault: %s", keys(labels(settings)))
	}
	button(t, settings, "Move to a synced folder…")

	// Moved (the folder dialog's choice, given here): the old file goes,
	// the new place is used and watched.
	old := g.path
	synced := filepath.Join(t.TempDir(), "Sync")
	var err error
	fyne.DoAndWait(func() { err = g.moveVault(synced) })
	if err != nil {
		t.Fatal(err)
	}
	if g.path != filepath.Join(synced, "vault.twofold") {
		t.Fatalf("the app uses %s after the move", g.path)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the old file is still there: %v", err)
	}
	if p, err := accounts.VaultPath(""); err != nil || p != g.path {
		t.Errorf("the next start would open %s (%v), not %s", p, err, g.path)
	}
	other, err := accounts.Open(g.path, &accounts.PasswordSlot{Password: []byte("right")})
	if err != nil {
		t.Fatal(err)
	}
	other.Add(&accounts.Account{Issuer: "Written", Name: "elsewhere", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: rfc})
	if err := other.Save(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the account written at the new place", func() bool { return labels(w.Content())["Written"] != nil })

	// Another computer's vault, in its synced folder: its own device (its
	// own state folder) made it, with a password and its keyring slot.
	mine := os.Getenv("TWOFOLD_STATE")
	t.Setenv("TWOFOLD_STATE", t.TempDir())
	theirsPath := filepath.Join(t.TempDir(), "Shared", "vault.twofold")
	theirs, err := accounts.Create(theirsPath, accounts.KeyringSlot{})
	if err != nil {
		t.Fatal(err)
	}
	theirs.AddSlot(accounts.SlotPassword, &accounts.PasswordSlot{Password: []byte("shared secret"), Params: cheap})
	theirs.Add(&accounts.Account{Issuer: "Desk", Name: "shared", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: rfc})
	if err := theirs.Save(); err != nil {
		t.Fatal(err)
	}
	theirs.Close()
	t.Setenv("TWOFOLD_STATE", mine)

	fyne.DoAndWait(func() { err = g.useVault(theirsPath) })
	if err != nil {
		t.Fatal(err)
	}
	entry := find(t, w.Content(), func(e *widget.Entry) bool { return e.Password })
	fyne.DoAndWait(func() {
		test.Type(entry, "shared secret")
		test.Tap(button(t, w.Content(), "Unlock"))
	})
	waitFor(t, "the other computer's vault to open", func() bool { return g.vault != nil && labels(w.Content())["Desk"] != nil })
	if !slices.Contains(g.vault.Slots(), accounts.SlotKeyring) {
		t.Fatalf("no keyring slot of this computer's after the password: %v", g.vault.Slots())
	}
	if g.asksToUnlock() {
		t.Error("the next start would ask for the password again")
	}
	fyne.DoAndWait(g.showSettings)
	settings = w.Canvas().Overlays().Top()
	status := keys(labels(settings))
	if !strings.Contains(status, "Used on these computers:") {
		t.Errorf("Settings does not list the computers: %s", status)
	}
	if path := os.Getenv("TWOFOLD_SHOT"); path != "" { // to look at the section
		fyne.DoAndWait(func() { find(t, settings, func(s *container.Scroll) bool { return true }).ScrollToBottom() })
		f, _ := os.Create(path)
		png.Encode(f, w.Canvas().Capture())
		f.Close()
	}
}

// TestPasswordChangedElsewhere: when another Twofold gives the open vault
// a new key (a password change), the window locks and opens again with
// the new password, rather than failing every write.
func TestPasswordChangedElsewhere(t *testing.T) {
	at := time.Unix(100, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	other, err := accounts.Open(g.path, &accounts.PasswordSlot{Password: []byte("right")})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.AddSlot(accounts.SlotPassword, &accounts.PasswordSlot{Password: []byte("changed elsewhere"), Params: cheap}); err != nil {
		t.Fatal(err)
	}
	if err := other.Save(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the window to lock", func() bool { return g.vault == nil })
	if top := w.Canvas().Overlays().Top(); top == nil || labels(top)["The vault's password has changed"] == nil {
		t.Error("no word of why the window locked")
	}
	entry := find(t, w.Content(), func(e *widget.Entry) bool { return e.Password })
	fyne.DoAndWait(func() {
		test.Type(entry, "changed elsewhere")
		test.Tap(button(t, w.Content(), "Unlock"))
	})
	waitFor(t, "the vault to open with the new password", func() bool { return g.vault != nil && len(g.vault.Accounts) == 3 })
}
