package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"twofold/internal/i18n"
)

// Fyne's stock dialogs label their buttons in the system's language
// (through its lang package, which cannot be told another one on every
// OS); these label them in Twofold's, which Settings can change.

// newConfirm is dialog.NewConfirm with Yes and No in Twofold's language.
func newConfirm(title, msg string, callback func(bool), w fyne.Window) *dialog.ConfirmDialog {
	d := dialog.NewConfirm(title, msg, callback, w)
	d.SetConfirmText(i18n.T("Yes"))
	d.SetDismissText(i18n.T("No"))
	return d
}

// showConfirm shows a newConfirm dialog.
func showConfirm(title, msg string, callback func(bool), w fyne.Window) {
	newConfirm(title, msg, callback, w).Show()
}

// showInformation is dialog.ShowInformation with OK in Twofold's
// language.
func showInformation(title, msg string, w fyne.Window) {
	d := dialog.NewInformation(title, msg, w)
	d.SetDismissText(i18n.T("OK"))
	d.Show()
}

// showErrorDialog is dialog.ShowError with OK in Twofold's language.
func showErrorDialog(err error, w fyne.Window) {
	d := dialog.NewError(err, w)
	d.SetDismissText(i18n.T("OK"))
	d.Show()
}
