package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/backup"
	"twofold/internal/bounded"
	"twofold/internal/i18n"
	"twofold/qrimage"
)

// Backup & Restore: exports with a passphrase (strength shown, typed
// twice, a progress bar while the KDF and the read-back run), imports
// with a preview, the transfer-to-phone slideshow, and a reminder when
// accounts were added since the last backup.

// exportChoice is one line of the export dialog's format list.
type exportChoice struct {
	label    string // i18n.Key: translated where shown
	format   backup.Format
	password bool // asks for a passphrase
	folder   bool // writes a folder of images
	ext      string
	warning  string // i18n.Key, "" for none
}

var exportChoices = []exportChoice{
	{i18n.Key("Twofold backup (encrypted)"), backup.Twofold, true, false, ".twofold", ""},
	{i18n.Key("Aegis vault, encrypted"), backup.Aegis, true, false, ".json", ""},
	{i18n.Key("Aegis vault, not encrypted"), backup.Aegis, false, false, ".json", notEncrypted},
	{i18n.Key("Printable recovery sheet (PDF)"), backup.PDF, false, false, ".pdf", i18n.Key("This export is a sheet anyone can read: anyone who gets it can make your codes. Keep it somewhere safe, or delete it once used.")},
	{i18n.Key("otpauth links (text)"), backup.OTPAuth, false, false, ".txt", notEncrypted},
	{i18n.Key("A QR image per account (folder)"), backup.QR, false, true, "", notEncrypted},
	{i18n.Key("Google Authenticator transfer codes (folder)"), backup.GATransfer, false, true, "", notEncrypted},
}

var notEncrypted = i18n.Key("This export is not encrypted: anyone who gets it can make your codes. Keep it somewhere safe, or delete it once used.")

// remindEvery is how many accounts may be added before the app reminds
// the user to make a backup.
const remindEvery = 5

const prefSinceBackup = "accountsAddedSinceBackup"

