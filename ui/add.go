package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/internal/bounded"
	"twofold/internal/i18n"
	"twofold/scanner"
)

// found is what an add action turned up, before it goes into the vault.
type found struct {
	accounts  []*accounts.Account
	problems  []string
	transfers scanner.Transfers
	placed    bool // the user chose the vault (or no key is plugged in)
}

func (f *found) payloads(source string, texts []string) {
	for _, t := range texts {
		r := scanner.Interpret(t)
		if r.Batch != nil {
			f.transfers.Add(r.Batch)
		}
		if r.Err != nil {
			f.problems = append(f.problems, source+": "+sentence(r.Err))
		}
		f.accounts = append(f.accounts, r.Accounts...)
	}
}

func (f *found) files(results []scanner.FileResult) {
	for _, r := range results {
		if r.Err != nil {
			f.problems = append(f.problems, sentence(r.Err))
			continue
		}
		f.payloads(r.File, r.Texts)
	}
}

// addManual is the form for a key typed from a site's setup page.
func (g *gui) addManual() {
	issuer, name, secret := g.newEntry(), g.newEntry(), g.newEntry()
	issuer.SetPlaceHolder(i18n.T("e.g. GitHub"))
	name.SetPlaceHolder(i18n.T("e.g. you@example.com"))
	secret.SetPlaceHolder(i18n.T("the key the site shows, e.g. JBSW Y3DP EHPK 3PXP"))
	kind := widget.NewSelect([]string{i18n.T("Time-based (TOTP)"), i18n.T("Counter-based (HOTP)"), i18n.T("Steam")}, nil)
	kind.SetSelectedIndex(0)
	algo := widget.NewSelect([]string{"SHA1", "SHA256", "SHA512"}, nil)
	algo.SetSelectedIndex(0)
	digits := widget.NewSelect([]string{"6", "7", "8"}, nil)
	digits.SetSelectedIndex(0)
	period, counter := g.newEntry(), g.newEntry()
	period.SetText("30")
	counter.SetText("0")
	// Checked as typed by check below, which shows one message: entries'
	// own validators would add a ✓ or ✗ of their own beside it.
	periodOK := intIn(1, accounts.MaxPeriod, i18n.T("The period must be a whole number from %d to %d."))
	counterOK := intIn(0, 1<<62, i18n.T("The counter must be a whole number from %d to %d."))
	advanced := widget.NewAccordion(widget.NewAccordionItem(i18n.T("Advanced"), widget.NewForm(
		widget.NewFormItem(i18n.T("Type"), kind), widget.NewFormItem(i18n.T("Algorithm"), algo),
		widget.NewFormItem(i18n.T("Digits"), digits), widget.NewFormItem(i18n.T("Period (s)"), period),
		widget.NewFormItem(i18n.T("Counter"), counter))))
	form := widget.NewForm(
		widget.NewFormItem(i18n.T("Issuer"), issuer), widget.NewFormItem(i18n.T("Account"), name),
		widget.NewFormItem(i18n.T("Secret key"), secret), widget.NewFormItem("", advanced))
	hint := widget.NewLabel("")
	hint.Importance = widget.DangerImportance
	hint.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	addBtn := widget.NewButtonWithIcon(i18n.T("Add"), theme.ConfirmIcon(), func() {
		key, _ := accounts.DecodeSecret(secret.Text)
		p, _ := strconv.Atoi(period.Text)
		c, _ := strconv.ParseUint(counter.Text, 10, 64)
		dg, _ := strconv.Atoi(digits.Selected)
		a := &accounts.Account{Issuer: strings.TrimSpace(issuer.Text), Name: strings.TrimSpace(name.Text),
			Kind:      []accounts.Kind{accounts.TOTP, accounts.HOTP, accounts.Steam}[kind.SelectedIndex()],
			Algorithm: accounts.Algorithm(algo.Selected), Digits: dg, Period: p, Counter: c, Secret: key}
		switch a.Kind {
		case accounts.HOTP:
			a.Period = 0
		case accounts.Steam:
			a.Digits, a.Algorithm = accounts.SteamDigits, accounts.SHA1
		}
		d.Hide()
		g.add(&found{accounts: []*accounts.Account{a}})
	})
	addBtn.Importance = widget.HighImportance
	// Checked as typed: Add stays off, with the reason shown, until the
	// entry is complete.
	check := func(string) {
		var problem string
		switch {
		case strings.TrimSpace(issuer.Text) == "" && strings.TrimSpace(name.Text) == "":
			problem = i18n.T("Give an issuer or an account name.")
		case strings.TrimSpace(secret.Text) != "" && secretProblem(secret.Text) != "":
			problem = secretProblem(secret.Text)
		case periodOK(period.Text) != "":
			problem = periodOK(period.Text)
		case counterOK(counter.Text) != "":
			problem = counterOK(counter.Text)
		}
		hint.SetText(problem)
		if problem != "" || strings.TrimSpace(secret.Text) == "" {
			addBtn.Disable()
		} else {
			addBtn.Enable()
		}
	}
	for _, e := range []*entry{issuer, name, secret, period, counter} {
		e.OnChanged = check
	}
	check("")
	cancel := widget.NewButtonWithIcon(i18n.T("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(i18n.T("Enter a key"), container.NewBorder(nil,
		container.NewVBox(hint, container.NewGridWithColumns(2, cancel, addBtn)), nil, nil, form), g.win)
	d.Resize(g.fit(460, 440))
	d.Show()
	g.win.Canvas().Focus(issuer)
}

