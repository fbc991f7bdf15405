package backup

import "twofold/accounts"

// Item is one account of an import preview.
type Item struct {
	Account *accounts.Account
	// Duplicate: an account with the same secret and issuer is already in
	// the vault (or earlier in the same file). Skipped unless asked.
	Duplicate bool
}

// Preview marks which found accounts the vault already has.
func Preview(found, existing []*accounts.Account) []Item {
	seen := append([]*accounts.Account{}, existing...)
	items := make([]Item, 0, len(found))
	for _, a := range found {
		dup := false
		for _, b := range seen {
			if a.SameAs(b) {
				dup = true
				break
			}
		}
		items = append(items, Item{Account: a, Duplicate: dup})
		seen = append(seen, a)
	}
	return items
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
