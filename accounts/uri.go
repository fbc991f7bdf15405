package accounts

import (
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// DecodeSecret reads a base32 secret as sites show it: any case, with or
// without padding, spaces or dashes between groups.
func DecodeSecret(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '-', '=':
			return -1
		}
		return r
	}, strings.ToUpper(s))
	if s == "" {
		return nil, fieldErr("secret", "it is empty")
	}
	b, err := b32.DecodeString(s)
	if err != nil {
		// The decoder's message quotes no input, but say it plainly.
		return nil, fieldErr("secret", "it is not valid base32 (letters A-Z and digits 2-7)")
	}
	if len(b) == 0 {
		return nil, fieldErr("secret", "it is empty")
	}
	return b, nil
}

// EncodeSecret writes a secret as unpadded upper-case base32.
func EncodeSecret(b []byte) string { return b32.EncodeToString(b) }

// codeDisplay is the JSON Ente Auth puts in its URIs; we keep what maps
// onto our account.
type codeDisplay struct {
	Pinned bool     `json:"pinned"`
	Tags   []string `json:"tags"`
	Note   string   `json:"note,omitempty"`
}

// ParseURI reads an otpauth:// URI (Google's Key URI Format). For a
// Google Authenticator transfer payload use ParseMigration.
func ParseURI(raw string) (*Account, error) {
	a, err := parseURI(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("otpauth URI: %w", err)
	}
	return a, nil
}

func parseURI(raw string) (*Account, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the input, and some of its causes quote parts
		// of it ("invalid port \"…\""), which may hold the secret: keep
		// only what quotes nothing but a 3-character escape.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		var esc url.EscapeError
		if errors.As(err, &esc) || !strings.Contains(err.Error(), `"`) {
			return nil, fieldErr("URI", "%v", err)
		}
		return nil, fieldErr("URI", "it is not a valid URI")
	}
	if !strings.EqualFold(u.Scheme, "otpauth") {
		if strings.EqualFold(u.Scheme, "otpauth-migration") {
			return nil, fieldErr("URI", "it is a Google Authenticator transfer code; read it with ParseMigration")
		}
		return nil, fieldErr("scheme", "%s is not otpauth", quoted(u.Scheme))
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fieldErr("parameters", "they are not valid URI query syntax")
	}
	a := &Account{Algorithm: SHA1, Digits: DefaultDigits, Period: DefaultPeriod}
	switch strings.ToLower(u.Host) {
	case "totp":
		a.Kind = TOTP
	case "hotp":
		a.Kind = HOTP
		a.Period = 0
	case "steam":
		a.Kind = Steam
	default:
		return nil, fieldErr("type", "%s is not totp, hotp or steam", quoted(u.Host))
	}
	if strings.EqualFold(q.Get("encoder"), "steam") {
		a.Kind = Steam
	}

	// The label: "Issuer:Name" or "Name", percent-encoded. A literal "+"
	// stays a "+" (it is common in e-mail addresses).
	labelIssuer, name, hasIssuer, err := splitLabel(strings.TrimPrefix(u.EscapedPath(), "/"))
	if err != nil {
		return nil, err
	}
	a.Name = strings.TrimSpace(name)
	a.Issuer = strings.TrimSpace(labelIssuer)
	if q.Has("issuer") {
		param := strings.TrimSpace(q.Get("issuer"))
		if hasIssuer && param != "" && !sameIssuer(param, a.Issuer) {
			a.Warning = fmt.Sprintf("the code named two issuers, %q and %q; %q was used", a.Issuer, param, param)
		}
		if param != "" {
			a.Issuer = param
		}
	}

	if !q.Has("secret") {
		return nil, fieldErr("secret", "it is missing")
	}
	if a.Secret, err = DecodeSecret(q.Get("secret")); err != nil {
		return nil, err
	}
	if v := q.Get("algorithm"); v != "" {
		switch strings.ToUpper(strings.ReplaceAll(v, "-", "")) {
		case "SHA1":
			a.Algorithm = SHA1
		case "SHA256":
			a.Algorithm = SHA256
		case "SHA512":
			a.Algorithm = SHA512
		default:
			return nil, fieldErr("algorithm", "%s is not SHA1, SHA256 or SHA512", quoted(v))
		}
	}
	if a.Digits, err = intParam(q, "digits", a.Digits); err != nil {
		return nil, err
	}
	if a.Kind == Steam {
		a.Digits = SteamDigits // Steam codes are always 5 characters, whatever the URI says
	}
	if a.Kind != HOTP {
		if a.Period, err = intParam(q, "period", a.Period); err != nil {
			return nil, err
		}
	}
	if a.Kind == HOTP && q.Has("counter") {
		c, err := strconv.ParseUint(strings.TrimSpace(q.Get("counter")), 10, 64)
		if err != nil {
			return nil, fieldErr("counter", "%s is not a whole number of 0 or more", quoted(q.Get("counter")))
		}
		a.Counter = c
	}
	if v := q.Get("codeDisplay"); v != "" {
		var cd codeDisplay
		if json.Unmarshal([]byte(v), &cd) == nil { // another app's extra: keep what we can, never fail on it
			a.Pinned, a.Tags, a.Note = cd.Pinned, cd.Tags, cd.Note
			if len(a.Tags) == 0 {
				a.Tags = nil
			}
		}
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	a.ID, a.Created, a.Updated = newID(), now, now
	return a, nil
}

