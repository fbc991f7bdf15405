package scanner

import (
	"fmt"
	"net/url"
	"strings"

	"twofold/accounts"
	"twofold/internal/i18n"
)

// Found is what one QR payload means.
type Found struct {
	Accounts []*accounts.Account
	Batch    *accounts.MigrationBatch // set for a Google Authenticator transfer code
	Err      error                    // not an authenticator code, or a broken one
}

// Interpret turns a QR payload into accounts. A payload that is not an
// authenticator code gets an error saying what it holds instead. A
// transfer code with a broken entry returns the good accounts and the error.
func Interpret(payload string) Found {
	p := strings.TrimSpace(payload)
	lower := strings.ToLower(p)
	switch {
	case strings.HasPrefix(lower, "otpauth://"):
		a, err := accounts.ParseURI(p)
		if err != nil {
			return Found{Err: err}
		}
		return Found{Accounts: []*accounts.Account{a}}
	case strings.HasPrefix(lower, accounts.MigrationScheme+":"):
		b, err := accounts.ParseMigration(p)
		if b == nil {
			return Found{Err: err}
		}
		return Found{Accounts: b.Accounts, Batch: b, Err: err}
	}
	return Found{Err: fmt.Errorf("this QR code is not an authenticator code: it holds %s", describe(p))}
}

// describe says what a non-authenticator payload holds, briefly.
func describe(p string) string {
	lower := strings.ToLower(p)
	short := trim(p)
	switch {
	case strings.HasPrefix(lower, "otpauth") || strings.Contains(lower, "secret="):
		// A broken authenticator link: what it holds may be a secret.
		return "a malformed otpauth link (not shown: it may hold a secret)"
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		if u, err := url.Parse(p); err == nil && u.Host != "" {
			// The query and fragment may carry a token: show where it goes.
			u.RawQuery, u.Fragment, u.User = "", "", nil
			return "a web address: " + trim(u.String())
		}
	case strings.HasPrefix(lower, "wifi:"):
		return "Wi-Fi settings" // never show the Wi-Fi password
	case strings.HasPrefix(lower, "mailto:"):
		return "an e-mail address: " + short
	case strings.HasPrefix(lower, "tel:"):
		return "a phone number: " + short
	case strings.HasPrefix(lower, "begin:vcard"), strings.HasPrefix(lower, "mecard:"):
		return "a contact card"
	case strings.HasPrefix(lower, "geo:"):
		return "a map location: " + short
	case strings.HasPrefix(lower, "smsto:"), strings.HasPrefix(lower, "sms:"):
		return "a text message"
	case p == "":
		return "nothing (it is empty)"
	}
	return fmt.Sprintf("text: %q", short)
}

// trim shortens s to 80 characters.
func trim(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:77]) + "..."
	}
	return s
}

// Transfers tracks the parts of Google Authenticator transfers seen so
// far, to tell the user which are still missing.
type Transfers struct {
	parts map[int]map[int]bool // batch ID -> indexes seen
	sizes map[int]int
	order []int
}

// Add records a part.
func (t *Transfers) Add(b *accounts.MigrationBatch) {
	if t.parts == nil {
		t.parts, t.sizes = map[int]map[int]bool{}, map[int]int{}
	}
	if t.parts[b.ID] == nil {
		t.parts[b.ID] = map[int]bool{}
		t.order = append(t.order, b.ID)
	}
	t.parts[b.ID][b.Index] = true
	t.sizes[b.ID] = b.Size
}

// Status says, for each transfer seen, how many parts are scanned, e.g.
// "2 of 3 scanned (missing: 2)"; complete transfers say "all 3 scanned".
func (t *Transfers) Status() []string {
	var out []string
	for _, id := range t.order {
		size, seen := t.sizes[id], len(t.parts[id])
		if seen >= size {
			out = append(out, i18n.Tf("Google Authenticator transfer: all %d of %d scanned", size, size))
			continue
		}
		out = append(out, i18n.Tf("Google Authenticator transfer: %d of %d scanned (missing: %s)", seen, size, t.missing(id)))
	}
	return out
}

// missing names the parts of a transfer not seen yet, at most
// maxMissingNamed of them: "2, 5 and 93 more".
func (t *Transfers) missing(id int) string {
	var names []string
	left := t.sizes[id] - len(t.parts[id])
	for i := 0; i < t.sizes[id] && len(names) < maxMissingNamed; i++ {
		if !t.parts[id][i] {
			names = append(names, fmt.Sprint(i+1))
			left--
		}
	}
	if left > 0 {
		return i18n.Tf("%s and %d more", strings.Join(names, ", "), left)
	}
	return strings.Join(names, ", ")
}

// maxMissingNamed: how many missing parts Status names one by one.
const maxMissingNamed = 5

// Complete reports whether every transfer seen has all its parts.
func (t *Transfers) Complete() bool {
	for _, id := range t.order {
		if len(t.parts[id]) < t.sizes[id] {
			return false
		}
	}
	return true
}
