package ui

import (
	"fyne.io/fyne/v2/layout"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/backup"
	"twofold/internal/i18n"
)

// details edits an account's issuer, name, tags, note and pin, shows its
// secret on request, and deletes it after asking.
func (m *mainView) details(a *accounts.Account) {
	g := m.g
	issuer, name, tags, note := g.newEntry(), g.newEntry(), g.newEntry(), g.newMultiLineEntry()
	issuer.SetText(a.Issuer)
	name.SetText(a.Name)
	tags.SetText(strings.Join(a.Tags, ", "))
	tags.SetPlaceHolder(i18n.T("work, personal"))
	note.SetText(a.Note)
	pinned := widget.NewCheck(i18n.T("Pin to the top"), nil)
	pinned.SetChecked(a.Pinned)

	secret := widget.NewLabelWithStyle("••••  ••••  ••••  ••••", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	secret.Wrapping = fyne.TextWrapBreak
	var reveal *widget.Button
	reveal = widget.NewButtonWithIcon(i18n.T("Show secret"), theme.VisibilityIcon(), func() {
		secret.SetText(backup.GroupSecret(accounts.EncodeSecret(a.Secret)))
		reveal.Disable()
	})
	kind := newWrapLabel(describeKind(a)) // long in French
	qr := widget.NewButtonWithIcon(i18n.T("Show QR code…"), theme.VisibilityIcon(), func() { m.showQR(a) })
	saveVault := func() error { return g.vault.Save() }

	var d *dialog.CustomDialog
	deleteBtn := widget.NewButtonWithIcon(i18n.T("Delete…"), theme.DeleteIcon(), func() {
		showConfirm(i18n.Tf("Delete %s?", a.Label()),
			i18n.Tf("You will no longer get codes for it here. Make sure you can still sign in to %s another way.", nonEmpty(a.Issuer, i18n.T("this site"))),
			func(ok bool) {
				if ok {
					d.Hide()
					m.remove(a)
				}
			}, g.win)
	})
	deleteBtn.Importance = widget.DangerImportance
	save := widget.NewButtonWithIcon(i18n.T("Save"), theme.DocumentSaveIcon(), func() {
		old := *a
		a.Issuer, a.Name, a.Note = strings.TrimSpace(issuer.Text), strings.TrimSpace(name.Text), note.Text
		a.Tags = splitTags(tags.Text)
		a.Pinned = pinned.Checked
		a.Updated = time.Now().UTC()
		if err := g.vault.Save(); err != nil {
			*a = old // nothing changes if it cannot be written
			m.showError(err)
			return
		}
		d.Hide()
		m.refilter()
		m.toast(i18n.Tf("Saved %s.", a.Label()))
	})
	save.Importance = widget.HighImportance
	cancel := widget.NewButton(i18n.T("Close"), func() { d.Hide() })

	form := widget.NewForm(
		widget.NewFormItem(i18n.T("Issuer"), issuer), widget.NewFormItem(i18n.T("Account"), name),
		widget.NewFormItem(i18n.T("Tags"), tags), widget.NewFormItem(i18n.T("Note"), note),
		widget.NewFormItem("", pinned), widget.NewFormItem(i18n.T("Codes"), kind),
		widget.NewFormItem(i18n.T("Secret"), container.NewVBox(secret, container.NewHBox(reveal, qr))),
		widget.NewFormItem(i18n.T("Recovery codes"), m.recoveryCodes(a, saveVault)),
	)
	buttons := container.NewHBox(deleteBtn, layout.NewSpacer(), cancel, save)
	d = dialog.NewCustomWithoutButtons(a.Label(), container.NewBorder(nil, buttons, nil, nil, container.NewVScroll(form)), g.win)
	d.Resize(g.fit(500, 600))
	d.Show()
	g.win.Canvas().Focus(issuer)
}

// remove deletes an account and offers to undo it for a while.
func (m *mainView) remove(a *accounts.Account) {
	if _, err := m.g.vault.Remove(a.ID); err != nil {
		m.showError(err)
		return
	}
	if err := m.g.vault.Save(); err != nil {
		m.g.vault.Accounts = append(m.g.vault.Accounts, a)
		m.showError(err)
		return
	}
	m.refilter()
	undo := widget.NewButton(i18n.T("Undo"), nil)
	var pop *widget.PopUp
	undo.OnTapped = func() {
		pop.Hide()
		if err := m.g.vault.Add(a); err == nil {
			if err := m.g.vault.Save(); err != nil {
				m.showError(err)
			}
		}
		m.refilter()
	}
	pop = widget.NewPopUp(container.NewHBox(widget.NewLabel(i18n.Tf("Deleted %s.", a.Label())), undo), m.g.win.Canvas())
	size := m.g.win.Canvas().Size()
	pop.ShowAtPosition(fyne.NewPos(12, size.Height-64))
	time.AfterFunc(10*time.Second, func() { do(pop.Hide) })
}

func describeKind(a *accounts.Account) string {
	switch a.Kind {
	case accounts.HOTP:
		return i18n.Tf("Counter-based, %s, %d digits, counter %d", a.Algorithm, a.Digits, a.Counter)
	case accounts.Steam:
		return i18n.T("Steam Guard, 5 characters every 30 s")
	}
	return i18n.Tf("Time-based, %s, %d digits every %d s", a.Algorithm, a.Digits, a.Period)
}

func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
