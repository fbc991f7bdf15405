// Package cardsim is a software YubiKey for tests: the OATH application
// (same APDUs, status words, password scheme and name encoding as
// Yubico's applet) and enough of the management application to tell its
// serial and firmware version, plugged into pcscd through vsmartcard's
// vpcd driver. It is test infrastructure only: the shipped binary never
// runs it.
package cardsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"twofold/hardware/ykoath"
)

// Card is the simulated key's state. Its zero value is not usable: use New.
type Card struct {
	mu       sync.Mutex
	Serial   uint32
	Version  [3]byte
	Limit    int // credentials it holds (32; 64 from firmware 5.7)
	creds    []*credential
	salt     []byte // the application's salt: the device ID's source
	key      []byte // the OATH password's key, nil if none
	authed   bool
	chal     []byte // the challenge of the last SELECT, while a key is set
	selected string // "oath", "mgmt" or ""
	pending  []byte // response data left for SEND REMAINING
	// Touch answers whether the user touched the key; nil means always.
	Touch func() bool
	// StrictLe makes the key honour Le exactly as ISO 7816-4 says, as
	// some other makes' keys do: no Le means no answer data is wanted,
	// so an answer with data is only "61xx" (take it with SEND
	// REMAINING, again with Le). Yubico's keys send up to 256 bytes
	// whatever Le says.
	StrictLe bool
	// NoManagement: the key has no Yubico management application, so it
	// tells no serial and no device information (another make's key).
	NoManagement bool
	// RefuseOverwrite: a PUT with a name the key holds is refused (6985)
	// instead of replacing it, as some other makes' keys do.
	RefuseOverwrite bool
	// NoReset: the key has no OATH RESET (INS 04 is not supported).
	NoReset bool
	ne      int // the answer bytes the current command asks for
	// piv is the PIV application (piv.go); nil on a key without one.
	piv *pivState
}

type credential struct {
	name    string
	kind    byte // ykoath.TypeHOTP or TypeTOTP
	algo    byte
	digits  int
	secret  []byte
	touch   bool
	counter uint32
}

// New is a key with a random salt, firmware 5.4.3 and room for 32.
func New(serial uint32) *Card {
	c := &Card{Serial: serial, Version: [3]byte{5, 4, 3}, Limit: 32, salt: make([]byte, 8)}
	rand.Read(c.salt)
	c.piv = newPIV(c.Version)
	return c
}

// Profiles are the kinds of key the tests run against, by name:
//   - "yubikey": a YubiKey 5 with firmware 5.7 (lenient about Le, 64
//     places, a PUT of an existing name replaces it);
//   - "strict": another make's YKOATH key read the strictest way: Le
//     honoured exactly (61xx without data when Le is absent), no
//     management application so no serial, 100 places, a PUT of an
//     existing name refused with 6985, no OATH reset;
//   - "old": a YubiKey 4 (firmware 4.3.7): 32 places, no rename.
var Profiles = []string{"yubikey", "strict", "old"}

// NewProfile is a key of the named profile (see Profiles). serial is
// ignored by "strict", which tells none.
func NewProfile(profile string, serial uint32) (*Card, error) {
	c := New(serial)
	switch profile {
	case "yubikey":
		c.Version, c.Limit = [3]byte{5, 7, 1}, 64
	case "strict":
		c.Serial, c.Limit = 0, 100
		c.StrictLe, c.NoManagement, c.RefuseOverwrite, c.NoReset = true, true, true, true
		c.piv = nil // an OATH-only key
	case "old":
		c.Version, c.Limit = [3]byte{4, 3, 7}, 32
	default:
		return nil, fmt.Errorf("no cardsim profile %q (there are %v)", profile, Profiles)
	}
	if c.piv != nil {
		c.piv = newPIV(c.Version) // its management key follows the firmware
	}
	return c, nil
}

func sw(code uint16) []byte { return []byte{byte(code >> 8), byte(code)} }

// Process answers one command APDU (short or extended length).
func (c *Card) Process(apdu []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	resp := c.process(apdu)
	// A strict key gives no more answer data than Ne, whatever command.
	if n := len(resp) - 2; c.StrictLe && n > c.ne && resp[n] == 0x90 && resp[n+1] == 0x00 {
		return c.chunk(resp[:n])
	}
	return resp
}