// splitLabel splits an escaped label at its issuer separator: the first
// literal ":" or, failing that, the first "%3A". An issuer may thus hold
// an escaped colon.
func splitLabel(raw string) (issuer, name string, hasIssuer bool, err error) {
	i := strings.Index(raw, ":")
	sep := 1
	if i < 0 {
		i, sep = strings.Index(strings.ToUpper(raw), "%3A"), 3
	}
	if i < 0 {
		name, err = url.PathUnescape(raw)
	} else {
		hasIssuer = true
		if issuer, err = url.PathUnescape(raw[:i]); err == nil {
			name, err = url.PathUnescape(raw[i+sep:])
		}
	}
	if err != nil {
		return "", "", false, fieldErr("label", "it is not valid percent-encoding")
	}
	return issuer, name, hasIssuer, nil
}

// sameIssuer treats "Air+Canada" and "Air Canada" as one: label and
// parameter are decoded differently by different apps.
func sameIssuer(a, b string) bool {
	return strings.EqualFold(strings.ReplaceAll(a, "+", " "), strings.ReplaceAll(b, "+", " "))
}

func intParam(q url.Values, key string, def int) (int, error) {
	v := strings.TrimSpace(q.Get(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fieldErr(key, "%s is not a whole number", quoted(v))
	}
	return n, nil
}

// labelEscaper escapes a label part: path escaping, plus ":" (the
// issuer separator) and "+" (which some apps read as a space).
var labelEscaper = strings.NewReplacer(":", "%3A", "+", "%2B")

// URI writes the account as an otpauth:// URI that Google Authenticator
// and other apps read. Pinned and tags travel in Ente's codeDisplay.
func (a *Account) URI() string {
	var b strings.Builder
	b.WriteString("otpauth://")
	b.WriteString(string(a.Kind))
	b.WriteString("/")
	// An empty issuer still gets its separator when the name holds an
	// (escaped) colon, so a reader does not split the name there.
	if a.Issuer != "" || strings.Contains(a.Name, ":") {
		b.WriteString(labelEscaper.Replace(url.PathEscape(a.Issuer)))
		b.WriteString(":")
	}
	b.WriteString(labelEscaper.Replace(url.PathEscape(a.Name)))
	b.WriteString("?secret=")
	b.WriteString(EncodeSecret(a.Secret))
	if a.Issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(url.QueryEscape(a.Issuer))
	}
	fmt.Fprintf(&b, "&algorithm=%s&digits=%d", a.Algorithm, a.Digits)
	if a.Kind == HOTP {
		fmt.Fprintf(&b, "&counter=%d", a.Counter)
	} else {
		fmt.Fprintf(&b, "&period=%d", a.Period)
	}
	if a.Pinned || len(a.Tags) > 0 || a.Note != "" {
		cd, _ := json.Marshal(codeDisplay{Pinned: a.Pinned, Tags: a.Tags, Note: a.Note})
		b.WriteString("&codeDisplay=")
		b.WriteString(url.QueryEscape(string(cd)))
	}
	return b.String()
}

// quoted shows a value in an error when it is short and cannot hold a
// secret (a malformed link may put one anywhere); otherwise it only says
// there was a value.
func quoted(v string) string {
	if len(v) > 16 || strings.ContainsAny(v, "=&?") || strings.Contains(strings.ToLower(v), "secret") {
		return "the value given"
	}
	return strconv.Quote(v)
}
