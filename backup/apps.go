package backup

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"twofold/accounts"
)

// Importers of other apps' exports. Each maps the app's own fields; a
// field an entry lacks takes the usual default (SHA1, 6 digits, 30 s).

// 2FAS (schema 4): {"services": [...], "schemaVersion": 4, ...}. An
// encrypted backup has "servicesEncrypted": "ct:salt:iv" (base64 each),
// AES-256-GCM under PBKDF2-HMAC-SHA256(password, salt, 10,000 rounds).
type twoFASService struct {
	Name   string `json:"name"`
	Secret string `json:"secret"`
	OTP    struct {
		Account   string `json:"account"`
		Label     string `json:"label"`
		Issuer    string `json:"issuer"`
		Digits    int    `json:"digits"`
		Period    int    `json:"period"`
		Counter   uint64 `json:"counter"`
		Algorithm string `json:"algorithm"`
		TokenType string `json:"tokenType"`
	} `json:"otp"`
}

// twoFASRounds is 2FAS's PBKDF2 count (a variable only so the fuzz tests can
// make encrypted inputs cheap).
var twoFASRounds = 10_000

func importTwoFAS(data []byte, password []byte) (*Result, error) {
	var f struct {
		Services          []twoFASService `json:"services"`
		ServicesEncrypted string          `json:"servicesEncrypted"`
		SchemaVersion     int             `json:"schemaVersion"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	services := f.Services
	if f.ServicesEncrypted != "" {
		parts := strings.Split(f.ServicesEncrypted, ":")
		if len(parts) < 3 {
			return nil, fmt.Errorf("%w: the encrypted services are not ciphertext:salt:iv", ErrDamaged)
		}
		ct, err1 := base64.StdEncoding.DecodeString(parts[0])
		salt, err2 := base64.StdEncoding.DecodeString(parts[1])
		iv, err3 := base64.StdEncoding.DecodeString(parts[2])
		if err := errors.Join(err1, err2, err3); err != nil || len(iv) == 0 {
			return nil, fmt.Errorf("%w: the encrypted services are not base64", ErrDamaged)
		}
		if len(password) == 0 {
			return nil, ErrPasswordNeeded
		}
		key, err := pbkdf2.Key(sha256.New, string(password), salt, twoFASRounds, 32)
		if err != nil {
			return nil, err
		}
		plain, err := gcmOpen(key, iv, ct)
		if err != nil {
			return nil, ErrWrongPassword
		}
		services = nil
		if err := json.Unmarshal(plain, &services); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
		}
	}
	r := &Result{}
	for i, s := range services {
		issuer := s.OTP.Issuer
		if issuer == "" {
			issuer = s.Name
		}
		name := s.OTP.Account
		if name == "" {
			name = s.OTP.Label
		}
		a, err := newAccount(s.OTP.TokenType, issuer, name, s.Secret, s.OTP.Algorithm, s.OTP.Digits, s.OTP.Period, s.OTP.Counter)
		r.add(i+1, a, err)
	}
	return r, nil
}

// andOTP: a JSON array of entries. The encrypted backup (andOTP 0.6.3
// on) is binary: iterations (uint32 BE) | salt (12) | nonce (12) |
// AES-256-GCM ciphertext and tag, keyed by PBKDF2-HMAC-SHA1. The older
// encrypted backup is nonce (12) | ciphertext and tag, keyed by SHA-256
// of the password (as Aegis's importer reads both); nothing in it tells
// it from random bytes, so it is read when the user names the format.
type andOTPEntry struct {
	Secret    string   `json:"secret"`
	Issuer    string   `json:"issuer"`
	Label     string   `json:"label"`
	Digits    int      `json:"digits"`
	Type      string   `json:"type"`
	Algorithm string   `json:"algorithm"`
	Period    int      `json:"period"`
	Counter   uint64   `json:"counter"`
	Tags      []string `json:"tags"`
}

const (
	andOTPHeader    = 4 + 12 + 12
	andOTPOldHeader = 12
)

// andOTPDecrypt opens an encrypted andOTP backup in the current layout or,
// failing that, the old one.
func andOTPDecrypt(data, password []byte) ([]byte, error) {
	if looksLikeAndOTPEncrypted(data) {
		iter := binary.BigEndian.Uint32(data)
		salt, nonce := data[4:16], data[16:28]
		key, err := pbkdf2.Key(sha1.New, string(password), salt, int(iter), 32)
		if err != nil {
			return nil, err
		}
		if plain, err := gcmOpen(key, nonce, data[andOTPHeader:]); err == nil {
			return plain, nil
		}
	}
	key := sha256.Sum256(password)
	plain, err := gcmOpen(key[:], data[:andOTPOldHeader], data[andOTPOldHeader:])
	if err != nil {
		return nil, ErrWrongPassword
	}
	return plain, nil
}

func importAndOTP(data []byte, password []byte) (*Result, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		if len(data) < andOTPOldHeader+16 {
			return nil, fmt.Errorf("%w: neither andOTP's JSON nor its encrypted layout", ErrDamaged)
		}
		if len(password) == 0 {
			return nil, ErrPasswordNeeded
		}
		plain, err := andOTPDecrypt(data, password)
		if err != nil {
			return nil, err
		}
		defer clear(plain)
		trimmed = plain
	}
	var entries []andOTPEntry
	if err := json.Unmarshal(trimmed, &entries); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	r := &Result{}
	for i, e := range entries {
		issuer, name := e.Issuer, e.Label
		// Old andOTP kept "Issuer - name" (the name sometimes as
		// "Issuer:name" again) or "Issuer: name" in the label alone.
		if issuer == "" {
			if before, after, ok := strings.Cut(name, " - "); ok {
				issuer, name = before, strings.TrimPrefix(after, before+":")
			} else if before, after, ok := strings.Cut(name, ":"); ok {
				issuer, name = before, after
			}
		}
		a, err := newAccount(e.Type, issuer, name, e.Secret, e.Algorithm, e.Digits, e.Period, e.Counter)
		if err == nil {
			a.Tags = e.Tags
		}
		r.add(i+1, a, err)
	}
	return r, nil
}

// Bitwarden keeps a login's TOTP as an otpauth URI, "steam://SECRET", or
// a bare base32 secret; the item's name and username say whose it is.
func bitwardenTOTP(totp, itemName, username string) (*accounts.Account, error) {
	totp = strings.TrimSpace(totp)
	lower := strings.ToLower(totp)
	switch {
	case strings.HasPrefix(lower, "otpauth://"):
		return accounts.ParseURI(totp)
	case strings.HasPrefix(lower, "steam://"):
		return newAccount("steam", itemName, username, totp[len("steam://"):], "", 0, 0, 0)
	}
	return newAccount("totp", itemName, username, totp, "", 0, 0, 0)
}

func importBitwarden(data []byte) (*Result, error) {
	var f struct {
		Encrypted bool `json:"encrypted"`
		Items     []struct {
			Name  string `json:"name"`
			Notes string `json:"notes"`
			Login *struct {
				Username string `json:"username"`
				TOTP     string `json:"totp"`
			} `json:"login"`
		} `json:"items"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if f.Encrypted {
		return nil, errors.New("this Bitwarden export is encrypted with the account's key: export it again as plain JSON or CSV")
	}
	r := &Result{}
	for i, it := range f.Items {
		if it.Login == nil || strings.TrimSpace(it.Login.TOTP) == "" {
			continue // a login without two-factor: nothing to import
		}
		a, err := bitwardenTOTP(it.Login.TOTP, it.Name, it.Login.Username)
		r.add(i+1, a, err)
	}
	return r, nil
}

func importBitwardenCSV(data []byte) (*Result, error) {
	rd := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	rd.FieldsPerRecord = -1
	head, err := rd.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	if _, ok := col["login_totp"]; !ok {
		return nil, fmt.Errorf("%w: no login_totp column", ErrDamaged)
	}
	r := &Result{}
	for row := 1; ; row++ {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("entry %d: %v", row, err))
			break // the CSV lost its frame; later rows cannot be trusted
		}
		if strings.TrimSpace(get(rec, "login_totp")) == "" {
			continue
		}
		a, err := bitwardenTOTP(get(rec, "login_totp"), get(rec, "name"), get(rec, "login_username"))
		r.add(row, a, err)
	}
	return r, nil
}