func (c *Card) process(apdu []byte) []byte {
	if len(apdu) < 4 {
		return sw(ykoath.SWWrongSyntax)
	}
	ins, p1, p2 := apdu[1], apdu[2], apdu[3]
	data := commandData(apdu)
	c.ne = 256
	if c.StrictLe {
		c.ne = expected(apdu)
	}
	if ins != ykoath.InsSendRemaining {
		c.pending = nil
	}
	switch {
	case ins == ykoath.InsSelect && p1 == 0x04:
		return c.selectApp(data)
	case c.selected == "piv":
		return c.processPIV(apdu, ins, p1, p2)
	case c.selected == "otp":
		if ins == 0x01 && p1 == 0x10 { // the serial, as YubiKey 4s tell it
			return append(binary.BigEndian.AppendUint32(nil, c.Serial), sw(ykoath.SWOK)...)
		}
		return sw(ykoath.SWInsNotSupport)
	case ins == ykoath.InsSendRemaining && c.selected == "oath":
		return c.chunk(c.pending)
	case c.selected == "mgmt":
		if ins == ykoath.InsReadConfig {
			return c.readConfig()
		}
		return sw(ykoath.SWInsNotSupport)
	case c.selected != "oath":
		return sw(ykoath.SWFileNotFound)
	}
	tlvs, err := ykoath.Parse(data)
	if err != nil {
		return sw(ykoath.SWWrongSyntax)
	}
	switch ins {
	case ykoath.InsReset:
		if c.NoReset {
			return sw(ykoath.SWInsNotSupport)
		}
		if p1 != 0xde || p2 != 0xad {
			return sw(ykoath.SWWrongP1P2)
		}
		c.creds, c.key, c.authed = nil, nil, false
		rand.Read(c.salt)
		return sw(ykoath.SWOK)
	case ykoath.InsValidate:
		return c.validate(tlvs)
	}
	if c.key != nil && !c.authed {
		return sw(ykoath.SWAuthRequired)
	}
	switch ins {
	case ykoath.InsPut:
		return c.put(tlvs)
	case ykoath.InsDelete:
		return c.remove(tlvs)
	case ykoath.InsRename:
		if c.Version[0] < 5 || (c.Version[0] == 5 && c.Version[1] < 3) {
			return sw(ykoath.SWInsNotSupport) // as firmware before 5.3
		}
		return c.rename(tlvs)
	case ykoath.InsSetCode:
		return c.setCode(tlvs)
	case ykoath.InsList:
		var out []byte
		for _, cr := range c.creds {
			out = ykoath.Append(out, ykoath.TagNameList, append([]byte{cr.kind | cr.algo}, cr.name...))
		}
		return c.chunk(out)
	case ykoath.InsCalculate:
		return c.calculate(tlvs, p2 == 0x01)
	case ykoath.InsCalculateAll:
		return c.calculateAll(tlvs, p2 == 0x01)
	}
	return sw(ykoath.SWInsNotSupport)
}

// commandData is the APDU's data field, for short and extended Lc.
func commandData(apdu []byte) []byte {
	if len(apdu) <= 5 {
		return nil
	}
	if apdu[4] == 0 && len(apdu) >= 7 {
		n := int(apdu[5])<<8 | int(apdu[6])
		return apdu[7:min(len(apdu), 7+n)]
	}
	n := int(apdu[4])
	return apdu[5:min(len(apdu), 5+n)]
}

// expected is Ne, the answer bytes a short APDU asks for: none without
// Le, else Le (00 meaning 256).
func expected(apdu []byte) int {
	le := -1
	switch {
	case len(apdu) == 5: // case 2: header, Le
		le = int(apdu[4])
	case len(apdu) > 5 && apdu[4] != 0 && len(apdu) == 5+int(apdu[4])+1: // case 4: header, Lc, data, Le
		le = int(apdu[len(apdu)-1])
	}
	switch le {
	case -1:
		return 0
	case 0:
		return 256
	}
	return le
}

// chunk sends at most Ne bytes (256 on a Yubico-like key) and keeps the
// rest for SEND REMAINING, as the key does for long answers (SW 61xx).
func (c *Card) chunk(data []byte) []byte {
	max := c.ne
	if len(data) <= max {
		c.pending = nil
		return append(slices.Clone(data), sw(ykoath.SWOK)...)
	}
	c.pending = data[max:]
	left := min(len(c.pending), 0xff)
	return append(slices.Clone(data[:max]), ykoath.SWMoreData, byte(left))
}

// reset is a reset or power cycle: no application is selected, and
// every verified PIN and password is forgotten.
func (c *Card) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.selected, c.authed = "", false
	if c.piv != nil {
		c.piv.pinOK, c.piv.mgmOK, c.piv.chain, c.piv.pending = false, false, nil, nil
	}
}

