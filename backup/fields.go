package backup

import (
	"fmt"
	"strings"

	"twofold/accounts"
)

// newAccount fills an account from the fields most apps store, in their
// various spellings ("TOTP"/"totp", "SHA-1"/"SHA1"), with the usual
// defaults for what a format leaves out.
func newAccount(kind, issuer, name, secret, algo string, digits, period int, counter uint64) (*accounts.Account, error) {
	key, err := accounts.DecodeSecret(secret)
	if err != nil {
		return nil, err
	}
	a := &accounts.Account{
		Issuer: strings.TrimSpace(issuer), Name: strings.TrimSpace(name), Secret: key,
		Kind:      accounts.Kind(strings.ToLower(strings.TrimSpace(kind))),
		Algorithm: accounts.Algorithm(strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(algo)), "-", "")),
		Digits:    digits, Period: period, Counter: counter,
	}
	if a.Kind == "" {
		a.Kind = accounts.TOTP
	}
	if a.Algorithm == "" {
		a.Algorithm = accounts.SHA1
	}
	switch a.Kind {
	case accounts.Steam:
		a.Digits, a.Algorithm = accounts.SteamDigits, accounts.SHA1
	case accounts.TOTP, accounts.HOTP:
	default:
		return nil, fmt.Errorf("%s: the type %q is not TOTP, HOTP or Steam", label(issuer, name), kind)
	}
	if a.Digits == 0 {
		a.Digits = accounts.DefaultDigits
	}
	if a.Period == 0 && a.Kind != accounts.HOTP {
		a.Period = accounts.DefaultPeriod
	}
	return a, nil
}

func label(issuer, name string) string {
	return (&accounts.Account{Issuer: issuer, Name: name}).Label()
}