// FreeOTP+ exports {"tokens": [...], "tokenOrder": [...]}, each secret as
// an array of signed bytes (Java's byte[]).
func importFreeOTP(data []byte) (*Result, error) {
	var f struct {
		Tokens []struct {
			Algo      string `json:"algo"`
			Counter   uint64 `json:"counter"`
			Digits    int    `json:"digits"`
			IssuerExt string `json:"issuerExt"`
			IssuerInt string `json:"issuerInt"`
			Label     string `json:"label"`
			Period    int    `json:"period"`
			Secret    []int  `json:"secret"`
			Type      string `json:"type"`
		} `json:"tokens"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	r := &Result{}
	for i, t := range f.Tokens {
		secret := make([]byte, len(t.Secret))
		bad := false
		for j, v := range t.Secret {
			if v < -128 || v > 255 {
				bad = true
			}
			secret[j] = byte(v)
		}
		issuer := t.IssuerExt
		if issuer == "" {
			issuer = t.IssuerInt
		}
		var a *accounts.Account
		var err error
		if bad || len(secret) == 0 {
			err = errors.New("bad secret: not a list of bytes")
		} else {
			a, err = newAccount(t.Type, issuer, t.Label, accounts.EncodeSecret(secret), t.Algo, t.Digits, t.Period, t.Counter)
		}
		r.add(i+1, a, err)
	}
	return r, nil
}

// Proton Authenticator: {"version": 1, "entries": [{"content": {"uri"}, "note"}]}.
func importProton(data []byte) (*Result, error) {
	var f struct {
		Entries []struct {
			Content struct {
				URI       string `json:"uri"`
				EntryType string `json:"entry_type"`
				Name      string `json:"name"`
			} `json:"content"`
			Note *string `json:"note"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	r := &Result{}
	for i, e := range f.Entries {
		var a *accounts.Account
		var err error
		if u := e.Content.URI; strings.HasPrefix(strings.ToLower(u), "steam://") {
			a, err = newAccount("steam", "Steam", e.Content.Name, u[len("steam://"):], "", 0, 0, 0)
		} else {
			a, err = accounts.ParseURI(u)
		}
		if err == nil && e.Note != nil {
			a.Note = *e.Note
		}
		r.add(i+1, a, err)
	}
	return r, nil
}