// intIn checks a number field: the sentence to show (msg, a format of
// lo and hi), or "".
func intIn(lo, hi int, msg string) func(string) string {
	return func(s string) string {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < lo || n > hi {
			return fmt.Sprintf(msg, lo, hi)
		}
		return ""
	}
}

// secretProblem is the one sentence that says what is wrong with a
// typed secret key, or "". It names a character that cannot be in a key
// (the user just typed it, so showing it gives nothing away) and what it
// was likely meant to be.
func secretProblem(s string) string {
	for _, r := range strings.ToUpper(s) {
		if strings.ContainsRune(" \t-=", r) || (r >= 'A' && r <= 'Z') || (r >= '2' && r <= '7') {
			continue
		}
		hint := map[rune]string{'0': i18n.T(" (is it the letter O?)"), '1': i18n.T(" (is it the letter I or L?)"), '8': i18n.T(" (is it the letter B?)"), '9': ""}[r]
		return i18n.Tf("A secret key has only the letters A to Z and the digits 2 to 7, not “%c”%s.", r, hint)
	}
	if _, err := accounts.DecodeSecret(s); err != nil {
		return i18n.T("The secret key is incomplete: check that you typed all of it.")
	}
	return ""
}

func (g *gui) addFromFolder() {
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		g.scanWithProgress([]string{u.Path()})
	}, g.win)
}

// scanWithProgress scans files and folders off the UI goroutine, with a
// progress bar and a Cancel button.
func (g *gui) scanWithProgress(paths []string) {
	bar := widget.NewProgressBar()
	label := widget.NewLabel(i18n.T("Looking for images…"))
	ctx, cancel := context.WithCancel(context.Background())
	var d *dialog.CustomDialog
	cancelBtn := widget.NewButton(i18n.T("Cancel"), func() { cancel() })
	d = dialog.NewCustomWithoutButtons(i18n.T("Scanning images"), container.NewVBox(label, bar, cancelBtn), g.win)
	d.Resize(g.fit(380, 160))
	d.Show()
	go func() {
		results, err := scanner.ScanPaths(ctx, paths, func(done, total int, file string) {
			do(func() {
				bar.SetValue(float64(done) / float64(total))
				label.SetText(i18n.Tf("%d of %d images", done, total))
			})
		})
		cancelled := ctx.Err() != nil
		cancel()
		do(func() {
			d.Hide()
			if err != nil {
				g.main.showError(err)
				return
			}
			f := &found{}
			var kept []scanner.FileResult
			for _, r := range results {
				if !errors.Is(r.Err, context.Canceled) {
					kept = append(kept, r)
				}
			}
			f.files(kept)
			if cancelled {
				f.problems = append(f.problems, i18n.Tf("Stopped after %d of %d images.", len(kept), len(results)))
			}
			g.add(f)
		})
	}()
}

// addFromScreen hides the window so it does not cover the code, then
// scans every display.
func (g *gui) addFromScreen() {
	g.win.Hide()
	go func() {
		time.Sleep(400 * time.Millisecond) // let the desktop redraw without us
		texts, err := scanner.ScanScreen()
		do(func() {
			g.win.Show()
			if err != nil {
				g.main.showError(err)
				return
			}
			f := &found{}
			f.payloads(i18n.T("The screen"), texts)
			g.add(f)
		})
	}()
}

