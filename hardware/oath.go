// Package hardware talks to YubiKeys over PC/SC: the OATH application
// (codes computed on the key; the secret never leaves it). Keys are
// found by what they answer: any card that selects the OATH application
// is offered, whatever its reader is called.
package hardware

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"twofold/accounts"
	"twofold/hardware/ykoath"
	"twofold/internal/i18n"
)

var (
	// ErrNoKey: no card in any reader answers as an OATH key.
	ErrNoKey = errors.New("no YubiKey is plugged in")
	// ErrNoService: the smart-card service is not running.
	ErrNoService = errors.New("the smart-card service (pcscd) is not running: on Linux, install and start pcscd")
	// ErrBusy: another program holds the key (ykman, another Twofold).
	ErrBusy = errors.New("the YubiKey is in use by another program (ykman, or another Twofold); try again when it is done")
	// ErrServiceLost: the smart-card service stopped during an operation.
	ErrServiceLost = errors.New("the smart-card service stopped during the operation; plug the key in again")
	// ErrRemoved: the key was pulled out during the operation.
	ErrRemoved = errors.New("the YubiKey was pulled out before the operation finished; plug it in and try again")
	// ErrPasswordNeeded: the OATH application is protected.
	ErrPasswordNeeded = errors.New("the YubiKey's OATH application has a password: give it")
	// ErrWrongPassword: the OATH password is wrong.
	ErrWrongPassword = errors.New("wrong YubiKey password")
	// ErrFull: the key holds as many accounts as it can.
	ErrFull = errors.New("the YubiKey is full")
	// ErrTouch: the credential needs a touch and none came.
	ErrTouch = errors.New("the YubiKey was not touched in time")
	// ErrNotFound: no credential of that name.
	ErrNotFound = errors.New("no such account on the YubiKey")
)

// transport sends one APDU and returns the response with its status
// word; pcsc.go implements it over PC/SC.
type transport interface {
	transmit(apdu []byte) ([]byte, error)
	close() error
}

// Key describes a plugged-in key.
type Key struct {
	Reader    string
	Serial    uint32 // 0 if the key does not say
	Device    string // the OATH device id (ykman's), from the salt: see accounts.KeyID
	Version   string // firmware, e.g. "5.4.3"
	Protected bool   // the OATH application has a password
	// Yubico: the key answered Yubico's management application with its
	// device information, so Yubico's documented limits apply to it.
	// Another make's key says nothing of its capacity.
	Yubico bool
}

// Used says how many places n accounts take: "3 of 32 places used", or
// "3 accounts" on a key that does not say how many it holds.
func (k Key) Used(n int) string {
	if c := k.Capacity(); c > 0 {
		return i18n.Nf("%d of %d places used", n, n, c)
	}
	return i18n.Nf("%d accounts", n, n)
}

// ID is how the vault names the key: its serial, or its OATH device id
// when it has none.
func (k Key) ID() accounts.KeyID {
	if k.Serial != 0 {
		return accounts.KeyID{Serial: k.Serial}
	}
	return accounts.KeyID{Device: k.Device}
}

// Matches says whether which names the key, as --reader and
// TWOFOLD_YUBIKEY do: "" (any key), its serial, its device id, or part
// of its reader's name.
func (k Key) Matches(which string) bool {
	return which == "" || which == strconv.FormatUint(uint64(k.Serial), 10) || which == k.Device || strings.Contains(k.Reader, which)
}

// deviceID is ykman's OATH device id for salt.
func deviceID(salt []byte) string {
	d := sha256.Sum256(salt)
	return base64.RawStdEncoding.EncodeToString(d[:16])
}

// Name is how the user tells keys apart: "YubiKey 12345678" or the reader.
func (k Key) Name() string {
	if k.Serial != 0 {
		return fmt.Sprintf("YubiKey %d", k.Serial)
	}
	return k.Reader
}

// Capacity is how many OATH accounts the key holds: on a YubiKey 32, or
// 64 from firmware 5.7; 0 (unknown) on another make's key, which says
// "full" itself when it is.
func (k Key) Capacity() int {
	if !k.Yubico {
		return 0
	}
	var ma, mi int
	fmt.Sscanf(k.Version, "%d.%d", &ma, &mi)
	if ma > 5 || (ma == 5 && mi >= 7) {
		return 64
	}
	return 32
}

// Credential is one account on a key.
type Credential struct {
	Name      string // as stored: "[period/][issuer:]account"
	Issuer    string
	Account   string
	Kind      accounts.Kind
	Algorithm accounts.Algorithm
	Period    int
	Touch     bool // known from CalculateAll
}

