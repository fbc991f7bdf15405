package ui

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/internal/i18n"
)

// keySection is a plugged-in key as the main list shows it: a header,
// then its accounts. Its codes come from the key, a period at a time.
type keySection struct {
	key    hardware.Key
	label  string     // "YubiKey 123 (keychain)": keyLabel
	creds  []*keyCred // in the key's order
	err    error      // why there are no codes (a password, the key pulled out)
	loaded bool       // the key has been read at least once
	busy   bool       // a read is under way
	readAt time.Time  // when the last read ended (wall clock)
	asked  bool       // the password prompt has been shown once by itself
}

// keyCred is one account on a key: what the key says, the view the list
// shows (with the vault's icon, tags, pin), and the last code.
type keyCred struct {
	sec     *keySection
	cred    hardware.Credential
	view    *accounts.Account
	code    string
	until   time.Time // the code is shown until then
	waiting bool      // for the user's touch
}

// codeAt is the code and its time left, or "" once it has run out.
func (kc *keyCred) codeAt(now time.Time) (string, time.Duration) {
	if kc.code == "" || !now.Before(kc.until) {
		return "", 0
	}
	return kc.code, kc.until.Sub(now)
}

// periodEnd is when the code of a period-second step at t runs out.
func periodEnd(t time.Time, period int) time.Time {
	p := int64(max(period, 1))
	return time.Unix((t.Unix()/p+1)*p, 0)
}

// hotpShown is how long an HOTP code from a key stays on screen.
const hotpShown = 30 * time.Second

func (s *keySection) title() string { return s.label }

func (s *keySection) status() string {
	switch {
	case errors.Is(s.err, hardware.ErrPasswordNeeded):
		return i18n.T("Locked: click to enter its password")
	case s.err != nil:
		return sentence(s.err)
	case !s.loaded:
		return i18n.T("Reading the key…")
	}
	n, c := len(s.creds), s.key.Capacity()
	msg := s.key.Used(n)
	switch left := c - n; {
	case c == 0: // the key does not say its capacity
	case left <= 0:
		msg += i18n.T(": full")
	case left <= hardware.FewLeft:
		msg += i18n.Tf(": room for %d more", left)
	}
	return msg
}

