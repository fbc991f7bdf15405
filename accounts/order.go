package accounts

import (
	"slices"
	"strings"
)

// Order is how lists sort accounts. Pinned accounts always come first.
type Order string

const (
	ByIssuer Order = "issuer" // issuer, then name
	ByName   Order = "name"   // name, then issuer
	ByManual Order = "manual" // the vault's own order, which Move changes
)

// Orders lists the choices, for settings and flags.
var Orders = []Order{ByIssuer, ByName, ByManual}

// Sort orders accts in place. It is stable, so ByManual keeps the order
// the accounts are given in (the vault's).
func Sort(accts []*Account, by Order) {
	slices.SortStableFunc(accts, func(a, b *Account) int { return compare(a, b, by) })
}

// Compare orders accounts as lists show them by default: pinned first,
// then by issuer and name, ignoring case.
func Compare(a, b *Account) int { return compare(a, b, ByIssuer) }

func compare(a, b *Account, by Order) int {
	if a.Pinned != b.Pinned {
		if a.Pinned {
			return -1
		}
		return 1
	}
	first, second := a.Issuer, b.Issuer
	then, thenB := a.Name, b.Name
	switch by {
	case ByManual:
		return 0
	case ByName:
		first, second, then, thenB = a.Name, b.Name, a.Issuer, b.Issuer
	}
	if c := foldCompare(first, second); c != 0 {
		return c
	}
	return foldCompare(then, thenB)
}

func foldCompare(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }

// Move shifts a by delta places (-1 up, +1 down) among shown, the
// accounts a list shows in manual order (a filtered view of all), and
// reorders all, the vault's accounts, to match. An account does not move
// past the pinned/unpinned boundary. It reports whether anything moved.
func Move(all, shown []*Account, a *Account, delta int) bool {
	i := slices.Index(shown, a)
	j := i + delta
	if i < 0 || delta == 0 || j < 0 || j >= len(shown) || shown[j].Pinned != a.Pinned {
		return false
	}
	target := shown[j]
	from := slices.Index(all, a)
	if from < 0 || slices.Index(all, target) < 0 {
		return false
	}
	rest := slices.Delete(slices.Clone(all), from, from+1)
	to := slices.Index(rest, target)
	if delta > 0 {
		to++
	}
	copy(all, slices.Insert(rest, to, a))
	return true
}