func (c *Card) selectApp(aid []byte) []byte {
	if c.piv != nil { // another application's selection ends PIV's session
		c.piv.pinOK, c.piv.mgmOK, c.piv.chain, c.piv.pending = false, false, nil, nil
	}
	switch {
	case bytes.Equal(aid, otpAID) && !c.NoManagement:
		c.selected = "otp"
		return append([]byte{c.Version[0], c.Version[1], c.Version[2], 0, 0, 0}, sw(ykoath.SWOK)...)
	case bytes.Equal(aid, PIVAID) && c.piv != nil:
		c.selected = "piv"
		// The application property template: its identifier and version.
		return append([]byte{0x61, 0x11, 0x4f, 0x06, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00,
			0x79, 0x07, 0x4f, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08}, sw(ykoath.SWOK)...)
	case bytes.Equal(aid, ykoath.AID):
		c.selected, c.authed = "oath", false
		out := ykoath.Append(nil, ykoath.TagVersion, c.Version[:])
		out = ykoath.Append(out, ykoath.TagName, c.salt)
		if c.key != nil {
			c.chal = make([]byte, 8)
			rand.Read(c.chal)
			out = ykoath.Append(out, ykoath.TagChallenge, c.chal)
			out = ykoath.Append(out, ykoath.TagAlgorithm, []byte{ykoath.AlgoSHA1})
		}
		return append(out, sw(ykoath.SWOK)...)
	case bytes.Equal(aid, ykoath.MgmtAID) && !c.NoManagement:
		c.selected = "mgmt"
		return append([]byte(fmt.Sprintf("cardsim - FW version %d.%d.%d", c.Version[0], c.Version[1], c.Version[2])), sw(ykoath.SWOK)...)
	}
	c.selected = ""
	return sw(ykoath.SWFileNotFound)
}

// readConfig is the management application's device info: serial,
// firmware version, form factor and OATH as the one application.
func (c *Card) readConfig() []byte {
	var t []byte
	t = ykoath.Append(t, 0x01, []byte{0x00, 0x20}) // USB supported: OATH
	t = ykoath.Append(t, 0x02, binary.BigEndian.AppendUint32(nil, c.Serial))
	t = ykoath.Append(t, 0x03, []byte{0x00, 0x20}) // USB enabled: OATH
	t = ykoath.Append(t, 0x04, []byte{0x01})       // USB-A keychain
	t = ykoath.Append(t, 0x05, c.Version[:])
	return append(append([]byte{byte(len(t))}, t...), sw(ykoath.SWOK)...)
}

func (c *Card) find(name []byte) int {
	return slices.IndexFunc(c.creds, func(cr *credential) bool { return cr.name == string(name) })
}

func (c *Card) put(tlvs []ykoath.TLV) []byte {
	name, key := ykoath.Find(tlvs, ykoath.TagName), ykoath.Find(tlvs, ykoath.TagKey)
	if len(name) == 0 || len(name) > ykoath.MaxNameLength || len(key) < 2 {
		return sw(ykoath.SWWrongSyntax)
	}
	cr := &credential{name: string(name), kind: key[0] & ykoath.MaskType, algo: key[0] & ykoath.MaskAlgo, digits: int(key[1]), secret: slices.Clone(key[2:])}
	if (cr.kind != ykoath.TypeHOTP && cr.kind != ykoath.TypeTOTP) || cr.algo < ykoath.AlgoSHA1 || cr.algo > ykoath.AlgoSHA512 || cr.digits < 6 || cr.digits > 8 {
		return sw(ykoath.SWWrongSyntax)
	}
	for _, t := range tlvs {
		switch t.Tag {
		case ykoath.TagProperty:
			// Yubico's clients send the property as a bare tag and byte.
			cr.touch = len(t.Value) > 0 && t.Value[0]&ykoath.PropRequireTouch != 0
		case ykoath.TagIMF:
			if len(t.Value) == 4 {
				cr.counter = binary.BigEndian.Uint32(t.Value)
			}
		}
	}
	// A PUT with an existing name replaces that credential (on Yubico's).
	if i := c.find(name); i >= 0 {
		if c.RefuseOverwrite {
			return sw(ykoath.SWConditions)
		}
		c.creds[i] = cr
		return sw(ykoath.SWOK)
	}
	if len(c.creds) >= c.Limit {
		return sw(ykoath.SWNoSpace)
	}
	c.creds = append(c.creds, cr)
	return sw(ykoath.SWOK)
}

func (c *Card) remove(tlvs []ykoath.TLV) []byte {
	i := c.find(ykoath.Find(tlvs, ykoath.TagName))
	if i < 0 {
		return sw(ykoath.SWNoSuchObject)
	}
	c.creds = slices.Delete(c.creds, i, i+1)
	return sw(ykoath.SWOK)
}