// showExport is the export dialog.
func (g *gui) showExport() {
	if g.vault == nil || len(g.vault.Accounts) == 0 {
		showInformation(i18n.T("Nothing to back up"), i18n.T("Add an account first."), g.win)
		return
	}
	var labels []string
	for _, c := range exportChoices {
		labels = append(labels, i18n.T(c.label))
	}
	pw, again := g.newPasswordEntry(), g.newPasswordEntry()
	strengthLabel := widget.NewLabel(i18n.T("Strength: none yet"))
	warn := widget.NewLabel("")
	warn.Wrapping = fyne.TextWrapWord
	warn.Importance = widget.WarningImportance
	pw.OnChanged = func(s string) {
		score, label := backup.Strength(s)
		// The word says it; the colour only repeats it.
		strengthLabel.Importance = []widget.Importance{widget.DangerImportance, widget.DangerImportance,
			widget.WarningImportance, widget.SuccessImportance, widget.SuccessImportance}[score]
		strengthLabel.SetText(i18n.Tf("Strength: %s", label))
	}
	pw.SetPlaceHolder(i18n.Tf("at least %d characters", backup.MinPasswordLength))
	again.SetPlaceHolder(i18n.T("the same again"))
	pwBox := container.NewVBox(widget.NewForm(
		widget.NewFormItem(i18n.T("Passphrase"), pw),
		widget.NewFormItem("", strengthLabel),
		widget.NewFormItem(i18n.T("Repeat it"), again)))
	withKeys := widget.NewCheck(i18n.T("The vault's YubiKeys open it too, besides the passphrase"), nil)
	withKeys.SetChecked(true)
	withKeys.Hide()
	choice := widget.NewRadioGroup(labels, nil)
	aegisNote := widget.NewLabel(i18n.T("Aegis vaults open in Aegis, Ente Auth, 2FAS, OTPClient and GNOME Authenticator."))
	aegisNote.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	exportBtn := widget.NewButtonWithIcon(i18n.T("Export…"), theme.DocumentSaveIcon(), nil)
	exportBtn.Importance = widget.HighImportance
	current := func() exportChoice {
		for _, c := range exportChoices {
			if i18n.T(c.label) == choice.Selected {
				return c
			}
		}
		return exportChoices[0]
	}
	choice.OnChanged = func(string) {
		c := current()
		if c.password {
			pwBox.Show()
		} else {
			pwBox.Hide()
		}
		withKeys.Hidden = c.format != backup.Twofold || len(g.vault.YubiKeySlots()) == 0
		withKeys.Refresh()
		if c.warning != "" {
			warn.SetText(i18n.T(c.warning))
			warn.Show()
		} else {
			warn.Hide()
		}
	}
	choice.SetSelected(labels[0])
	exportBtn.OnTapped = func() {
		c := current()
		var password []byte
		if c.password {
			switch {
			case len([]rune(pw.Text)) < backup.MinPasswordLength:
				showInformation(i18n.T("Passphrase too short"), i18n.Tf("Use at least %d characters: a phrase of four or more words is easy to remember.", backup.MinPasswordLength), g.win)
				return
			case pw.Text != again.Text:
				showInformation(i18n.T("The passphrases differ"), i18n.T("Type the same passphrase twice."), g.win)
				return
			}
			password = []byte(pw.Text)
		}
		pick := func(path string) {
			d.Hide()
			var keys []accounts.YubiKeyRef
			if withKeys.Visible() && withKeys.Checked {
				keys = g.vault.YubiKeySlots()
			}
			g.exportTo(c, path, password, keys)
		}
		if c.folder {
			dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
				if err == nil && u != nil {
					pick(filepath.Join(u.Path(), i18n.Tf("Twofold %s %s", c.format, time.Now().Format("2006-01-02"))))
				}
			}, g.win)
			return
		}
		fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			path := w.URI().Path()
			w.Close()
			os.Remove(path) // Fyne created it empty; Export writes it whole, 0600
			pick(path)
		}, g.win)
		fd.SetFileName(i18n.Tf("Twofold backup %s", time.Now().Format("2006-01-02")) + c.ext)
		fd.Show()
	}
	transfer := widget.NewButtonWithIcon(i18n.T("Show transfer codes for a phone…"), theme.MediaPlayIcon(), func() {
		d.Hide()
		g.showTransfer()
	})
	cancel := widget.NewButton(i18n.T("Close"), func() { d.Hide() })
	content := container.NewBorder(nil, container.NewHBox(transfer, layout.NewSpacer(), cancel, exportBtn), nil, nil,
		container.NewVScroll(container.NewVBox(widget.NewLabelWithStyle(i18n.T("Export all accounts as"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), choice, aegisNote, pwBox, withKeys, warn)))
	d = dialog.NewCustomWithoutButtons(i18n.T("Back up"), content, g.win)
	d.Resize(g.fit(560, 560))
	d.Show()
	g.win.Canvas().Focus(pw) // the default choice wants a passphrase
}

// exportTo writes the export off the UI goroutine (the KDF and the
// read-back take a moment), with a progress bar.
// exportTo writes the accounts out; keys (Twofold backups only) open
// the backup besides its password.
func (g *gui) exportTo(c exportChoice, path string, password []byte, keys []accounts.YubiKeyRef) {
	accts := append([]*accounts.Account{}, g.vault.Accounts...)
	prog := dialog.NewCustomWithoutButtons(i18n.T("Exporting"), container.NewVBox(
		widget.NewLabel(i18n.Tf("Writing %s and reading it back to check…", filepath.Base(path))), widget.NewProgressBarInfinite()), g.win)
	prog.Show()
	go func() {
		w, err := backup.Export(c.format, accts, path, backup.Options{Password: password, YubiKeys: keys})
		clear(password)
		do(func() {
			prog.Hide()
			if err != nil {
				g.main.showError(err)
				return
			}
			g.app.Preferences().SetInt(prefSinceBackup, 0)
			done := i18n.Nf("Exported %d accounts to %s, checked.", len(accts), len(accts), describePath(w.Files, path))
			if len(w.Notes) == 0 {
				g.main.toast(done)
				return
			}
			// What the format could not keep, said where it cannot be missed.
			d := dialog.NewCustom(i18n.T("Exported, with changes"), i18n.T("OK"), newWrapLabel(done+"\n"+strings.Join(w.Notes, ".\n")+"."), g.win)
			d.Resize(g.fit(480, 280))
			d.Show()
		})
	}()
}

