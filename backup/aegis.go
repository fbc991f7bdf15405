package backup

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/scrypt"

	"twofold/accounts"
)

// The Aegis vault (Aegis's docs/vault.md): {"version": 1, "header":
// {"slots", "params"}, "db"}. db is the content object when plain, or
// base64 of its AES-256-GCM encryption under a master key, which each
// password slot holds encrypted under a scrypt-derived key. Content
// version 3 is current: entries with note, favorite, icon and group
// UUIDs, and a list of groups.

const (
	aegisVaultVersion   = 1
	aegisContentVersion = 3
	aegisPasswordSlot   = 1
)

// ScryptParams are the cost of an Aegis password slot. Aegis uses
// N=32768, r=8, p=1.
type ScryptParams struct{ N, R, P int }

var aegisScrypt = ScryptParams{N: 1 << 15, R: 8, P: 1}

// Bounds on what an Aegis file may ask for: scrypt's memory is 128·N·r
// bytes and its work N·r·p; both stay within 8 times Aegis's own
// (32 MiB), and at most two password slots are tried (Aegis writes one).
const (
	maxScryptNR           = 8 * (1 << 15) * 8 // 256 MiB of memory
	maxScryptWork         = 8 * (1 << 15) * 8
	maxAegisPasswordSlots = 2
)

// checkScrypt refuses parameters over the bounds with ErrTooCostly.
func checkScrypt(p ScryptParams) error {
	if int64(p.N)*int64(p.R) > maxScryptNR || int64(p.N)*int64(p.R)*int64(p.P) > maxScryptWork {
		return accounts.ErrTooCostly
	}
	return nil
}

type aegisFile struct {
	Version int             `json:"version"`
	Header  aegisHeader     `json:"header"`
	DB      json.RawMessage `json:"db"`
}

type aegisHeader struct {
	Slots  []aegisSlot  `json:"slots"`
	Params *aegisParams `json:"params"`
}

type aegisParams struct {
	Nonce string `json:"nonce"`
	Tag   string `json:"tag"`
}

type aegisSlot struct {
	Type      int         `json:"type"`
	UUID      string      `json:"uuid"`
	Key       string      `json:"key"`
	KeyParams aegisParams `json:"key_params"`
	N         int         `json:"n,omitempty"`
	R         int         `json:"r,omitempty"`
	P         int         `json:"p,omitempty"`
	Salt      string      `json:"salt,omitempty"`
	Repaired  bool        `json:"repaired,omitempty"`
}

type aegisContent struct {
	Version int          `json:"version"`
	Entries []aegisEntry `json:"entries"`
	Groups  []aegisGroup `json:"groups"`
}

type aegisGroup struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

type aegisEntry struct {
	Type     string    `json:"type"`
	UUID     string    `json:"uuid"`
	Name     string    `json:"name"`
	Issuer   string    `json:"issuer"`
	Note     string    `json:"note"`
	Favorite bool      `json:"favorite"`
	Icon     *string   `json:"icon"`
	IconMime *string   `json:"icon_mime"`
	IconHash *string   `json:"icon_hash"`
	Info     aegisInfo `json:"info"`
	Groups   []string  `json:"groups"`
	// Content versions 1 and 2 had one group, by name.
	Group string `json:"group,omitempty"`
}

// aegisInfo is an entry's OTP parameters. Aegis's importer requires
// "period" of TOTP and Steam entries and "counter" of HOTP entries (0
// included), so neither is omitted when zero: the writer sets exactly
// the one the type needs (see aegisEntryInfo).
type aegisInfo struct {
	Secret  string  `json:"secret"`
	Algo    string  `json:"algo"`
	Digits  int     `json:"digits"`
	Period  *int    `json:"period,omitempty"`
	Counter *uint64 `json:"counter,omitempty"`
}

// aegisContentOf is the content object of an Aegis vault: db itself, or
// db decrypted with password.
func aegisContentOf(data []byte, password []byte) ([]byte, error) {
	var f aegisFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if f.Version != aegisVaultVersion {
		return nil, fmt.Errorf("this Aegis vault is version %d; Twofold reads version %d", f.Version, aegisVaultVersion)
	}
	if len(f.Header.Slots) > 0 || f.Header.Params != nil {
		return aegisDecrypt(f, password)
	}
	return []byte(f.DB), nil
}

