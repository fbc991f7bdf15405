package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/internal/i18n"
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
		item(i18n.T("Enter a key manually…"), ctrl(fyne.KeyN), g.addManual),
		item(i18n.T("Scan image files…"), ctrl(fyne.KeyO), g.addFromFile),
		item(i18n.T("Scan a folder…"), ctrlShift(fyne.KeyO), g.addFromFolder),
		item(i18n.T("Scan the screen"), ctrlShift(fyne.KeyS), g.addFromScreen),
		// Ctrl+V is a canvas shortcut, so the search box keeps its paste.
		fyne.NewMenuItem(i18n.T("Paste a QR image or link (Ctrl+V)"), g.paste),
	}
}

func (g *gui) menu() *fyne.MainMenu {
	search := fyne.NewMenuItem(i18n.T("Search"), func() { g.win.Canvas().Focus(g.main.search) })
	search.Shortcut = ctrl(fyne.KeyF)
	lock := fyne.NewMenuItem(i18n.T("Lock"), g.lock)
	lock.Shortcut = ctrl(fyne.KeyL)
	prefs := fyne.NewMenuItem(i18n.T("Settings…"), g.showSettings)
	prefs.Shortcut = ctrl(fyne.KeyComma)
	g.win.Canvas().AddShortcut(&fyne.ShortcutPaste{}, func(fyne.Shortcut) { g.paste() })
	g.win.SetOnDropped(g.dropped)

	view := fyne.NewMenu(i18n.T("View"), search)
	labels := map[accounts.Order]string{accounts.ByIssuer: i18n.T("Sort by issuer"), accounts.ByName: i18n.T("Sort by account name"), accounts.ByManual: i18n.T("Manual order")}
	var orderItems []*fyne.MenuItem
	for _, by := range accounts.Orders {
		it := fyne.NewMenuItem(labels[by], nil)
		it.Checked = g.settings.order == by
		it.Action = func() {
			for _, o := range orderItems {
				o.Checked = o == it
			}
			view.Refresh()
			g.main.setOrder(by)
		}
		orderItems = append(orderItems, it)
	}
	up := fyne.NewMenuItem(i18n.T("Move up"), func() { g.main.move(-1) })
	up.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyUp, Modifier: fyne.KeyModifierAlt}
	down := fyne.NewMenuItem(i18n.T("Move down"), func() { g.main.move(1) })
	down.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyDown, Modifier: fyne.KeyModifierAlt}
	view.Items = append(view.Items, fyne.NewMenuItemSeparator())
	view.Items = append(view.Items, orderItems...)
	details := fyne.NewMenuItem(i18n.T("Account details…"), func() {
		switch it, ok := g.main.list.currentItem(); {
		case !ok:
		case it.head != nil:
			g.main.keyMenu(it.head)
		case it.on != nil:
			g.main.keyDetails(it.on)
		default:
			g.main.details(it.acct)
		}
	})
	details.Shortcut = ctrl(fyne.KeyI)
	view.Items = append(view.Items, up, down, fyne.NewMenuItemSeparator(), details, lock, prefs)
	exp := fyne.NewMenuItem(i18n.T("Back up / export…"), g.showExport)
	exp.Shortcut = ctrl(fyne.KeyB)
	imp := fyne.NewMenuItem(i18n.T("Import a backup or another app's export…"), g.showImport)
	imp.Shortcut = ctrlShift(fyne.KeyI)
	transfer := fyne.NewMenuItem(i18n.T("Transfer to a phone…"), g.showTransfer)
	about := fyne.NewMenuItem(i18n.T("About Twofold"), g.showAbout)
	return fyne.NewMainMenu(fyne.NewMenu(i18n.T("Add"), g.addActions()...), view, fyne.NewMenu(i18n.T("Backup"), exp, imp, transfer),
		fyne.NewMenu(i18n.T("Help"), about))
}

// showAddMenu pops the add actions up under the Add button.
func (m *mainView) showAddMenu() {
	c := m.g.win.Canvas()
	widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", m.g.addActions()...), c, fyne.NewPos(8, 48), m.content)
}