// paste adds from the clipboard: otpauth links as text, else an image.
func (g *gui) paste() {
	if text := strings.TrimSpace(g.app.Clipboard().Content()); text != "" {
		f := &found{}
		f.payloads(i18n.T("The clipboard"), lines(text))
		g.add(f)
		return
	}
	texts, err := scanner.ScanClipboard()
	if err != nil {
		g.main.showError(err)
		return
	}
	f := &found{}
	f.payloads(i18n.T("The clipboard's image"), texts)
	g.add(f)
}

// dropped takes image files and text files of otpauth links.
func (g *gui) dropped(_ fyne.Position, uris []fyne.URI) {
	var images []string
	f := &found{}
	for _, u := range uris {
		// An image dragged from a web browser comes as its address.
		if addr := webAddress(u); addr != "" {
			g.scanURL(addr)
			continue
		}
		if strings.EqualFold(u.Extension(), ".txt") {
			text, err := bounded.ReadFile(u.Path(), maxLinksFile)
			if err != nil {
				f.problems = append(f.problems, sentence(err))
				continue
			}
			f.payloads(u.Name(), lines(string(text)))
			clear(text)
			continue
		}
		// Another app's export or a Twofold backup: the import preview.
		if !slices.Contains(scanner.Extensions, strings.ToLower(u.Extension())) && !isDir(u.Path()) {
			g.importFile(u.Path(), nil)
			continue
		}
		images = append(images, u.Path())
	}
	if len(images) == 0 {
		if len(f.accounts) > 0 || len(f.problems) > 0 {
			g.add(f)
		}
		return
	}
	if len(f.accounts) > 0 || len(f.problems) > 0 {
		g.add(f)
	}
	g.scanWithProgress(images)
}

// webAddress is the http(s) address a drop names, or "". GLFW passes a
// dropped http URI on as if it were a path, and Fyne makes that a file
// path under the working folder with "//" cleaned to "/":
// "/work/http:/host/qr.png" for "http://host/qr.png".
func webAddress(u fyne.URI) string {
	if u.Scheme() == "http" || u.Scheme() == "https" {
		return u.String()
	}
	p := filepath.ToSlash(u.Path())
	for _, scheme := range []string{"https:", "http:"} {
		i := strings.Index(p, "/"+scheme+"/")
		if i < 0 {
			continue
		}
		if _, err := os.Stat(u.Path()); err == nil {
			return "" // a real file in a folder named so
		}
		return scheme + "//" + strings.TrimLeft(p[i+len(scheme)+1:], "/")
	}
	return ""
}

// scanURL fetches an image dropped from a browser and adds what it
// holds, with a progress dialog and a Cancel button.
func (g *gui) scanURL(addr string) {
	ctx, cancel := context.WithCancel(context.Background())
	d := dialog.NewCustomWithoutButtons(i18n.T("Fetching the image"), container.NewVBox(
		widget.NewLabel(i18n.T("Fetching the dropped image…")), widget.NewProgressBarInfinite(),
		widget.NewButton(i18n.T("Cancel"), cancel)), g.win)
	d.Show()
	go func() {
		texts, err := scanner.ScanURL(ctx, addr)
		stopped := ctx.Err() != nil
		cancel()
		do(func() {
			d.Hide()
			if stopped && err != nil {
				return
			}
			f := &found{}
			if err != nil {
				f.problems = append(f.problems, sentence(err))
			} else {
				f.payloads(i18n.T("the dropped image"), texts)
			}
			g.add(f)
		})
	}()
}

// maxLinksFile bounds a dropped text file of links: far more than any list.
const maxLinksFile = 16 << 20

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// add puts what was found into the vault (creating it on first use) and
// shows the result: each new account's live code, to finish the site's
// setup, the duplicates skipped, and what went wrong.
func (g *gui) add(f *found) {
	if len(f.accounts) == 0 {
		msg := i18n.T("No account was found.")
		if len(f.problems) > 0 {
			msg = strings.Join(f.problems, "\n")
		}
		showInformation(i18n.T("Nothing added"), msg, g.win)
		return
	}
	if !f.placed && g.main.keysReady() {
		g.chooseWhere(f)
		return
	}
	if g.vault == nil {
		g.createVault(func() { g.add(f) })
		return
	}
	added, skipped, problems, err := g.store(f.accounts)
	if err != nil {
		g.main.showError(err)
		return
	}
	f.problems = append(f.problems, problems...)
	g.main.refilter()
	g.showAdded(added, skipped, f)
	if len(added) > 0 {
		g.noteAdded(len(added))
	}
}