func importAegis(data []byte, password []byte) (*Result, error) {
	content, err := aegisContentOf(data, password)
	if err != nil {
		return nil, err
	}
	var c aegisContent
	if err := json.Unmarshal(content, &c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if c.Version < 1 || c.Version > aegisContentVersion {
		return nil, fmt.Errorf("this Aegis vault's content is version %d; Twofold reads 1 to %d", c.Version, aegisContentVersion)
	}
	groups := map[string]string{}
	for _, g := range c.Groups {
		groups[g.UUID] = g.Name
	}
	r := &Result{}
	for i, e := range c.Entries {
		var period int
		var counter uint64
		if e.Info.Period != nil {
			period = *e.Info.Period
		}
		if e.Info.Counter != nil {
			counter = *e.Info.Counter
		}
		a, err := newAccount(e.Type, e.Issuer, e.Name, e.Info.Secret, e.Info.Algo, e.Info.Digits, period, counter)
		if err == nil {
			a.Note, a.Pinned = e.Note, e.Favorite
			for _, id := range e.Groups {
				if name := groups[id]; name != "" {
					a.Tags = append(a.Tags, name)
				}
			}
			if e.Group != "" {
				a.Tags = append(a.Tags, e.Group)
			}
			if e.Icon != nil && *e.Icon != "" {
				// Aegis reads an icon without a type as JPEG.
				mime := "image/jpeg"
				if e.IconMime != nil {
					mime = *e.IconMime
				}
				icon, err := base64.StdEncoding.DecodeString(*e.Icon)
				switch {
				case err != nil:
					r.Problems = append(r.Problems, fmt.Sprintf("entry %d: its icon is not base64, so it was left out", i+1))
				case !slices.Contains(aegisIconTypes, mime):
					r.Problems = append(r.Problems, fmt.Sprintf("entry %d: its icon's type %q is none Aegis uses, so it was left out", i+1, mime))
				default:
					a.Icon, a.IconType = icon, mime
				}
			}
		}
		r.add(i+1, a, err)
	}
	return r, nil
}

// aegisDecrypt finds a password slot the password opens and decrypts db.
func aegisDecrypt(f aegisFile, password []byte) ([]byte, error) {
	var db string
	if err := json.Unmarshal(f.DB, &db); err != nil || f.Header.Params == nil {
		return nil, fmt.Errorf("%w: an encrypted Aegis vault without its encrypted content", ErrDamaged)
	}
	if len(password) == 0 {
		return nil, ErrPasswordNeeded
	}
	var master []byte
	tried := 0
	for _, s := range f.Header.Slots {
		if s.Type != aegisPasswordSlot {
			continue
		}
		if tried++; tried > maxAegisPasswordSlots {
			return nil, accounts.ErrTooCostly
		}
		salt, err1 := hex.DecodeString(s.Salt)
		if err1 != nil || s.N < 2 || s.N&(s.N-1) != 0 || s.R < 1 || s.P < 1 {
			return nil, fmt.Errorf("%w: a password slot with unusable parameters", ErrDamaged)
		}
		if err := checkScrypt(ScryptParams{N: s.N, R: s.R, P: s.P}); err != nil {
			return nil, err
		}
		kek, err := scrypt.Key(password, salt, s.N, s.R, s.P, 32)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
		}
		if m, err := openHexParams(kek, s.Key, s.KeyParams); err == nil {
			master = m
			break
		}
	}
	if tried == 0 {
		return nil, errors.New("this Aegis vault has no password slot (only biometric or raw keys, which stay on the phone)")
	}
	if master == nil {
		return nil, ErrWrongPassword
	}
	sealed, err := base64.StdEncoding.DecodeString(db)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	content, err := openParams(master, sealed, *f.Header.Params)
	if err != nil {
		return nil, fmt.Errorf("%w: the vault's content does not decrypt", ErrDamaged)
	}
	return content, nil
}

func openHexParams(key []byte, hexCT string, p aegisParams) ([]byte, error) {
	ct, err := hex.DecodeString(hexCT)
	if err != nil {
		return nil, err
	}
	return openParams(key, ct, p)
}

func openParams(key, ct []byte, p aegisParams) ([]byte, error) {
	nonce, err1 := hex.DecodeString(p.Nonce)
	tag, err2 := hex.DecodeString(p.Tag)
	if err1 != nil || err2 != nil || len(nonce) == 0 || len(tag) != 16 {
		return nil, errors.New("bad nonce or tag")
	}
	return gcmOpen(key, nonce, append(append([]byte{}, ct...), tag...))
}

