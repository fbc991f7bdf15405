package backup

import (
	"twofold/accounts"
	"twofold/internal/i18n"
)

// Item is one account of an import preview.
type Item struct {
	Account *accounts.Account
	// Duplicate: the same account (accounts.Account.SameAs) is already in
	// the vault, or earlier in the same file: Match. Skipped.
	Duplicate bool
	// Match is the account Account duplicates, or, when it is no
	// duplicate, one that has the same secret under another name or type
	// (worth a word: often the same account), or nil.
	Match *accounts.Account
}

// Preview marks which found accounts the vault already has.
func Preview(found, existing []*accounts.Account) []Item {
	seen := append([]*accounts.Account{}, existing...)
	items := make([]Item, 0, len(found))
	for _, a := range found {
		it := Item{Account: a}
		for _, b := range seen {
			if a.SameAs(b) {
				it.Duplicate, it.Match = true, b
				break
			}
			if it.Match == nil && a.SharesSecret(b) {
				it.Match = b
			}
		}
		items = append(items, it)
		seen = append(seen, a)
	}
	return items
}

// Note says what the preview found of it: "" for a new account.
func (it Item) Note() string {
	switch {
	case it.Duplicate && it.Match.Label() != it.Account.Label():
		return i18n.Tf("already in the vault as %s; skipped", it.Match.Label())
	case it.Duplicate:
		return i18n.T("already in the vault; skipped")
	case it.Match != nil:
		return i18n.Tf("new; it has the same secret as %s", it.Match.Label())
	}
	return ""
}

// New is the accounts of a preview that are not duplicates.
func New(items []Item) []*accounts.Account {
	var out []*accounts.Account
	for _, it := range items {
		if !it.Duplicate {
			out = append(out, it.Account)
		}
	}
	return out
}
