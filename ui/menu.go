package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

func ctrl(key fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
}

func ctrlShift(key fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
}

// addActions are the ways to add an account, shared by the Add button's
// menu and the main menu.
func (g *gui) addActions() []*fyne.MenuItem {
	item := func(label string, sc fyne.Shortcut, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Shortcut = sc
		return it
	}
	return []*fyne.MenuItem{
		item("Enter a key manually…", ctrl(fyne.KeyN), g.addManual),
		item("Scan image files…", ctrl(fyne.KeyO), g.addFromFile),
		item("Scan a folder…", ctrlShift(fyne.KeyO), g.addFromFolder),
		item("Scan the screen", ctrlShift(fyne.KeyS), g.addFromScreen),
		// Ctrl+V is a canvas shortcut, so the search box keeps its paste.
		fyne.NewMenuItem("Paste a QR image or link (Ctrl+V)", g.paste),
	}
}

func (g *gui) menu() *fyne.MainMenu {
	search := fyne.NewMenuItem("Search", func() { g.win.Canvas().Focus(g.main.search) })
	search.Shortcut = ctrl(fyne.KeyF)
	lock := fyne.NewMenuItem("Lock", g.lock)
	lock.Shortcut = ctrl(fyne.KeyL)
	prefs := fyne.NewMenuItem("Settings…", g.showSettings)
	prefs.Shortcut = ctrl(fyne.KeyComma)
	g.win.Canvas().AddShortcut(&fyne.ShortcutPaste{}, func(fyne.Shortcut) { g.paste() })
	g.win.SetOnDropped(g.dropped)
	return fyne.NewMainMenu(
		fyne.NewMenu("Add", g.addActions()...),
		fyne.NewMenu("View", search, lock, fyne.NewMenuItemSeparator(), prefs),
	)
}

// showAddMenu pops the add actions up under the Add button.
func (m *mainView) showAddMenu() {
	c := m.g.win.Canvas()
	widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", m.g.addActions()...), c, fyne.NewPos(8, 48), m.content)
}
