package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/hardware/ykoath"
	"twofold/internal/i18n"
)

// unlockKey asks for the password of a key's OATH application, and
// offers to remember it in the vault (as the key it derives, not the
// password) so this computer does not ask again.
func (m *mainView) unlockKey(sec *keySection) {
	g := m.g
	pw := m.g.newPasswordEntry()
	remember := widget.NewCheck(i18n.T("Remember on this computer"), nil)
	remember.SetChecked(true)
	problem := newWrapLabel("")
	problem.Importance = widget.DangerImportance
	problem.Hide()
	var d *dialog.CustomDialog
	var unlockBtn *widget.Button
	try := func() {
		unlockBtn.Disable()
		password, broker := pw.Text, m.broker
		go func() {
			access, err := broker.Unlock(sec.key, password)
			do(func() {
				unlockBtn.Enable()
				if err != nil {
					problem.SetText(sentence(err))
					problem.Show()
					pw.SetText("")
					g.win.Canvas().Focus(pw)
					return
				}
				d.Hide()
				if remember.Checked {
					m.rememberAccess(sec.key, access)
				}
				sec.err = nil
				m.readKey(sec)
				m.refilter()
			})
		}()
	}
	unlockBtn = widget.NewButtonWithIcon(i18n.T("Unlock"), theme.ConfirmIcon(), try)
	unlockBtn.Importance = widget.HighImportance
	pw.OnSubmitted = func(string) { try() }
	cancel := widget.NewButtonWithIcon(i18n.T("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	body := container.NewVBox(
		newWrapLabel(i18n.Tf("%s has a password on its accounts. Type it to see their codes.", sec.title())),
		pw, remember, problem)
	d = dialog.NewCustomWithoutButtons(i18n.T("Unlock the YubiKey"), container.NewBorder(nil,
		container.NewGridWithColumns(2, cancel, unlockBtn), nil, nil, body), g.win)
	d.Resize(g.fit(420, 260))
	d.Show()
	g.win.Canvas().Focus(pw)
}

// remembered reports whether the vault keeps an access key for k.
func (m *mainView) remembered(k hardware.Key) bool {
	if m.g.vault == nil {
		return false
	}
	r := m.g.vault.Known(k.ID())
	return r != nil && r.AccessKey != nil
}

// rememberAccess keeps a key's access key in the vault (creating the
// vault if there is none yet); nil forgets it.
func (m *mainView) rememberAccess(k hardware.Key, access []byte) {
	m.withVault(func(v *accounts.Vault) error {
		r := v.Remember(k.ID())
		old := r.AccessKey
		r.AccessKey = access
		if err := v.Save(); err != nil {
			r.AccessKey = old
			return err
		}
		return nil
	})
}

// forgetAccess forgets a key's password on this computer and in the
// running app: its codes stay hidden until the password is typed again.
func (m *mainView) forgetAccess(sec *keySection) {
	m.rememberAccess(sec.key, nil)
	m.broker.Forget(sec.key.ID())
	if sec.key.Protected {
		sec.err, sec.creds, sec.asked = hardware.ErrPasswordNeeded, nil, true
		m.refilter()
	}
	m.toast(i18n.Tf("Forgot the password of %s: Twofold asks for it again to show its codes.", sec.key.Name()))
}

// withVault runs change on the vault, creating it first if there is
// none, and shows its error.
func (m *mainView) withVault(change func(*accounts.Vault) error) {
	if m.g.vault == nil {
		m.g.createVault(func() { m.withVault(change) })
		return
	}
	if err := change(m.g.vault); err != nil {
		m.showError(err)
	}
}

// keyMenu shows a key's state and what can be done with it: name it,
// unlock it, set or remove its password, reset it.
func (m *mainView) keyMenu(sec *keySection) {
	g := m.g
	k := sec.key
	var d *dialog.CustomDialog
	info := widget.NewForm(
		widget.NewFormItem(i18n.T("Key"), widget.NewLabel(sec.title())),
		widget.NewFormItem(i18n.T("Firmware"), widget.NewLabel(nonEmpty(k.Version, "unknown"))),
		widget.NewFormItem(i18n.T("Reader"), newWrapLabel(k.Reader)),
		widget.NewFormItem(i18n.T("Accounts"), newWrapLabel(sec.status())),
	)
	button := func(label string, icon fyne.Resource, f func()) *widget.Button {
		return widget.NewButtonWithIcon(label, icon, func() { d.Hide(); f() })
	}
	var actions []fyne.CanvasObject
	if errors.Is(sec.err, hardware.ErrPasswordNeeded) {
		actions = append(actions, button(i18n.T("Enter its password…"), theme.LoginIcon(), func() { m.unlockKey(sec) }))
	}
	actions = append(actions, button(i18n.T("Name this key…"), theme.DocumentCreateIcon(), func() { m.nameKey(sec) }))
	if sec.err == nil {
		label := i18n.T("Set a password…")
		if k.Protected {
			label = i18n.T("Change the password…")
		}
		actions = append(actions, button(label, theme.AccountIcon(), func() { m.setKeyPassword(sec) }))
		if k.Protected {
			actions = append(actions, button(i18n.T("Remove the password…"), theme.ContentClearIcon(), func() { m.clearKeyPassword(sec) }))
		}
	}
	if m.remembered(k) {
		actions = append(actions, button(i18n.T("Forget the remembered password"), theme.VisibilityOffIcon(), func() { m.forgetAccess(sec) }))
	}
	reset := button(i18n.T("Reset the accounts on this key…"), theme.DeleteIcon(), func() { m.resetKey(sec) })
	reset.Importance = widget.DangerImportance
	actions = append(actions, reset)
	closeBtn := widget.NewButton(i18n.T("Close"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(sec.title(), container.NewBorder(nil, closeBtn, nil, nil,
		container.NewVScroll(container.NewVBox(info, widget.NewSeparator(), container.NewVBox(actions...)))), g.win)
	d.Resize(g.fit(440, 480))
	d.Show()
}

// nameKey lets the user call a key something they recognise.
func (m *mainView) nameKey(sec *keySection) {
	name := m.g.newEntry()
	name.SetPlaceHolder(i18n.T("e.g. keychain, spare in the drawer"))
	if v := m.g.vault; v != nil {
		if r := v.Known(sec.key.ID()); r != nil {
			name.SetText(r.Name)
		}
	}
	dialog.ShowForm(i18n.Tf("Name %s", sec.key.Name()), i18n.T("Save"), i18n.T("Cancel"), []*widget.FormItem{widget.NewFormItem(i18n.T("Name"), name)}, func(ok bool) {
		if !ok {
			return
		}
		m.withVault(func(v *accounts.Vault) error {
			r := v.Remember(sec.key.ID())
			old := r.Name
			r.Name = strings.TrimSpace(name.Text)
			if err := v.Save(); err != nil {
				r.Name = old
				return err
			}
			sec.label = keyLabel(sec.key, v)
			m.list.refreshKey(sec)
			return nil
		})
	}, m.g.win)
}

// setKeyPassword sets or changes the password of a key's OATH application.
func (m *mainView) setKeyPassword(sec *keySection) {
	pw, again := m.g.newPasswordEntry(), m.g.newPasswordEntry()
	pw.Validator = func(s string) error {
		if s == "" {
			return i18n.Error("type a password")
		}
		return nil
	}
	again.Validator = func(s string) error {
		if s != pw.Text {
			return i18n.Error("the two passwords differ")
		}
		return nil
	}
	remember := widget.NewCheck(i18n.T("Remember on this computer"), nil)
	remember.SetChecked(true)
	d := dialog.NewForm(i18n.Tf("Password for %s", sec.key.Name()), i18n.T("Set"), i18n.T("Cancel"), []*widget.FormItem{
		widget.NewFormItem("", newWrapLabel(i18n.T("Anyone with the key will need this password to see its codes, in every app."))),
		widget.NewFormItem(i18n.T("Password"), pw), widget.NewFormItem(i18n.T("Repeat"), again), widget.NewFormItem("", remember),
	}, func(ok bool) {
		if !ok {
			return
		}
		m.keyOp(sec, i18n.Tf("Set the password of %s.", sec.key.Name()), func(s *hardware.Session) error {
			return s.SetPassword(pw.Text)
		}, func() {
			sec.key.Protected = true
			// The broker learns the new access key by unlocking with it.
			go func() {
				access, err := m.broker.Unlock(sec.key, pw.Text)
				do(func() {
					if err == nil && remember.Checked {
						m.rememberAccess(sec.key, access)
					}
					m.readKey(sec)
				})
			}()
		})
	}, m.g.win)
	d.Resize(m.g.fit(440, 320))
	d.Show()
}

func (m *mainView) clearKeyPassword(sec *keySection) {
	dialog.ShowConfirm(i18n.Tf("Remove the password of %s?", sec.key.Name()),
		i18n.T("Anyone who has the key will then see its codes."), func(ok bool) {
			if !ok {
				return
			}
			m.keyOp(sec, i18n.Tf("Removed the password of %s.", sec.key.Name()), func(s *hardware.Session) error {
				return s.ClearPassword()
			}, func() {
				sec.key.Protected = false
				m.broker.Forget(sec.key.ID())
				if m.remembered(sec.key) {
					m.rememberAccess(sec.key, nil)
				}
			})
		}, m.g.win)
}

// resetKey erases every account on the key, after a confirmation that
// says what is lost.
func (m *mainView) resetKey(sec *keySection) {
	msg := i18n.Nf("This erases all %d accounts on %s and its password. Their secrets cannot be read back: you will need another way to sign in to each site. Twofold's vault is not touched.",
		len(sec.creds), len(sec.creds), sec.title())
	d := dialog.NewConfirm(i18n.Tf("Reset the accounts on %s?", sec.key.Name()), msg, func(ok bool) {
		if !ok {
			return
		}
		var device string // a reset gives the key a new device id
		m.keyOp(sec, i18n.Tf("Reset %s.", sec.key.Name()), func(s *hardware.Session) error {
			err := s.Reset()
			device = s.Device
			return err
		}, func() {
			m.broker.Forget(sec.key.ID())
			m.forgetKeyRecords(sec.key.ID(), nil)
			sec.key.Protected, sec.key.Device = false, device
		})
	}, m.g.win)
	d.SetConfirmText(i18n.T("Reset"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// keyOp runs op on a key off the UI thread; then, on the UI thread,
// done and a re-read of the key, or the error.
func (m *mainView) keyOp(sec *keySection, success string, op func(*hardware.Session) error, done func()) {
	broker := m.broker
	m.g.touch()
	go func() {
		err := broker.Do(sec.key, op)
		do(func() {
			if err != nil {
				m.keyFailed(sec, err)
				return
			}
			if done != nil {
				done()
			}
			m.readKey(sec)
			m.toast(success)
		})
	}()
}

// forgetKeyRecords drops the vault's records of the named accounts on
// key id (all of them for names == nil).
func (m *mainView) forgetKeyRecords(id accounts.KeyID, names []string) {
	v := m.g.vault
	if v == nil {
		return
	}
	before := slices.Clone(v.KeyAccounts)
	v.KeyAccounts = slices.DeleteFunc(v.KeyAccounts, func(r *accounts.KeyAccount) bool {
		return r.KeyID == id && (names == nil || slices.Contains(names, r.Credential))
	})
	if len(v.KeyAccounts) != len(before) {
		if err := v.Save(); err != nil {
			v.KeyAccounts = before
			m.showError(err)
		}
	}
}

// keyDetails edits an account on a key: its name (on the key, where the
// firmware can rename), and the tags, note and pin the vault keeps; it
// deletes it from the key after asking.
func (m *mainView) keyDetails(kc *keyCred) {
	g := m.g
	sec, c := kc.sec, kc.cred
	issuer, name, tags, note := m.g.newEntry(), m.g.newEntry(), m.g.newEntry(), m.g.newMultiLineEntry()
	issuer.SetText(c.Issuer)
	name.SetText(c.Account)
	tags.SetText(strings.Join(kc.view.Tags, ", "))
	tags.SetPlaceHolder(i18n.T("work, personal"))
	note.SetText(kc.view.Note)
	pinned := widget.NewCheck(i18n.T("Pin to the top"), nil)
	pinned.SetChecked(kc.view.Pinned)
	where := i18n.Tf("On %s: %s", sec.title(), describeKind(kc.view))
	if c.Touch {
		where += i18n.T(", needs a touch")
	}

	var d *dialog.CustomDialog
	deleteBtn := widget.NewButtonWithIcon(i18n.T("Delete from the key…"), theme.DeleteIcon(), func() {
		dialog.ShowConfirm(i18n.Tf("Delete %s from %s?", kc.view.Label(), sec.key.Name()),
			i18n.Tf("Its secret cannot be read back from the key, so it is gone for good unless another key or a backup has it. Make sure you can still sign in to %s another way.", nonEmpty(c.Issuer, i18n.T("this site"))),
			func(ok bool) {
				if !ok {
					return
				}
				d.Hide()
				m.keyOp(sec, i18n.Tf("Deleted %s from %s.", kc.view.Label(), sec.key.Name()), func(s *hardware.Session) error {
					return s.Delete(c.Name)
				}, func() { m.forgetKeyRecords(sec.key.ID(), []string{c.Name}) })
			}, g.win)
	})
	deleteBtn.Importance = widget.DangerImportance
	save := widget.NewButtonWithIcon(i18n.T("Save"), theme.DocumentSaveIcon(), func() {
		d.Hide()
		newName := ykoath.CredentialName(strings.TrimSpace(issuer.Text), strings.TrimSpace(name.Text), c.Kind != accounts.HOTP, c.Period)
		meta := func(credential string) {
			m.withVault(func(v *accounts.Vault) error {
				r := v.KeepOnKey(sec.key.ID(), credential)
				old := *r
				r.Tags, r.Note, r.Pinned, r.Updated = splitTags(tags.Text), note.Text, pinned.Checked, time.Now().UTC()
				if err := v.Save(); err != nil {
					*r = old
					return err
				}
				kc.view = m.keyView(sec, kc)
				m.refilter()
				return nil
			})
		}
		if newName == c.Name {
			meta(c.Name)
			m.toast(i18n.Tf("Saved %s.", kc.view.Label()))
			return
		}
		m.keyOp(sec, i18n.Tf("Renamed to %s on %s.", newName, sec.key.Name()), func(s *hardware.Session) error {
			return s.Rename(c.Name, newName)
		}, func() {
			if v := g.vault; v != nil {
				v.RenameOnKey(sec.key.ID(), c.Name, newName)
			}
			kc.cred.Name = newName
			meta(newName)
		})
	})
	save.Importance = widget.HighImportance
	closeBtn := widget.NewButton(i18n.T("Close"), func() { d.Hide() })
	form := widget.NewForm(
		widget.NewFormItem(i18n.T("Issuer"), issuer), widget.NewFormItem(i18n.T("Account"), name),
		widget.NewFormItem(i18n.T("Tags"), tags), widget.NewFormItem(i18n.T("Note"), note),
		widget.NewFormItem("", pinned), widget.NewFormItem(i18n.T("Codes"), newWrapLabel(where)),
		widget.NewFormItem(i18n.T("Secret"), newWrapLabel(i18n.T("Kept on the key; it cannot be read back."))),
	)
	d = dialog.NewCustomWithoutButtons(kc.view.Label(), container.NewBorder(nil,
		container.NewGridWithColumns(3, deleteBtn, closeBtn, save), nil, nil, container.NewVScroll(form)), g.win)
	d.Resize(g.fit(460, 520))
	d.Show()
}

// moveOnKey shifts an account on a key up or down in the user's order,
// which the vault keeps.
func (m *mainView) moveOnKey(kc *keyCred, delta int) {
	sec := kc.sec
	var all, shown []*accounts.Account
	byView := map[*accounts.Account]*keyCred{}
	for _, x := range m.ordered(sec) {
		all = append(all, x.view)
		byView[x.view] = x
	}
	for _, it := range m.list.items {
		if it.on != nil && it.on.sec == sec {
			shown = append(shown, it.acct)
		}
	}
	if !accounts.Move(all, shown, kc.view, delta) {
		return
	}
	m.withVault(func(v *accounts.Vault) error {
		before := slices.Clone(v.KeyAccounts)
		// This key's records, all of them, in the new order at the end.
		var mine []*accounts.KeyAccount
		for _, view := range all {
			mine = append(mine, v.KeepOnKey(sec.key.ID(), byView[view].cred.Name))
		}
		v.KeyAccounts = slices.DeleteFunc(v.KeyAccounts, func(r *accounts.KeyAccount) bool { return r.KeyID == sec.key.ID() })
		v.KeyAccounts = append(v.KeyAccounts, mine...)
		if err := v.Save(); err != nil {
			v.KeyAccounts = before
			return err
		}
		m.refilter()
		m.list.highlight(kc.view)
		return nil
	})
}

// chooseWhere asks, when a key is plugged in, where new accounts go: the
// vault, one key, or a key and a spare. On a key the secret never leaves
// it, so the vault keeps no copy unless it is ticked too.
func (g *gui) chooseWhere(f *found) {
	m := g.main
	var secs []*keySection
	for _, sec := range m.keys {
		if sec.loaded && sec.err == nil {
			secs = append(secs, sec)
		}
	}
	vaultOpt := i18n.T("This vault (encrypted on this computer)")
	opts := []string{vaultOpt}
	for _, sec := range secs {
		opts = append(opts, sec.title()+": "+sec.status())
	}
	where := widget.NewCheckGroup(opts, nil)
	where.SetSelected([]string{vaultOpt})
	touch := widget.NewCheck(i18n.T("Require a touch of the key for each code"), nil)
	hint := newWrapLabel(i18n.T("A secret stored only on a key cannot be read back. Tick a second key as a spare, or keep the vault copy too."))
	var d *dialog.CustomDialog
	addBtn := widget.NewButtonWithIcon(i18n.T("Add"), theme.ConfirmIcon(), func() {
		d.Hide()
		var chosen []*keySection
		for i, sec := range secs {
			if slices.Contains(where.Selected, opts[i+1]) {
				chosen = append(chosen, sec)
			}
		}
		toVault := slices.Contains(where.Selected, vaultOpt)
		inVault := func() {
			if toVault {
				f.placed = true
				g.add(f)
			}
		}
		if len(chosen) == 0 {
			inVault()
			return
		}
		m.putOnKeys(f.accounts, chosen, touch.Checked, inVault)
	})
	addBtn.Importance = widget.HighImportance
	where.OnChanged = func(sel []string) {
		if len(sel) == 0 {
			addBtn.Disable()
		} else {
			addBtn.Enable()
		}
	}
	cancel := widget.NewButtonWithIcon(i18n.T("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	n := len(f.accounts)
	title := i18n.Nf("Where should the %d accounts go?", n, n)
	d = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil,
		container.NewGridWithColumns(2, cancel, addBtn), nil, nil,
		container.NewVBox(where, touch, hint)), g.win)
	d.Resize(g.fit(460, 300))
	d.Show()
}

// putOnKeys writes accounts to keys: it checks every key has room first
// and writes to none if one has not. An account of a name a key already
// holds is replaced only if the user says so (its old secret is lost).
// An account a key cannot hold (Steam, a name too long) is named; the
// others are written. then runs once the user has read the result.
func (m *mainView) putOnKeys(accts []*accounts.Account, secs []*keySection, touch bool, then func()) {
	broker := m.broker
	m.g.touch()
	go func() {
		held := map[*keySection][]string{}
		var lines []string
		for _, sec := range secs {
			err := broker.Do(sec.key, func(s *hardware.Session) error {
				_, names, err := s.CheckRoom(accts)
				if err == nil && len(names) > 0 {
					held[sec] = names
					lines = append(lines, i18n.Tf("%s already holds %s.", sec.title(), strings.Join(names, ", ")))
				}
				return err
			})
			if err != nil {
				do(func() {
					m.putResult(i18n.T("Nothing was stored on a key"), []string{sentence(err) + " " + i18n.T("Nothing was written.")}, then)
				})
				return
			}
		}
		if len(held) == 0 {
			m.writeKeys(broker, accts, secs, touch, nil, then)
			return
		}
		// A YubiKey would overwrite an account of the same name without
		// a word, and its old secret would be lost: ask first.
		do(func() {
			msg := strings.Join(lines, "\n") + "\n" + i18n.T("Replace? The old secret cannot be read back: codes made from it stop working, so replace only an account the site has set up again.")
			d := dialog.NewConfirm(i18n.T("Replace accounts on the key?"), msg, func(ok bool) {
				if !ok {
					m.putResult(i18n.T("Nothing was stored on a key"), []string{i18n.T("Nothing was written: the key keeps its accounts.")}, then)
					return
				}
				go m.writeKeys(broker, accts, secs, touch, held, then)
			}, m.g.win)
			d.SetConfirmText(i18n.T("Replace"))
			d.SetConfirmImportance(widget.DangerImportance)
			d.Show()
		})
	}()
}

// writeKeys is putOnKeys' writing, off the UI thread: replace names the
// accounts each key holds that the user chose to replace. A key that
// fails after another was written is named, with what each key holds.
func (m *mainView) writeKeys(broker *hardware.Broker, accts []*accounts.Account, secs []*keySection, touch bool, replace map[*keySection][]string, then func()) {
	type result struct {
		sec      *keySection
		added    []string // credential names
		left     int
		problems []string
	}
	var results []result
	var fail error
	for _, sec := range secs {
		r := result{sec: sec}
		err := broker.Do(sec.key, func(s *hardware.Session) error {
			for _, a := range accts {
				put := s.Put
				if slices.Contains(replace[sec], hardware.StoredName(a)) {
					put = s.Replace
				}
				c, err := put(a, touch)
				if errors.Is(err, hardware.ErrRemoved) || errors.Is(err, hardware.ErrFull) {
					return err
				}
				if err != nil {
					r.problems = append(r.problems, a.Label()+": "+sentence(err))
					continue
				}
				r.added = append(r.added, c.Name)
			}
			r.left, _, _ = s.CheckRoom(nil)
			return nil
		})
		results = append(results, r)
		if err != nil {
			fail = fmt.Errorf("%s: %w", sec.key.Name(), err)
			break
		}
	}
	do(func() {
		var lines []string
		for _, r := range results {
			m.keepRecords(r.sec.key.ID(), accts, r.added)
			m.readKey(r.sec)
			lines = append(lines, i18n.Tf("Added %s to %s.", i18n.Nf("%d accounts", len(r.added), len(r.added)), r.sec.title()))
			lines = append(lines, r.problems...)
			if r.left >= 0 && r.left <= hardware.FewLeft { // -1: the key does not say
				lines = append(lines, i18n.Tf("%s has room for %d more.", r.sec.key.Name(), r.left))
			}
		}
		if fail != nil {
			lines = append(lines, sentence(fail))
			if len(results) < len(secs) {
				lines = append(lines, i18n.Tf("Nothing was written to %s.", secs[len(results)].title()))
			}
		}
		if len(secs) == 1 && fail == nil {
			lines = append(lines, i18n.T("The secret cannot be read back from the key: keep a spare key or a backup of the QR code."))
		}
		title := i18n.T("Stored on the YubiKey")
		if fail != nil {
			title = i18n.T("Stored on some keys only")
		}
		m.putResult(title, lines, then)
	})
}

// putResult shows what putOnKeys did; then runs when it is closed.
func (m *mainView) putResult(title string, lines []string, then func()) {
	d := dialog.NewCustom(title, i18n.T("Done"), newWrapLabel(strings.Join(lines, "\n")), m.g.win)
	d.SetOnClosed(then)
	d.Resize(m.g.fit(440, 220))
	d.Show()
}

// keepRecords keeps, for accounts just written to a key, what the key
// cannot hold (tags, icon, note, pin), if they have any.
func (m *mainView) keepRecords(id accounts.KeyID, accts []*accounts.Account, added []string) {
	v := m.g.vault
	if v == nil {
		return
	}
	before := slices.Clone(v.KeyAccounts)
	changed := false
	for _, a := range accts {
		name := hardware.StoredName(a)
		if !slices.Contains(added, name) || (len(a.Tags) == 0 && a.Icon == nil && a.Note == "" && !a.Pinned) {
			continue
		}
		r := v.KeepOnKey(id, name)
		r.Tags, r.Icon, r.Note, r.Pinned = a.Tags, a.Icon, a.Note, a.Pinned
		changed = true
	}
	if changed {
		if err := v.Save(); err != nil {
			v.KeyAccounts = before
			m.showError(err)
		}
	}
}