// store adds accounts to the open vault and saves it. Duplicates are
// skipped (by label); if saving fails, nothing is lost: the accounts are
// taken out again and the error returned.
func (g *gui) store(accts []*accounts.Account) (added []*accounts.Account, skipped, problems []string, err error) {
	for _, a := range accts {
		shares := g.vault.SharesSecret(a)
		if err := g.vault.Add(a); err != nil {
			if errors.Is(err, accounts.ErrDuplicate) {
				skipped = append(skipped, g.vault.Same(a).Label())
			} else {
				problems = append(problems, a.Label()+": "+sentence(err))
			}
			continue
		}
		added = append(added, a)
		if shares != nil {
			problems = append(problems, i18n.Tf("%s has the same secret as %s: if it is the same account, delete one.", a.Label(), shares.Label()))
		}
	}
	if len(added) == 0 {
		return nil, skipped, problems, nil
	}
	if err := g.vault.Save(); err != nil {
		for _, a := range added {
			g.vault.Remove(a.ID)
		}
		return nil, nil, nil, err
	}
	return added, skipped, problems, nil
}

// addedTitle says what an add did, in a few words.
func addedTitle(added, skipped int) string {
	switch {
	case added == 0 && skipped > 0:
		return i18n.Nf("All %d already in the vault", skipped, skipped)
	case added == 0:
		return i18n.T("Nothing added")
	case skipped > 0:
		return i18n.Nf("Added %d accounts", added, added) + i18n.Nf("; %d were already there", skipped, skipped)
	}
	return i18n.Nf("Added %d accounts", added, added)
}

func (g *gui) showAdded(added []*accounts.Account, skipped []string, f *found) {
	var parts []fyne.CanvasObject
	var list *codeList
	if len(added) > 0 {
		parts = append(parts, widget.NewLabel(i18n.T("Enter this code on the site to finish setting up:")))
		list = newCodeList(added, g.now)
		list.onCopy = g.main.copy
		rows := min(len(added), 4)
		parts = append(parts, container.NewGridWrap(fyne.NewSize(420, float32(rows)*76), list.widget))
	}
	var notes []string
	notes = append(notes, f.transfers.Status()...)
	for _, s := range skipped {
		notes = append(notes, i18n.Tf("%s is already in the vault; skipped.", s))
	}
	notes = append(notes, f.problems...)
	if len(notes) > 0 {
		l := widget.NewLabel(strings.Join(notes, "\n"))
		l.Wrapping = fyne.TextWrapWord
		parts = append(parts, l)
	}
	d := dialog.NewCustom(addedTitle(len(added), len(skipped)), i18n.T("Done"), container.NewVBox(parts...), g.win)
	if list != nil {
		stop := make(chan struct{})
		go list.tick(stop, func() bool { return minimized(g.win) })
		d.SetOnClosed(func() { close(stop) })
	}
	d.Resize(g.fit(480, 200))
	d.Show()
}

// createVault makes the vault at the first add: under the keyring, or,
// where there is none, under a password the user sets now.
func (g *gui) createVault(then func()) {
	v, err := accounts.Create(g.path, accounts.KeyringSlot{})
	if err == nil {
		g.vault = v
		g.main.watchVault()
		then()
		return
	}
	if !errors.Is(err, accounts.ErrKeyringUnavailable) {
		g.main.showError(err)
		return
	}
	pw, again := g.newPasswordEntry(), g.newPasswordEntry()
	again.Validator = func(s string) error {
		if s != pw.Text {
			return i18n.Error("the two passwords differ")
		}
		return nil
	}
	pw.Validator = accounts.CheckNewPassword
	msg := widget.NewLabel(i18n.T("No system keyring is reachable, so Twofold will protect your accounts with a password. You will type it when Twofold starts."))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewForm(i18n.T("Choose a vault password"), i18n.T("Create"), i18n.T("Cancel"), []*widget.FormItem{
		widget.NewFormItem("", msg), widget.NewFormItem(i18n.T("Password"), pw), widget.NewFormItem(i18n.T("Repeat"), again),
	}, func(ok bool) {
		if !ok {
			return
		}
		v, err := accounts.Create(g.path, &accounts.PasswordSlot{Password: []byte(pw.Text)})
		if err != nil {
			g.main.showError(err)
			return
		}
		g.vault = v
		g.main.watchVault()
		then()
	}, g.win)
	d.Resize(g.fit(460, 320))
	d.Show()
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
