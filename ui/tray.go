package ui

import (
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"twofold/accounts"
	"twofold/internal/autostart"
	"twofold/internal/i18n"
	"twofold/internal/trayhost"
)

// The system tray: the pinned accounts with their current codes (a
// click copies, cleared like any copy), Show Twofold, Lock and Quit.
// Fyne cannot take a tray icon away again, so it is started only when
// the user has it on.

// startTray shows the tray icon, if the setting is on and this app can.
func (g *gui) startTray() {
	d, ok := g.app.(desktop.App)
	if !ok || !g.settings.tray || g.trayOn {
		return
	}
	g.trayOn = true
	d.SetSystemTrayIcon(g.app.Icon())
	g.refreshTray()
	go g.trayTicks()
}

// refreshTray rebuilds the tray's menu if what it shows (codes, pins,
// the lock) changed.
func (g *gui) refreshTray() {
	d, ok := g.app.(desktop.App)
	if !ok || !g.trayOn {
		return
	}
	m := g.trayMenu()
	var sig strings.Builder
	for _, it := range m.Items {
		fmt.Fprintf(&sig, "%s\x00%v\x00", it.Label, it.Disabled)
	}
	if sig.String() != g.traySig {
		g.traySig = sig.String()
		d.SetSystemTrayMenu(m)
	}
}

// trayTicks refreshes the tray's codes when they change: at the next
// period boundary of a pinned account, whether or not the window shows.
func (g *gui) trayTicks() {
	for {
		wait := 30 * time.Second
		fyne.DoAndWait(func() {
			if g.vault == nil {
				return
			}
			now := g.now()
			for _, a := range g.vault.Accounts {
				if a.Pinned && a.Kind != accounts.HOTP {
					wait = min(wait, a.Remaining(now))
				}
			}
		})
		time.Sleep(max(wait, 100*time.Millisecond))
		do(g.refreshTray)
	}
}

func (g *gui) trayMenu() *fyne.Menu {
	var items []*fyne.MenuItem
	note := func(s string) {
		it := fyne.NewMenuItem(s, nil)
		it.Disabled = true
		items = append(items, it)
	}
	switch {
	case g.vault == nil && g.asksToUnlock():
		note(i18n.T("Locked: open Twofold to unlock"))
	case g.vault == nil:
		note(i18n.T("No accounts yet"))
	default:
		now := g.now()
		for _, a := range g.vault.Accounts {
			if !a.Pinned {
				continue
			}
			label := a.Label()
			if code, err := a.Code(now); err == nil && !g.settings.hideCodes && a.Kind != accounts.HOTP {
				label += "   " + accounts.GroupCode(code)
			}
			items = append(items, fyne.NewMenuItem(label, func() {
				if g.main != nil && g.vault != nil {
					g.main.copy(a)
				}
			}))
		}
		if len(items) == 0 {
			note(i18n.T("Pin accounts to see their codes here"))
		}
	}
	show := fyne.NewMenuItem(i18n.T("Show Twofold"), g.showWindow)
	lock := fyne.NewMenuItem(i18n.T("Lock"), func() {
		if g.vault != nil {
			g.lock()
		}
	})
	lock.Disabled = !g.canLock()
	quit := fyne.NewMenuItem(i18n.T("Quit"), g.quit)
	quit.IsQuit = true
	items = append(items, fyne.NewMenuItemSeparator(), show, lock, fyne.NewMenuItemSeparator(), quit)
	return fyne.NewMenu("Twofold", items...)
}

// showWindow brings the window back from the tray or from behind others.
func (g *gui) showWindow() {
	g.win.Show()
	g.win.RequestFocus()
	g.hidden = false
}

// closeWindow is what the window's close button does: hide it to the
// tray when the user asked for that and a tray is there to bring it
// back from, else quit.
func (g *gui) closeWindow() {
	if g.trayOn && g.settings.trayKeep && trayhost.Present() {
		saveWindowSize(g.app.Preferences(), g.win.Canvas().Size())
		g.win.Hide()
		g.hidden = true
		return
	}
	g.quit()
}

// quit closes the window (saving its size, closing the vault) and ends
// the app, which the tray would otherwise keep running.
func (g *gui) quit() {
	g.win.Close()
	g.app.Quit()
}

// setStartAtLogin adds or removes Twofold's log-in entry: it starts in
// the tray when it keeps running there, else with its window.
func (g *gui) setStartAtLogin(on bool) error {
	if !on {
		return autostart.Disable()
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var args []string
	if g.explicitPath != "" {
		args = append(args, "--vault", g.explicitPath)
	}
	if g.settings.tray && g.settings.trayKeep {
		args = append(args, "--in-tray")
	}
	return autostart.Enable(exe, args...)
}
