package backup

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// What other apps require of the files Twofold writes for them, written
// from their importers' source and documentation. Export checks every
// file against these as well as reading it back with Twofold's own
// readers, which are lenient: a file Twofold reads but the other app
// refuses (a missing counter, an icon type it does not take) must never
// be left behind as if it were good.

var (
	uuidRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	})
	base32RE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[A-Z2-7]+$`)
	})
)

// validBase32 is a secret as Aegis's decoder (Guava's base32, padding
// optional) and the Key URI Format take it: the upper-case alphabet, no
// padding, a length that whole bytes give.
func validBase32(s string) bool {
	return base32RE().MatchString(s) && slices.Contains([]int{0, 2, 4, 5, 7}, len(s)%8)
}

// aegisConforms checks an Aegis content object (the plain "db", or the
// encrypted one decrypted) as Aegis's VaultEntry.fromJson,
// OtpInfo.fromJson, VaultEntryIcon.fromJson and VaultGroup.fromJson read
// it: every field they get without a default must be there, of its
// type, with a value they accept.
func aegisConforms(content []byte) error {
	var c struct {
		Version *int                         `json:"version"`
		Entries []map[string]json.RawMessage `json:"entries"`
		Groups  []map[string]json.RawMessage `json:"groups"`
	}
	if err := json.Unmarshal(content, &c); err != nil {
		return fmt.Errorf("the content is not what Aegis reads: %v", err)
	}
	if c.Version == nil || *c.Version != aegisContentVersion || c.Entries == nil {
		return fmt.Errorf("the content lacks its version %d or its entries", aegisContentVersion)
	}
	groups := map[string]bool{}
	for i, g := range c.Groups {
		var id, name string
		if !field(g, "uuid", &id) || !uuidRE().MatchString(id) || !field(g, "name", &name) {
			return fmt.Errorf("group %d lacks a UUID or a name", i+1)
		}
		groups[id] = true
	}
	for i, e := range c.Entries {
		if err := aegisEntryConforms(e, groups); err != nil {
			return fmt.Errorf("entry %d: %w, which Aegis refuses", i+1, err)
		}
	}
	return nil
}

func aegisEntryConforms(e map[string]json.RawMessage, groups map[string]bool) error {
	var typ, id, name, issuer, note string
	var fav bool
	switch {
	case !field(e, "type", &typ) || !slices.Contains([]string{"totp", "hotp", "steam"}, typ):
		return fmt.Errorf("its type is missing or unknown")
	case e["uuid"] != nil && (!field(e, "uuid", &id) || !uuidRE().MatchString(id)):
		return fmt.Errorf("its UUID is malformed")
	case !field(e, "name", &name) || !field(e, "issuer", &issuer):
		return fmt.Errorf("its name or issuer is missing")
	case e["note"] != nil && !field(e, "note", &note), e["favorite"] != nil && !field(e, "favorite", &fav):
		return fmt.Errorf("its note or favourite mark is of the wrong type")
	}
	var ids []string
	if e["groups"] != nil && (json.Unmarshal(e["groups"], &ids) != nil || slices.ContainsFunc(ids, func(id string) bool { return !groups[id] })) {
		return fmt.Errorf("it names a group the vault does not list")
	}
	// The icon: "icon" must be there (null for none); a present icon is
	// base64 of a type Aegis takes, its hash hex.
	raw, ok := e["icon"]
	if !ok {
		return fmt.Errorf("it has no \"icon\" field (null for none)")
	}
	if string(raw) != "null" {
		var icon, mime, hash string
		if !field(e, "icon", &icon) {
			return fmt.Errorf("its icon is not a string")
		}
		if _, err := base64.StdEncoding.DecodeString(icon); err != nil {
			return fmt.Errorf("its icon is not base64")
		}
		if e["icon_mime"] != nil && (!field(e, "icon_mime", &mime) || !slices.Contains(aegisIconTypes, mime)) {
			return fmt.Errorf("its icon's type %q is none of %s", mime, strings.Join(aegisIconTypes, ", "))
		}
		if e["icon_hash"] != nil {
			if !field(e, "icon_hash", &hash) {
				return fmt.Errorf("its icon hash is not a string")
			}
			if _, err := hex.DecodeString(hash); err != nil {
				return fmt.Errorf("its icon hash is not hex")
			}
		}
	}
	var info map[string]json.RawMessage
	if json.Unmarshal(e["info"], &info) != nil || info == nil {
		return fmt.Errorf("it has no \"info\"")
	}
	var secret, algo string
	var digits int
	switch {
	case !field(info, "secret", &secret) || !validBase32(secret):
		return fmt.Errorf("its secret is missing or not base32")
	case !field(info, "algo", &algo) || !slices.Contains([]string{"SHA1", "SHA256", "SHA512", "MD5"}, algo):
		return fmt.Errorf("its algorithm is missing or unknown")
	case !field(info, "digits", &digits) || digits < 1 || digits > 10:
		return fmt.Errorf("its digits are missing or out of range")
	}
	switch typ {
	case "hotp":
		var counter uint64
		if !field(info, "counter", &counter) {
			return fmt.Errorf("this HOTP entry has no \"counter\"")
		}
	default:
		var period int
		if !field(info, "period", &period) || period < 1 {
			return fmt.Errorf("this %s entry has no \"period\"", strings.ToUpper(typ))
		}
	}
	return nil
}

// field decodes obj[key] into v, strictly by type (a number is not a
// string); false if it is missing or null or of another type.
func field[T any](obj map[string]json.RawMessage, key string, v *T) bool {
	raw, ok := obj[key]
	return ok && string(raw) != "null" && json.Unmarshal(raw, v) == nil
}

// otpauthConforms checks one URI a line as Google's Key URI Format
// describes it and Aegis's and Ente's importers read it: otpauth://,
// type totp, hotp (with its required counter) or steam, a label, a
// base32 secret, an issuer parameter equal to the label's issuer, and
// parameters in range.
func otpauthConforms(data []byte) error {
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if err := uriConforms(line); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return nil
}

func uriConforms(line string) error {
	u, err := url.Parse(line)
	if err != nil || u.Scheme != "otpauth" {
		return fmt.Errorf("not an otpauth URI")
	}
	q := u.Query()
	label := strings.TrimPrefix(u.Path, "/")
	issuer, _, hasIssuer := strings.Cut(label, ":")
	switch {
	case !slices.Contains([]string{"totp", "hotp", "steam"}, u.Host):
		return fmt.Errorf("the type %q is not totp, hotp or steam", u.Host)
	case label == "":
		return fmt.Errorf("no label")
	case !validBase32(q.Get("secret")):
		return fmt.Errorf("the secret is missing or not unpadded base32")
	case hasIssuer && q.Has("issuer") && q.Get("issuer") != issuer:
		return fmt.Errorf("the issuer parameter differs from the label's")
	case q.Has("algorithm") && !slices.Contains([]string{"SHA1", "SHA256", "SHA512"}, q.Get("algorithm")):
		return fmt.Errorf("the algorithm %q is not SHA1, SHA256 or SHA512", q.Get("algorithm"))
	}
	for _, p := range []string{"digits", "period", "counter"} {
		if q.Has(p) {
			if _, err := strconv.ParseUint(q.Get(p), 10, 64); err != nil {
				return fmt.Errorf("the %s is not a number", p)
			}
		}
	}
	if u.Host == "hotp" && !q.Has("counter") {
		return fmt.Errorf("an HOTP URI without its required counter")
	}
	return nil
}
