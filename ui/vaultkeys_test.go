//go:build cgo

package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"twofold/backup"
	"twofold/hardware"
	"twofold/hardware/cardsim"
	"twofold/internal/testenv"
)

// TestVaultYubiKey: through pcscd, Settings adds a YubiKey to the vault
// (after its PIN); the lock screen then offers it with the PIN's tries
// left, says the tries left after a wrong PIN, opens with the right one,
// and the key's slot can be removed again.
func TestVaultYubiKey(t *testing.T) {
	addr, reader := testenv.VPCD(t, 0)
	t.Setenv("TWOFOLD_YUBIKEY", reader)
	_, s := plugAndOpen(t, cardsim.New(515151), addr, reader)
	s.Close()
	at := time.Unix(59, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)

	pinEntry := func(o fyne.CanvasObject) *widget.Entry {
		var e *widget.Entry
		for _, c := range dialogEntries(o) {
			if c.Password {
				e = &c.Entry
			}
		}
		if e == nil {
			e = find(t, o, func(e *widget.Entry) bool { return e.PlaceHolder == "The YubiKey's PIN" })
		}
		return e
	}
	fyne.DoAndWait(func() { g.addYubiKey(func() {}) })
	dlg := w.Canvas().Overlays().Top()
	fyne.DoAndWait(func() {
		test.Type(pinEntry(dlg), "123456")
		test.Tap(button(t, dlg, "Add"))
	})
	waitFor(t, "the key's slot in the vault", func() bool { return len(g.vault.YubiKeySlots()) == 1 })
	if got := g.protection(); got != "Opens with: a password, 1 YubiKey." {
		t.Errorf("protection: %q", got)
	}

	// A Twofold backup the key opens too: offered, written, and read
	// back with the key alone.
	fyne.DoAndWait(g.showExport)
	fyne.DoAndWait(func() {
		c := find(t, w.Canvas().Overlays().Top(), func(c *widget.Check) bool {
			return c.Text == "The vault's YubiKeys open it too, besides the passphrase"
		})
		if !c.Visible() || !c.Checked {
			t.Error("the export does not offer the vault's key")
		}
		g.escape()
	})
	out := filepath.Join(t.TempDir(), "b.twofold")
	fyne.DoAndWait(func() { g.exportTo(exportChoices[0], out, []byte("a long passphrase"), g.vault.YubiKeySlots()) })
	waitFor(t, "the backup", func() bool { _, err := os.Stat(out); return err == nil })
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	r, err := backup.Import(data, backup.Twofold, nil, hardware.Unlocker(func(string) ([]byte, error) { return []byte("123456"), nil }, nil))
	if err != nil || len(r.Accounts) != len(testAccounts()) {
		t.Errorf("the backup with the key alone: %v", err)
	}

	fyne.DoAndWait(g.lock)
	waitFor(t, "the key on the lock screen", func() bool {
		return labels(w.Content())["YubiKey 515151 is plugged in. 3 PIN tries left."] != nil
	})
	pin := find(t, w.Content(), func(e *widget.Entry) bool { return e.PlaceHolder == "The YubiKey's PIN" })
	fyne.DoAndWait(func() {
		test.Type(pin, "000000")
		test.Tap(button(t, w.Content(), "Unlock with YubiKey"))
	})
	waitFor(t, "the wrong PIN said", func() bool {
		return labels(w.Content())["Wrong PIN: 2 tries left before the PIN is blocked."] != nil
	})
	fyne.DoAndWait(func() {
		test.Type(pin, "123456")
		test.Tap(button(t, w.Content(), "Unlock with YubiKey"))
	})
	waitFor(t, "the vault open with the key", func() bool { return g.vault != nil })

	fyne.DoAndWait(func() { g.removeYubiKey(515151, func() {}) })
	fyne.DoAndWait(func() { test.Tap(button(t, w.Canvas().Overlays().Top(), "Yes")) })
	if n := len(g.vault.YubiKeySlots()); n != 0 {
		t.Errorf("%d key slots after removing the key", n)
	}
}