func describePath(files []string, path string) string {
	if len(files) == 1 {
		return filepath.Base(files[0])
	}
	return i18n.Tf("%d images in %s", len(files), filepath.Base(path))
}

// showImport picks a file to import.
func (g *gui) showImport() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		g.importFile(path, nil)
	}, g.win)
	fd.Show()
}

// importFile reads an export (asking for its password if it is
// encrypted) and shows the preview.
func (g *gui) importFile(path string, password []byte) {
	prog := dialog.NewCustomWithoutButtons(i18n.T("Reading"), container.NewVBox(widget.NewLabel(i18n.Tf("Reading %s…", filepath.Base(path))), widget.NewProgressBarInfinite()), g.win)
	prog.Show()
	go func() {
		var r *backup.Result
		data, err := bounded.ReadFile(path, backup.MaxImportSize)
		if err == nil {
			r, err = backup.Import(data, "", password)
			clear(data)
		}
		do(func() {
			prog.Hide()
			switch {
			case errors.Is(err, backup.ErrPasswordNeeded):
				g.askImportPassword(path, "")
			case errors.Is(err, backup.ErrWrongPassword):
				g.askImportPassword(path, i18n.T("Wrong password. Try again."))
			case err != nil:
				g.main.showError(fmt.Errorf("%s: %w", filepath.Base(path), err))
			default:
				g.showPreview(filepath.Base(path), r)
			}
		})
	}()
}

func (g *gui) askImportPassword(path, problem string) {
	pw := g.newPasswordEntry()
	items := []*widget.FormItem{widget.NewFormItem(i18n.T("Password"), pw)}
	if problem != "" {
		l := widget.NewLabel(problem)
		l.Importance = widget.DangerImportance
		items = append(items, widget.NewFormItem("", l))
	}
	d := dialog.NewForm(i18n.Tf("%s is encrypted", filepath.Base(path)), i18n.T("Open"), i18n.T("Cancel"), items, func(ok bool) {
		if ok && pw.Text != "" {
			g.importFile(path, []byte(pw.Text))
		}
	}, g.win)
	d.Resize(g.fit(420, 200))
	d.Show()
	g.win.Canvas().Focus(pw)
}