// Label is "Issuer: account".
func (c Credential) Label() string {
	return (&accounts.Account{Issuer: c.Issuer, Name: c.Account}).Label()
}

// Code is a credential with its current code; HOTP and touch
// credentials have none until calculated one by one.
type Code struct {
	Credential
	Code string
}

// Session is an open OATH application on one key.
type Session struct {
	Key
	t       transport
	salt    []byte
	chal    []byte // set while a password is needed
	version [3]byte
}

// Bounds on one answer a key gives in parts (61xx, then SEND REMAINING):
// a full key's CALCULATE ALL is a few KB in a few parts.
const (
	maxRounds   = 256
	maxResponse = 64 << 10
)

func (s *Session) send(ins, p1, p2 byte, data []byte) ([]byte, error) {
	apdu := []byte{0x00, ins, p1, p2}
	if len(data) > 0 {
		if len(data) > 255 {
			return nil, fmt.Errorf("a command of %d bytes is too long", len(data))
		}
		apdu = append(apdu, byte(len(data)))
		apdu = append(apdu, data...)
	}
	// Le 00: "up to 256 bytes". Without Le, ISO 7816-4 means no answer
	// data is wanted, and a key that reads it so answers only "61xx".
	apdu = append(apdu, 0x00)
	var out []byte
	for round := 0; ; round++ {
		if round > maxRounds || len(out) > maxResponse {
			return nil, fmt.Errorf("%s keeps answering \"more data\" (%d bytes in %d answers): it does not follow the OATH protocol", s.Key.Name(), len(out), round)
		}
		resp, err := s.t.transmit(apdu)
		if err != nil {
			return nil, err
		}
		if len(resp) == 0 {
			// A card always answers a status word; nothing means it left
			// mid-command (the reader driver gives up on it).
			return nil, ErrRemoved
		}
		if len(resp) < 2 {
			return nil, fmt.Errorf("the key gave a %d-byte answer", len(resp))
		}
		body, sw1, sw2 := resp[:len(resp)-2], resp[len(resp)-2], resp[len(resp)-1]
		out = append(out, body...)
		if sw1 == ykoath.SWMoreData && len(body) == 0 && round > 0 {
			return nil, fmt.Errorf("%s answered \"more data\" without sending any: it does not follow the OATH protocol", s.Key.Name())
		}
		if sw1 == ykoath.SWMoreData {
			apdu = []byte{0x00, ykoath.InsSendRemaining, 0, 0, 0x00}
			continue
		}
		if code := uint16(sw1)<<8 | uint16(sw2); code != ykoath.SWOK {
			return nil, ykoath.SWError(code)
		}
		return out, nil
	}
}

// open selects the OATH application (and reads the serial from the
// management application) over t.
func open(t transport, reader string) (*Session, error) {
	s := &Session{t: t, Key: Key{Reader: reader}}
	// The serial first: selecting another application drops OATH's state.
	if _, err := s.send(ykoath.InsSelect, 0x04, 0x00, ykoath.MgmtAID); err == nil {
		if cfg, err := s.send(ykoath.InsReadConfig, 0, 0, nil); err == nil && len(cfg) > 1 {
			if tlvs, err := ykoath.Parse(cfg[1:]); err == nil {
				if v := ykoath.Find(tlvs, 0x02); len(v) == 4 {
					s.Serial = binary.BigEndian.Uint32(v)
					s.Yubico = true
				}
			}
		}
	}
	resp, err := s.send(ykoath.InsSelect, 0x04, 0x00, ykoath.AID)
	if err != nil {
		return nil, err
	}
	tlvs, err := ykoath.Parse(resp)
	if err != nil {
		return nil, err
	}
	ver, salt := ykoath.Find(tlvs, ykoath.TagVersion), ykoath.Find(tlvs, ykoath.TagName)
	if len(ver) != 3 || len(salt) == 0 {
		return nil, errors.New("the card answered OATH's select without a version or salt")
	}
	copy(s.version[:], ver)
	s.Version = fmt.Sprintf("%d.%d.%d", ver[0], ver[1], ver[2])
	s.salt, s.Device = salt, deviceID(salt)
	s.chal = ykoath.Find(tlvs, ykoath.TagChallenge)
	s.Protected = s.chal != nil
	return s, nil
}

// Close ends the session.
func (s *Session) Close() error { return s.t.close() }

// Unlock validates the OATH password (mutual HMAC challenge-response).
func (s *Session) Unlock(password string) error {
	return s.UnlockWith(s.AccessKey(password))
}

// AccessKey is the key that password derives on this key (PBKDF2 over
// the key's salt): what an app may remember instead of the password.
func (s *Session) AccessKey(password string) []byte {
	return ykoath.DeriveKey(password, s.salt)
}

