package accounts

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Kind is how an account's codes are made.
type Kind string

const (
	TOTP  Kind = "totp"  // time-based, RFC 6238
	HOTP  Kind = "hotp"  // counter-based, RFC 4226
	Steam Kind = "steam" // Steam Guard: TOTP with 5 characters from Steam's alphabet
)

// Algorithm is the HMAC hash of an account.
type Algorithm string

const (
	SHA1   Algorithm = "SHA1"
	SHA256 Algorithm = "SHA256"
	SHA512 Algorithm = "SHA512"
)

// Defaults of Google's Key URI Format, and Steam's fixed shape.
const (
	DefaultDigits = 6
	DefaultPeriod = 30
	SteamDigits   = 5
	MinDigits     = 6
	MaxDigits     = 10
	// MaxPeriod bounds the period so that a typo (or a hostile URI) cannot
	// make a code that never changes; a day is far beyond any real service.
	MaxPeriod = 86400
)

// RecoveryCode is a single-use emergency code a site gave at setup.
type RecoveryCode struct {
	Code   string     `json:"code"`
	UsedAt *time.Time `json:"usedAt,omitempty"`
}

// Account is one two-factor account.
type Account struct {
	ID            string         `json:"id"`
	Issuer        string         `json:"issuer,omitempty"`
	Name          string         `json:"name"`
	Kind          Kind           `json:"type"`
	Algorithm     Algorithm      `json:"algorithm"`
	Digits        int            `json:"digits"`
	Period        int            `json:"period,omitempty"`
	Counter       uint64         `json:"counter,omitempty"`
	Secret        []byte         `json:"secret"`
	Icon          []byte         `json:"icon,omitempty"`
	IconType      string         `json:"iconType,omitempty"` // the icon's MIME type, as imported ("image/svg+xml"); "" if unknown
	Tags          []string       `json:"tags,omitempty"`
	Pinned        bool           `json:"pinned,omitempty"`
	Note          string         `json:"note,omitempty"`
	RecoveryCodes []RecoveryCode `json:"recoveryCodes,omitempty"`
	// Warning is shown beside the account, e.g. when its URI named two
	// different issuers and one had to be chosen.
	Warning string    `json:"warning,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Spent is every recovery code ever marked used, with when (Unix
	// milliseconds): a mark made on any computer survives a merge.
	Spent map[string]int64 `json:"spent,omitempty"`
	Changes
}

// FieldError says which field of an account or URI is wrong. It never
// holds the secret itself.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return fmt.Sprintf("bad %s: %s", e.Field, e.Reason) }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Validate checks that the account can make codes.
func (a *Account) Validate() error {
	if len(a.Secret) == 0 {
		return fieldErr("secret", "it is empty")
	}
	switch a.Algorithm {
	case SHA1, SHA256, SHA512:
	default:
		return fieldErr("algorithm", "%q is not SHA1, SHA256 or SHA512", a.Algorithm)
	}
	switch a.Kind {
	case TOTP, HOTP:
		if a.Digits < MinDigits || a.Digits > MaxDigits {
			return fieldErr("digits", "%d is not between %d and %d", a.Digits, MinDigits, MaxDigits)
		}
	case Steam:
		if a.Digits != SteamDigits {
			return fieldErr("digits", "a Steam account has %d characters, not %d", SteamDigits, a.Digits)
		}
	default:
		return fieldErr("type", "%q is not totp, hotp or steam", a.Kind)
	}
	if a.Kind != HOTP && (a.Period <= 0 || a.Period > MaxPeriod) {
		return fieldErr("period", "%d seconds is not between 1 and %d", a.Period, MaxPeriod)
	}
	return nil
}

// Label is "Issuer: Name", or whichever of the two is set.
func (a *Account) Label() string {
	switch {
	case a.Issuer == "":
		return a.Name
	case a.Name == "":
		return a.Issuer
	}
	return a.Issuer + ": " + a.Name
}

// Matches reports whether query (case-insensitive) is part of the issuer
// or the name. An empty query matches everything.
func (a *Account) Matches(query string) bool {
	q := strings.ToLower(query)
	return strings.Contains(strings.ToLower(a.Issuer), q) || strings.Contains(strings.ToLower(a.Name), q)
}

// SameAs reports whether b is the same account as a: the same secret,
// type, issuer and name (the last two in any case and spacing). The vault
// holds one of each; importers and the scanner skip the second. Two
// accounts sharing a secret under other names or types are kept apart:
// an HOTP and a TOTP account of one secret make different codes, and a
// site may give two users the same secret (see SharesSecret).
func (a *Account) SameAs(b *Account) bool {
	return a.SharesSecret(b) && a.Kind == b.Kind &&
		strings.EqualFold(strings.TrimSpace(a.Issuer), strings.TrimSpace(b.Issuer)) &&
		strings.EqualFold(strings.TrimSpace(a.Name), strings.TrimSpace(b.Name))
}

// SharesSecret reports whether a and b have the same secret: worth a
// word when adding, as it is often the same account under another name.
func (a *Account) SharesSecret(b *Account) bool {
	return string(a.Secret) == string(b.Secret)
}

// newID is 8 random bytes, hex: IDs made on different computers meet in
// a merge, where two accounts with one ID would become one.
func newID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}