// watchKeys shows keys as they come and go until stopKeys. Without
// pcscd (or in a build without PC/SC) there is simply no key section.
func (m *mainView) watchKeys() {
	m.broker = hardware.NewBroker()
	if v := m.g.vault; v != nil {
		for _, k := range v.Keys {
			if k.AccessKey != nil {
				m.broker.Remember(k.KeyID, k.AccessKey)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.stopKeys = cancel
	// TWOFOLD_YUBIKEY limits Twofold to one key, as in the CLI.
	which := os.Getenv("TWOFOLD_YUBIKEY")
	go hardware.Watch(ctx, which, func(keys []hardware.Key) {
		do(func() {
			if ctx.Err() == nil {
				m.setKeys(keys)
			}
		})
	})
}

// setKeys makes one section per plugged-in key, keeping the sections
// (and codes) of keys that stay.
func (m *mainView) setKeys(keys []hardware.Key) {
	var secs []*keySection
	for _, k := range keys {
		i := slices.IndexFunc(m.keys, func(s *keySection) bool { return s.key.Reader == k.Reader && s.key.ID() == k.ID() })
		if i >= 0 {
			m.keys[i].key, m.keys[i].label = k, keyLabel(k, m.g.vault)
			secs = append(secs, m.keys[i])
			continue
		}
		sec := &keySection{key: k, label: keyLabel(k, m.g.vault)}
		secs = append(secs, sec)
		m.readKey(sec)
	}
	m.keys = secs
	m.refilter()
}

// readKey asks the key for its accounts and codes, off the UI thread.
func (m *mainView) readKey(sec *keySection) {
	if sec.busy {
		return
	}
	sec.busy = true
	broker, at := m.broker, m.g.now()
	go func() {
		codes, err := broker.Codes(sec.key, at)
		do(func() {
			sec.busy, sec.readAt = false, time.Now()
			m.gotCodes(sec, codes, at, err)
		})
	}()
}

// gotCodes shows what the key answered: its accounts with their codes,
// or why not (asking for the password the first time it is needed).
func (m *mainView) gotCodes(sec *keySection, codes []hardware.Code, at time.Time, err error) {
	if !slices.Contains(m.keys, sec) {
		return // pulled out meanwhile
	}
	sec.err = err
	if err != nil {
		sec.creds = nil
		m.refilter()
		if errors.Is(err, hardware.ErrPasswordNeeded) && !sec.asked {
			sec.asked = true
			m.unlockKey(sec)
		}
		return
	}
	sec.loaded = true
	old := map[string]*keyCred{}
	for _, kc := range sec.creds {
		old[kc.cred.Name] = kc
	}
	same := len(codes) == len(sec.creds)
	sec.creds = sec.creds[:0:0]
	for _, c := range codes {
		kc := old[c.Name]
		if kc == nil {
			kc = &keyCred{sec: sec}
			same = false
		}
		if kc.view == nil || kc.cred != c.Credential {
			// The list's rows hold the view: it changes only with the account.
			kc.cred, kc.view = c.Credential, nil
			kc.view = m.keyView(sec, kc)
			same = false
		}
		if c.Code != "" {
			kc.code, kc.until = c.Code, periodEnd(at, c.Period)
		}
		sec.creds = append(sec.creds, kc)
	}
	if same {
		m.list.refreshKey(sec)
		return
	}
	m.refilter()
}

// keyView is how the list shows an account on a key: the key's name
// for it, with the icon, tags, note and pin the vault keeps.
func (m *mainView) keyView(sec *keySection, kc *keyCred) *accounts.Account {
	c := kc.cred
	a := &accounts.Account{Issuer: c.Issuer, Name: c.Account, Kind: c.Kind, Algorithm: c.Algorithm, Period: c.Period}
	if m.g.vault != nil {
		if r := m.g.vault.OnKey(sec.key.ID(), c.Name); r != nil {
			a.Icon, a.Tags, a.Pinned, a.Note = r.Icon, r.Tags, r.Pinned, r.Note
		}
	}
	return a
}

// keyItems are the list rows of the plugged-in keys: each key's header,
// then its accounts matching the search, in the chosen order.
func (m *mainView) keyItems(query string) []listItem {
	var items []listItem
	for _, sec := range m.keys {
		items = append(items, listItem{head: sec})
		var shown []*accounts.Account
		byView := map[*accounts.Account]*keyCred{}
		for _, kc := range m.ordered(sec) {
			if kc.view.Matches(query) {
				shown = append(shown, kc.view)
				byView[kc.view] = kc
			}
		}
		accounts.Sort(shown, m.g.settings.order)
		for _, v := range shown {
			items = append(items, listItem{acct: v, on: byView[v]})
		}
	}
	return items
}

// ordered is a key's accounts in the user's own order: those the vault
// has records of in the records' order, then the rest in the key's.
func (m *mainView) ordered(sec *keySection) []*keyCred {
	creds := slices.Clone(sec.creds)
	if m.g.vault == nil {
		return creds
	}
	rank := map[string]int{}
	for i, r := range m.g.vault.KeyAccounts {
		if r.KeyID == sec.key.ID() {
			rank[r.Credential] = i + 1
		}
	}
	slices.SortStableFunc(creds, func(a, b *keyCred) int {
		ra, rb := rank[a.cred.Name], rank[b.cred.Name]
		switch {
		case ra == 0 && rb == 0:
			return 0
		case ra == 0:
			return 1
		case rb == 0:
			return -1
		}
		return ra - rb
	})
	return creds
}

// retryAfter is how soon a key that could not be read is tried again
// (another program may have held it).
const retryAfter = 5 * time.Second

// keyTick runs each second: a key whose codes ran out is read again, and
// one that failed (other than for its password) is tried again.
func (m *mainView) keyTick(now time.Time) {
	for _, sec := range m.keys {
		if sec.busy {
			continue
		}
		if sec.err != nil && !errors.Is(sec.err, hardware.ErrPasswordNeeded) && time.Since(sec.readAt) >= retryAfter {
			m.readKey(sec)
			continue
		}
		if sec.err != nil || !sec.loaded {
			continue
		}
		for _, kc := range sec.creds {
			if kc.code != "" && !now.Before(kc.until) && !kc.cred.Touch && kc.cred.Kind == accounts.TOTP {
				m.readKey(sec)
				break
			}
		}
	}
}

// copyFromKey copies the code of an account on a key, asking the key for
// it first if it needs a touch or is counter-based.
func (m *mainView) copyFromKey(kc *keyCred) {
	if code, _ := kc.codeAt(m.g.now()); code != "" {
		m.copyCode(kc.view.Label(), code)
		return
	}
	if kc.cred.Touch || kc.cred.Kind == accounts.HOTP {
		m.calculate(kc, func(code string) { m.copyCode(kc.view.Label(), code) })
	}
}

// calculate asks the key for one code; a touch account shows "Touch
// your YubiKey" until the key answers.
func (m *mainView) calculate(kc *keyCred, then func(code string)) {
	if kc.waiting {
		return
	}
	var prompt *dialog.CustomDialog
	if kc.cred.Touch {
		kc.waiting = true
		msg := newWrapLabel(i18n.Tf("Touch the gold contact on %s to show the code for %s.", kc.sec.key.Name(), kc.view.Label()))
		prompt = dialog.NewCustomWithoutButtons(i18n.T("Touch your YubiKey"), msg, m.g.win)
		prompt.Resize(m.g.fit(380, 160))
		prompt.Show()
		m.list.refreshKey(kc.sec)
	}
	m.g.touch()
	broker, at := m.broker, m.g.now()
	go func() {
		var code string
		err := broker.Do(kc.sec.key, func(s *hardware.Session) (err error) {
			code, err = s.Calculate(kc.cred, at)
			return err
		})
		do(func() {
			kc.waiting = false
			if prompt != nil {
				prompt.Hide()
			}
			if err != nil {
				m.keyFailed(kc.sec, err)
				return
			}
			kc.code, kc.until = code, periodEnd(at, kc.cred.Period)
			if kc.cred.Kind == accounts.HOTP {
				kc.until = at.Add(hotpShown)
			}
			m.list.refreshKey(kc.sec)
			then(code)
		})
	}()
}

// keyFailed tells the user why an operation on a key failed, asking for
// its password if that is why.
func (m *mainView) keyFailed(sec *keySection, err error) {
	m.list.refreshKey(sec)
	if errors.Is(err, hardware.ErrPasswordNeeded) {
		sec.err = err
		m.refilter()
		m.unlockKey(sec)
		return
	}
	m.showError(err)
}

// newWrapLabel is a label whose text wraps at the dialog's width.
func newWrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// keyLabel names a key for messages: "YubiKey 123 (keychain)".
func keyLabel(k hardware.Key, v *accounts.Vault) string {
	if v != nil {
		if r := v.Known(k.ID()); r != nil && strings.TrimSpace(r.Name) != "" {
			return k.Name() + " (" + r.Name + ")"
		}
	}
	return k.Name()
}

// keysReady reports whether a key is plugged in and readable, so new
// accounts can go on it.
func (m *mainView) keysReady() bool {
	return slices.ContainsFunc(m.keys, func(s *keySection) bool { return s.loaded && s.err == nil })
}