// UnlockWith validates an access key from AccessKey.
func (s *Session) UnlockWith(key []byte) error {
	if s.chal == nil {
		return nil
	}
	mine := make([]byte, 8)
	rand.Read(mine)
	data := ykoath.Append(nil, ykoath.TagResponse, ykoath.HMACSHA1(key, s.chal))
	data = ykoath.Append(data, ykoath.TagChallenge, mine)
	resp, err := s.send(ykoath.InsValidate, 0, 0, data)
	if err != nil {
		if isSW(err, ykoath.SWNoSuchObject) || isSW(err, ykoath.SWWrongSyntax) {
			return ErrWrongPassword
		}
		return err
	}
	tlvs, err := ykoath.Parse(resp)
	if err != nil || !bytes.Equal(ykoath.Find(tlvs, ykoath.TagResponse), ykoath.HMACSHA1(key, mine)) {
		return errors.New("the key's answer to our challenge is wrong: it may not be the key it claims to be")
	}
	s.chal = nil
	return nil
}

func isSW(err error, code uint16) bool {
	var sw ykoath.SWError
	return errors.As(err, &sw) && uint16(sw) == code
}

// explain maps status words to this package's errors.
func explain(err error) error {
	switch {
	case err == nil:
		return nil
	case isSW(err, ykoath.SWAuthRequired):
		return ErrPasswordNeeded
	case isSW(err, ykoath.SWNoSpace):
		return ErrFull
	case isSW(err, ykoath.SWNoSuchObject):
		return ErrNotFound
	}
	return err
}

func parseCredential(kindAlgo byte, name []byte) Credential {
	totp := kindAlgo&ykoath.MaskType == ykoath.TypeTOTP
	c := Credential{Name: string(name), Kind: accounts.HOTP, Algorithm: algoName(kindAlgo & ykoath.MaskAlgo)}
	if totp {
		c.Kind = accounts.TOTP
	}
	c.Issuer, c.Account, c.Period = ykoath.ParseName(c.Name, totp)
	return c
}

func algoName(b byte) accounts.Algorithm {
	switch b {
	case ykoath.AlgoSHA256:
		return accounts.SHA256
	case ykoath.AlgoSHA512:
		return accounts.SHA512
	}
	return accounts.SHA1
}

// List is the credentials on the key, in the key's order.
func (s *Session) List() ([]Credential, error) {
	resp, err := s.send(ykoath.InsList, 0, 0, nil)
	if err != nil {
		return nil, explain(err)
	}
	tlvs, err := ykoath.Parse(resp)
	if err != nil {
		return nil, err
	}
	var out []Credential
	for _, t := range tlvs {
		if t.Tag == ykoath.TagNameList && len(t.Value) > 1 {
			out = append(out, parseCredential(t.Value[0], t.Value[1:]))
		}
	}
	return out, nil
}

// CalculateAll computes the codes of every TOTP credential at time at
// (30 s ones in one command, others one by one). HOTP and touch
// credentials come back without a code: Calculate them when asked.
func (s *Session) CalculateAll(at time.Time) ([]Code, error) {
	kinds := map[string]Credential{}
	list, err := s.List()
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		kinds[c.Name] = c
	}
	resp, err := s.send(ykoath.InsCalculateAll, 0, 0x01, ykoath.Append(nil, ykoath.TagChallenge, ykoath.TimeChallenge(at.Unix(), ykoath.DefaultPeriod)))
	if err != nil {
		return nil, explain(err)
	}
	tlvs, err := ykoath.Parse(resp)
	if err != nil || len(tlvs)%2 != 0 {
		return nil, errors.New("the key's list of codes is malformed")
	}
	var out []Code
	for i := 0; i < len(tlvs); i += 2 {
		c, ok := kinds[string(tlvs[i].Value)]
		if !ok {
			c = parseCredential(ykoath.TypeTOTP|ykoath.AlgoSHA1, tlvs[i].Value)
		}
		code := Code{Credential: c}
		switch tlvs[i+1].Tag {
		case ykoath.TagTouch:
			code.Touch = true
		case ykoath.TagTruncated:
			if c.Period != ykoath.DefaultPeriod {
				// The key answered for 30 s steps; compute this one for its own.
				if code.Code, err = s.Calculate(c, at); err != nil {
					return nil, err
				}
				break
			}
			if code.Code, err = ykoath.FormatCode(tlvs[i+1].Value); err != nil {
				return nil, err
			}
		}
		out = append(out, code)
	}
	return out, nil
}