// exportAegis writes an Aegis vault: encrypted with one password slot
// when opt.Password is set, else plain.
func exportAegis(accts []*accounts.Account, opt Options, notes *[]string) ([]byte, error) {
	c := aegisContent{Version: aegisContentVersion, Entries: []aegisEntry{}, Groups: []aegisGroup{}}
	groupIDs := map[string]string{}
	for _, a := range accts {
		e := aegisEntry{
			Type: string(a.Kind), Name: a.Name, Issuer: a.Issuer, Note: a.Note, Favorite: a.Pinned,
			Info:   aegisEntryInfo(a),
			Groups: []string{},
		}
		var err error
		if e.UUID, err = newUUID(); err != nil {
			return nil, err
		}
		if len(a.Icon) > 0 {
			mime := iconType(a)
			if !slices.Contains(aegisIconTypes, mime) {
				*notes = append(*notes, fmt.Sprintf("%s: its icon (%s) was left out: Aegis takes PNG, JPEG and SVG icons", a.Label(), orUnknown(mime)))
			} else {
				icon := base64.StdEncoding.EncodeToString(a.Icon)
				// Aegis's icon hash covers the type and the bytes.
				sum := sha256.Sum256(append([]byte(mime), a.Icon...))
				hash := hex.EncodeToString(sum[:])
				e.Icon, e.IconMime, e.IconHash = &icon, &mime, &hash
			}
		}
		for _, t := range a.Tags {
			id, ok := groupIDs[t]
			if !ok {
				if id, err = newUUID(); err != nil {
					return nil, err
				}
				groupIDs[t] = id
				c.Groups = append(c.Groups, aegisGroup{UUID: id, Name: t})
			}
			e.Groups = append(e.Groups, id)
		}
		c.Entries = append(c.Entries, e)
	}
	content, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	f := aegisFile{Version: aegisVaultVersion, DB: content}
	if len(opt.Password) > 0 {
		if err := aegisEncrypt(&f, content, opt); err != nil {
			return nil, err
		}
		clear(content)
	}
	return json.MarshalIndent(f, "", "    ")
}

// aegisKeeps is accts as an Aegis export keeps them: an icon of a type
// Aegis does not take is left out.
func aegisKeeps(accts []*accounts.Account) []*accounts.Account {
	out := make([]*accounts.Account, len(accts))
	for i, a := range accts {
		out[i] = a
		if len(a.Icon) > 0 && !slices.Contains(aegisIconTypes, iconType(a)) {
			c := *a
			c.Icon, c.IconType = nil, ""
			out[i] = &c
		}
	}
	return out
}

// aegisEntryInfo is a's OTP parameters with the one of period and counter
// its type needs.
func aegisEntryInfo(a *accounts.Account) aegisInfo {
	info := aegisInfo{Secret: accounts.EncodeSecret(a.Secret), Algo: string(a.Algorithm), Digits: a.Digits}
	if a.Kind == accounts.HOTP {
		counter := a.Counter
		info.Counter = &counter
	} else {
		period := a.Period
		info.Period = &period
	}
	return info
}

func aegisEncrypt(f *aegisFile, content []byte, opt Options) error {
	sp := opt.Scrypt
	if sp.N == 0 {
		sp = aegisScrypt
	}
	if err := checkScrypt(sp); err != nil {
		return err // never write what Twofold would refuse to read
	}
	master, err := randomBytes(32)
	if err != nil {
		return err
	}
	defer clear(master)
	salt, err := randomBytes(32)
	if err != nil {
		return err
	}
	kek, err := scrypt.Key(opt.Password, salt, sp.N, sp.R, sp.P, 32)
	if err != nil {
		return err
	}
	nonce, sealedKey, err := gcmSeal(kek, master)
	if err != nil {
		return err
	}
	id, err := newUUID()
	if err != nil {
		return err
	}
	key, tag := splitTag(sealedKey)
	f.Header.Slots = []aegisSlot{{
		Type: aegisPasswordSlot, UUID: id, Key: hex.EncodeToString(key),
		KeyParams: aegisParams{Nonce: hex.EncodeToString(nonce), Tag: hex.EncodeToString(tag)},
		N:         sp.N, R: sp.R, P: sp.P, Salt: hex.EncodeToString(salt), Repaired: true,
	}}
	nonce, sealed, err := gcmSeal(master, content)
	if err != nil {
		return err
	}
	ct, tag := splitTag(sealed)
	f.Header.Params = &aegisParams{Nonce: hex.EncodeToString(nonce), Tag: hex.EncodeToString(tag)}
	f.DB, err = json.Marshal(base64.StdEncoding.EncodeToString(ct))
	return err
}

func splitTag(sealed []byte) (ct, tag []byte) {
	return sealed[:len(sealed)-16], sealed[len(sealed)-16:]
}

// newUUID is a random (version 4) UUID, as Aegis gives entries and slots.
func newUUID() (string, error) {
	b, err := randomBytes(16)
	if err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return strings.Join([]string{h[:8], h[8:12], h[12:16], h[16:20], h[20:]}, "-"), nil
}
