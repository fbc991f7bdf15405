package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

func trayLabels(m *fyne.Menu) string {
	var out []string
	for _, it := range m.Items {
		if !it.IsSeparator {
			out = append(out, it.Label)
		}
	}
	return strings.Join(out, " | ")
}

// TestTrayMenu: pinned accounts only, with their codes unless codes are
// hidden; a click copies; Lock only where a password can unlock.
func TestTrayMenu(t *testing.T) {
	at := time.Unix(59, 0)
	accts := testAccounts()
	accts[0].Pinned = true // RFC totp: 94287082 at 59
	g, _ := newTestGUI(t, &at, accts...)
	var m *fyne.Menu
	fyne.DoAndWait(func() { m = g.trayMenu() })
	if got, want := trayLabels(m), "RFC: totp   9428 7082 | Show Twofold | Lock | Quit"; got != want {
		t.Errorf("tray menu %q, want %q", got, want)
	}
	fyne.DoAndWait(func() { m.Items[0].Action() })
	if got := g.app.Clipboard().Content(); got != "94287082" {
		t.Errorf("a click on the tray's entry copied %q, want 94287082", got)
	}
	g.settings.hideCodes = true
	fyne.DoAndWait(func() { m = g.trayMenu() })
	if got := trayLabels(m); strings.Contains(got, "9428") {
		t.Errorf("codes are hidden, and the tray shows %q", got)
	}
	accts[0].Pinned = false
	fyne.DoAndWait(func() { m = g.trayMenu() })
	if got := trayLabels(m); !strings.HasPrefix(got, "Pin accounts to see their codes here |") || !m.Items[0].Disabled {
		t.Errorf("with nothing pinned the tray shows %q", got)
	}
	fyne.DoAndWait(g.lock)
	fyne.DoAndWait(func() { m = g.trayMenu() })
	if got := trayLabels(m); !strings.HasPrefix(got, "Locked: open Twofold to unlock |") {
		t.Errorf("locked, the tray shows %q", got)
	}
}