// Calculate computes one credential's code: TOTP at time at, HOTP with
// the key's counter (which the key then advances). A touch credential
// waits for the touch.
func (s *Session) Calculate(c Credential, at time.Time) (string, error) {
	var chal []byte
	if c.Kind == accounts.TOTP {
		chal = ykoath.TimeChallenge(at.Unix(), max(c.Period, 1))
	}
	data := ykoath.Append(nil, ykoath.TagName, []byte(c.Name))
	data = ykoath.Append(data, ykoath.TagChallenge, chal)
	resp, err := s.send(ykoath.InsCalculate, 0, 0x01, data)
	if err != nil {
		if isSW(err, ykoath.SWAuthRequired) && c.Touch {
			return "", ErrTouch
		}
		return "", explain(err)
	}
	tlvs, err := ykoath.Parse(resp)
	if err != nil {
		return "", err
	}
	return ykoath.FormatCode(ykoath.Find(tlvs, ykoath.TagTruncated))
}

// Put stores an account on the key (replacing one of the same name).
func (s *Session) Put(a *accounts.Account, touch bool) (Credential, error) {
	var kind byte
	switch a.Kind {
	case accounts.TOTP:
		kind = ykoath.TypeTOTP
	case accounts.HOTP:
		kind = ykoath.TypeHOTP
	default:
		return Credential{}, errors.New("a YubiKey cannot compute Steam codes: keep this account in the vault")
	}
	if a.Digits < 6 || a.Digits > 8 {
		return Credential{}, fmt.Errorf("a YubiKey makes 6 to 8 digit codes, not %d", a.Digits)
	}
	if a.Kind == accounts.HOTP && a.Counter > 0xffffffff {
		return Credential{}, errors.New("the counter is larger than a YubiKey stores")
	}
	algo := map[accounts.Algorithm]byte{accounts.SHA1: ykoath.AlgoSHA1, accounts.SHA256: ykoath.AlgoSHA256, accounts.SHA512: ykoath.AlgoSHA512}[a.Algorithm]
	if algo == 0 {
		return Credential{}, fmt.Errorf("a YubiKey does not compute %s codes", a.Algorithm)
	}
	name := StoredName(a)
	if len(name) > ykoath.MaxNameLength {
		return Credential{}, fmt.Errorf("the name %q is %d bytes; a YubiKey stores at most %d: shorten the issuer or account name", name, len(name), ykoath.MaxNameLength)
	}
	data := ykoath.Append(nil, ykoath.TagName, []byte(name))
	data = ykoath.Append(data, ykoath.TagKey, append([]byte{kind | algo, byte(a.Digits)}, ykoath.ShortenKey(a.Secret, algo)...))
	if touch {
		data = append(data, ykoath.TagProperty, ykoath.PropRequireTouch)
	}
	if a.Kind == accounts.HOTP && a.Counter > 0 {
		data = ykoath.Append(data, ykoath.TagIMF, binary.BigEndian.AppendUint32(nil, uint32(a.Counter)))
	}
	if _, err := s.send(ykoath.InsPut, 0, 0, data); err != nil {
		if errors.Is(explain(err), ErrFull) {
			return Credential{}, fmt.Errorf("%w: it has no room for another account; delete one first or use another key", ErrFull)
		}
		return Credential{}, explain(err)
	}
	c := parseCredential(kind|algo, []byte(name))
	c.Touch = touch
	return c, nil
}

// StoredName is the name a key stores a for ("[period/][issuer:]name").
func StoredName(a *accounts.Account) string {
	return ykoath.CredentialName(a.Issuer, a.Name, a.Kind == accounts.TOTP, a.Period)
}

// Replace is Put for an account whose name the key holds: on a key that
// refuses to overwrite, the old account is deleted first.
func (s *Session) Replace(a *accounts.Account, touch bool) (Credential, error) {
	c, err := s.Put(a, touch)
	if isSW(err, ykoath.SWConditions) {
		if err := s.Delete(StoredName(a)); err != nil {
			return Credential{}, err
		}
		return s.Put(a, touch)
	}
	return c, err
}

// FewLeft is when a key counts as nearly full: apps warn from here.
const FewLeft = 3