// showPreview lists what was found; duplicates are marked and unticked.
func (g *gui) showPreview(name string, r *backup.Result) {
	var existing []*accounts.Account
	if g.vault != nil {
		existing = g.vault.Accounts
	}
	items := backup.Preview(r.Accounts, existing)
	checks := make([]*widget.Check, len(items))
	box := container.NewVBox()
	for i, it := range items {
		label := it.Account.Label()
		if n := it.Note(); n != "" {
			label += " (" + n + ")"
		}
		checks[i] = widget.NewCheck(label, nil)
		checks[i].SetChecked(!it.Duplicate)
		if it.Duplicate {
			checks[i].Disable() // the vault holds one copy of an account
		}
		box.Add(checks[i])
	}
	for _, p := range r.Problems {
		l := widget.NewLabel(i18n.Tf("Not imported: %s", p))
		l.Importance = widget.WarningImportance
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	fresh := len(backup.New(items))
	summary := widget.NewLabel(i18n.Tf("%s holds %s (%s); %s.", name, i18n.Nf("%d accounts", len(items), len(items)), r.Format, i18n.Nf("%d are new", fresh, fresh)))
	summary.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(i18n.T("Import"), i18n.T("Import the ticked accounts"), i18n.T("Cancel"),
		container.NewBorder(summary, nil, nil, nil, container.NewVScroll(box)), func(ok bool) {
			if !ok {
				return
			}
			var chosen []*accounts.Account
			for i, c := range checks {
				if c.Checked {
					chosen = append(chosen, items[i].Account)
				}
			}
			g.importAccounts(chosen)
		}, g.win)
	d.Resize(g.fit(520, 560))
	d.Show()
}

// importAccounts adds the chosen accounts.
func (g *gui) importAccounts(chosen []*accounts.Account) {
	if len(chosen) == 0 {
		return
	}
	if g.vault == nil {
		g.createVault(func() { g.importAccounts(chosen) })
		return
	}
	added, skipped, problems, err := g.store(chosen)
	if err != nil {
		g.main.showError(err)
		return
	}
	g.main.refilter()
	msg := i18n.Nf("Imported %d accounts.", len(added), len(added))
	if len(skipped) > 0 {
		msg = i18n.Tf("Imported %s; %s.", i18n.Nf("%d accounts", len(added), len(added)), i18n.Nf("%d were already in the vault", len(skipped), len(skipped)))
	}
	if len(problems) > 0 {
		msg += " " + i18n.Tf("Not imported: %s", strings.Join(problems, "; "))
	}
	g.main.toast(msg)
}

// showTransfer shows Google Authenticator transfer codes one after
// another, for a phone's camera, and can save them.
func (g *gui) showTransfer() {
	if g.vault == nil {
		showInformation(i18n.T("Nothing to transfer"), i18n.T("Add an account first."), g.win)
		return
	}
	var can []*accounts.Account
	var cannot []string
	for _, a := range g.vault.Accounts {
		if err := accounts.CanMigrate(a); err != nil {
			cannot = append(cannot, a.Label())
			continue
		}
		can = append(can, a)
	}
	if len(can) == 0 {
		showInformation(i18n.T("Nothing to transfer"), i18n.T("Google Authenticator cannot take any of these accounts (Steam, 7 digits, or periods other than 30 s)."), g.win)
		return
	}
	codes, err := backup.TransferCodes(can, backup.DefaultPerCode)
	if err != nil {
		g.main.showError(err)
		return
	}
	pic := canvas.NewImageFromImage(nil)
	pic.FillMode = canvas.ImageFillContain
	pic.ScaleMode = canvas.ImageScalePixels
	pic.SetMinSize(fyne.NewSquareSize(300))
	step := widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	i := 0
	var prev, next *widget.Button
	show := func() {
		img, err := qrimage.Draw(codes[i], 6)
		if err == nil {
			pic.Image = img
			pic.Refresh()
		}
		step.SetText(i18n.Tf("Code %d of %d", i+1, len(codes)))
		prev.Disable()
		next.Disable()
		if i > 0 {
			prev.Enable()
		}
		if i < len(codes)-1 {
			next.Enable()
		}
	}
	prev = widget.NewButtonWithIcon(i18n.T("Previous"), theme.NavigateBackIcon(), func() { i--; show() })
	next = widget.NewButtonWithIcon(i18n.T("Next"), theme.NavigateNextIcon(), func() { i++; show() })
	next.Importance = widget.HighImportance
	how := widget.NewLabel(i18n.T("On the phone: Google Authenticator > Transfer accounts > Import accounts, then scan each code in turn."))
	how.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	save := widget.NewButtonWithIcon(i18n.T("Save them as images…"), theme.DocumentSaveIcon(), func() {
		dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				d.Hide()
				g.exportTo(exportChoices[len(exportChoices)-1], filepath.Join(u.Path(), i18n.Tf("Twofold transfer %s", time.Now().Format("2006-01-02"))), nil, nil)
			}
		}, g.win)
	})
	parts := []fyne.CanvasObject{how, pic, step, container.NewGridWithColumns(2, prev, next), save}
	if len(cannot) > 0 {
		l := widget.NewLabel(i18n.Tf("Not included (Google Authenticator cannot hold them): %s.", strings.Join(cannot, ", ")))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		parts = append(parts, l)
	}
	d = dialog.NewCustom(i18n.T("Transfer to a phone"), i18n.T("Done"), container.NewVBox(parts...), g.win)
	show()
	d.Resize(g.fit(460, 640))
	d.Show()
}

// noteAdded counts accounts added since the last backup and, past
// remindEvery, offers to make one.
func (g *gui) noteAdded(n int) {
	p := g.app.Preferences()
	since := p.Int(prefSinceBackup) + n
	p.SetInt(prefSinceBackup, since)
	if since < remindEvery {
		return
	}
	dialog.ShowCustomConfirm(i18n.T("Time for a backup?"), i18n.T("Back up now"), i18n.T("Later"),
		widget.NewLabel(i18n.Nf("%d accounts were added since the last backup. If this computer is lost,\na backup (or a printed sheet) is the way back into them.", since, since)),
		func(ok bool) {
			if ok {
				g.showExport()
			} else {
				p.SetInt(prefSinceBackup, 0) // ask again after the next few
			}
		}, g.win)
}