func (c *Card) rename(tlvs []ykoath.TLV) []byte {
	if c.Version[0] < 5 || (c.Version[0] == 5 && c.Version[1] < 3) {
		return sw(ykoath.SWInsNotSupport)
	}
	var names [][]byte
	for _, t := range tlvs {
		if t.Tag == ykoath.TagName {
			names = append(names, t.Value)
		}
	}
	if len(names) != 2 || len(names[1]) == 0 || len(names[1]) > ykoath.MaxNameLength {
		return sw(ykoath.SWWrongSyntax)
	}
	i := c.find(names[0])
	if i < 0 {
		return sw(ykoath.SWNoSuchObject)
	}
	if c.find(names[1]) >= 0 {
		return sw(ykoath.SWWrongSyntax)
	}
	c.creds[i].name = string(names[1])
	return sw(ykoath.SWOK)
}

func (c *Card) setCode(tlvs []ykoath.TLV) []byte {
	key := ykoath.Find(tlvs, ykoath.TagKey)
	if len(key) == 0 {
		c.key, c.authed = nil, false
		return sw(ykoath.SWOK)
	}
	chal, resp := ykoath.Find(tlvs, ykoath.TagChallenge), ykoath.Find(tlvs, ykoath.TagResponse)
	if key[0]&ykoath.MaskAlgo != ykoath.AlgoSHA1 || len(key) < 2 || !hmac.Equal(ykoath.HMACSHA1(key[1:], chal), resp) {
		return sw(ykoath.SWWrongSyntax)
	}
	c.key, c.authed = slices.Clone(key[1:]), false
	return sw(ykoath.SWOK)
}

func (c *Card) validate(tlvs []ykoath.TLV) []byte {
	resp, chal := ykoath.Find(tlvs, ykoath.TagResponse), ykoath.Find(tlvs, ykoath.TagChallenge)
	if c.key == nil || c.chal == nil {
		return sw(ykoath.SWWrongSyntax)
	}
	if !hmac.Equal(ykoath.HMACSHA1(c.key, c.chal), resp) {
		return sw(ykoath.SWNoSuchObject)
	}
	c.authed = true
	return append(ykoath.Append(nil, ykoath.TagResponse, ykoath.HMACSHA1(c.key, chal)), sw(ykoath.SWOK)...)
}

func (cr *credential) hmac(msg []byte) []byte {
	m := hmac.New(ykoath.Hash(cr.algo), cr.secret)
	m.Write(msg)
	return m.Sum(nil)
}

// respond computes a credential's answer: for HOTP with the stored
// counter, which then goes up, as Yubico's applet does.
func (cr *credential) respond(chal []byte, truncate bool) (byte, []byte) {
	if cr.kind == ykoath.TypeHOTP {
		chal = binary.BigEndian.AppendUint64(nil, uint64(cr.counter))
		cr.counter++
	}
	full := cr.hmac(chal)
	if !truncate {
		return ykoath.TagResponse, append([]byte{byte(cr.digits)}, full...)
	}
	off := full[len(full)-1] & 0x0f
	v := binary.BigEndian.Uint32(full[off:]) & 0x7fffffff
	return ykoath.TagTruncated, binary.BigEndian.AppendUint32([]byte{byte(cr.digits)}, v)
}

func (c *Card) touched(cr *credential) bool {
	return !cr.touch || c.Touch == nil || c.Touch()
}

func (c *Card) calculate(tlvs []ykoath.TLV, truncate bool) []byte {
	i := c.find(ykoath.Find(tlvs, ykoath.TagName))
	if i < 0 {
		return sw(ykoath.SWNoSuchObject)
	}
	cr := c.creds[i]
	if !c.touched(cr) {
		return sw(ykoath.SWAuthRequired)
	}
	tag, v := cr.respond(ykoath.Find(tlvs, ykoath.TagChallenge), truncate)
	return append(ykoath.Append(nil, tag, v), sw(ykoath.SWOK)...)
}

// calculateAll answers every TOTP credential that needs no touch; HOTP
// and touch credentials are listed for calculating one by one.
func (c *Card) calculateAll(tlvs []ykoath.TLV, truncate bool) []byte {
	chal := ykoath.Find(tlvs, ykoath.TagChallenge)
	var out []byte
	for _, cr := range c.creds {
		out = ykoath.Append(out, ykoath.TagName, []byte(cr.name))
		switch {
		case cr.kind == ykoath.TypeHOTP:
			out = ykoath.Append(out, ykoath.TagHOTP, []byte{byte(cr.digits)})
		case cr.touch:
			out = ykoath.Append(out, ykoath.TagTouch, []byte{byte(cr.digits)})
		default:
			tag, v := cr.respond(chal, truncate)
			out = ykoath.Append(out, tag, v)
		}
	}
	return c.chunk(out)
}

// Count is how many credentials the key holds.
func (c *Card) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.creds)
}