// CheckRoom looks at the key once, before anything is written: it fails
// with ErrFull unless the key has room for every account in accts (one
// that replaces an account of the same name takes no new place), and
// names the accounts of accts the key already holds (a Put would replace
// them, silently on a YubiKey: callers ask first). left is how many
// places are left after them, or -1 on a key that does not say its
// capacity.
func (s *Session) CheckRoom(accts []*accounts.Account) (left int, held []string, err error) {
	list, err := s.List()
	if err != nil {
		return 0, nil, err
	}
	names := map[string]bool{}
	for _, c := range list {
		names[c.Name] = true
	}
	used := len(list)
	for _, a := range accts {
		switch n := StoredName(a); {
		case names[n]:
			held = append(held, n)
		default:
			names[n] = true
			used++
		}
	}
	if s.Capacity() == 0 {
		return -1, held, nil // the key says "full" itself when it is
	}
	if used > s.Capacity() {
		return 0, held, fmt.Errorf("%w: %s holds %d of %d accounts, so it has room for %d more, not %d; nothing was written",
			ErrFull, s.Name(), len(list), s.Capacity(), s.Capacity()-len(list), used-len(list))
	}
	return s.Capacity() - used, held, nil
}

// Delete removes the credential with this stored name.
func (s *Session) Delete(name string) error {
	_, err := s.send(ykoath.InsDelete, 0, 0, ykoath.Append(nil, ykoath.TagName, []byte(name)))
	return explain(err)
}

// Rename changes a credential's stored name (firmware 5.3 and later).
func (s *Session) Rename(old, newName string) error {
	// Yubico's firmware renames from 5.3; another make's key says itself.
	if s.Yubico && (s.version[0] < 5 || (s.version[0] == 5 && s.version[1] < 3)) {
		return fmt.Errorf("renaming needs firmware 5.3 or later; this key has %s", s.Version)
	}
	if len(newName) > ykoath.MaxNameLength {
		return fmt.Errorf("a YubiKey stores names of at most %d bytes", ykoath.MaxNameLength)
	}
	data := ykoath.Append(nil, ykoath.TagName, []byte(old))
	data = ykoath.Append(data, ykoath.TagName, []byte(newName))
	_, err := s.send(ykoath.InsRename, 0, 0, data)
	if isSW(err, ykoath.SWInsNotSupport) {
		return fmt.Errorf("%s cannot rename accounts: delete the account and add it again under the new name", s.Name())
	}
	return explain(err)
}

// SetPassword sets or changes the OATH password.
func (s *Session) SetPassword(password string) error {
	if password == "" {
		return errors.New("an empty password: use ClearPassword to remove it")
	}
	key := ykoath.DeriveKey(password, s.salt)
	chal := make([]byte, 8)
	rand.Read(chal)
	data := ykoath.Append(nil, ykoath.TagKey, append([]byte{ykoath.TypeTOTP | ykoath.AlgoSHA1}, key...))
	data = ykoath.Append(data, ykoath.TagChallenge, chal)
	data = ykoath.Append(data, ykoath.TagResponse, ykoath.HMACSHA1(key, chal))
	_, err := s.send(ykoath.InsSetCode, 0, 0, data)
	if err == nil {
		s.Protected = true
	}
	return explain(err)
}

// ClearPassword removes the OATH password.
func (s *Session) ClearPassword() error {
	_, err := s.send(ykoath.InsSetCode, 0, 0, ykoath.Append(nil, ykoath.TagKey, nil))
	if err == nil {
		s.Protected = false
	}
	return explain(err)
}

// Reset erases every OATH credential and the password.
func (s *Session) Reset() error {
	if _, err := s.send(ykoath.InsReset, 0xde, 0xad, nil); isSW(err, ykoath.SWInsNotSupport) {
		return fmt.Errorf("%s cannot erase its OATH application in one step (it has no reset command): delete its accounts one by one", s.Name())
	} else if err != nil {
		return explain(err)
	}
	resp, err := s.send(ykoath.InsSelect, 0x04, 0x00, ykoath.AID)
	if err != nil {
		return err
	}
	if tlvs, err := ykoath.Parse(resp); err == nil {
		s.salt, s.chal, s.Protected = ykoath.Find(tlvs, ykoath.TagName), nil, false
		s.Device = deviceID(s.salt)
	}
	return nil
}

// Find returns the credential matching query (its stored name, or part
// of its issuer or account name); more than one is an error.
func Find(creds []Credential, query string) (Credential, error) {
	var hits []Credential
	q := strings.ToLower(query)
	for _, c := range creds {
		if c.Name == query {
			return c, nil
		}
		if strings.Contains(strings.ToLower(c.Issuer+":"+c.Account), q) {
			hits = append(hits, c)
		}
	}
	switch len(hits) {
	case 0:
		return Credential{}, fmt.Errorf("%w: nothing matches %q", ErrNotFound, query)
	case 1:
		return hits[0], nil
	}
	var names []string
	for _, h := range hits {
		names = append(names, h.Name)
	}
	return Credential{}, fmt.Errorf("%q matches %s: be more precise", query, strings.Join(names, ", "))
}
