package accounts

import (
	"strings"
	"testing"
)

func names(accts []*Account) string {
	var s []string
	for _, a := range accts {
		s = append(s, a.Name)
	}
	return strings.Join(s, " ")
}

func TestSort(t *testing.T) {
	mk := func() []*Account {
		return []*Account{
			{Issuer: "Zeta", Name: "a"},
			{Issuer: "alpha", Name: "c"},
			{Issuer: "Beta", Name: "b", Pinned: true},
			{Issuer: "Alpha", Name: "d"},
		}
	}
	for _, tc := range []struct {
		by   Order
		want string
	}{
		{ByIssuer, "b c d a"},
		{ByName, "b a c d"},
		{ByManual, "b a c d"},
	} {
		accts := mk()
		Sort(accts, tc.by)
		if got := names(accts); got != tc.want {
			t.Errorf("Sort(%s) = %q, want %q", tc.by, got, tc.want)
		}
	}
}

func TestMove(t *testing.T) {
	a, b, c, d, e := &Account{Name: "a", Pinned: true}, &Account{Name: "b"}, &Account{Name: "c"}, &Account{Name: "d"}, &Account{Name: "e"}
	for _, tc := range []struct {
		name  string
		shown []*Account
		acct  *Account
		delta int
		moved bool
		want  string
	}{
		{"down one", []*Account{a, b, c, d, e}, b, 1, true, "a c b d e"},
		{"up one", []*Account{a, b, c, d, e}, d, -1, true, "a b d c e"},
		{"past the pinned", []*Account{a, b, c, d, e}, b, -1, false, "a b c d e"},
		{"off the end", []*Account{a, b, c, d, e}, e, 1, false, "a b c d e"},
		// With a filter showing b and e, moving e up puts it just above b.
		{"filtered up", []*Account{b, e}, e, -1, true, "a e b c d"},
		{"filtered down", []*Account{b, e}, b, 1, true, "a c d e b"},
		{"not shown", []*Account{b, c}, d, -1, false, "a b c d e"},
	} {
		all := []*Account{a, b, c, d, e}
		if got := Move(all, tc.shown, tc.acct, tc.delta); got != tc.moved {
			t.Errorf("%s: Move = %v, want %v", tc.name, got, tc.moved)
		}
		if got := names(all); got != tc.want {
			t.Errorf("%s: order %q, want %q", tc.name, got, tc.want)
		}
	}
}
