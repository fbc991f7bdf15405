package cardsim

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"slices"

	"twofold/hardware/ykoath"
)

// The PIV subset Twofold's vault lock needs, as a YubiKey 5 answers it
// (NIST SP 800-73-4 and Yubico's extensions): SELECT, GET VERSION, GET
// SERIAL, VERIFY (with its retry counter, blocking, and the PUK's RESET
// RETRY COUNTER), management-key mutual authentication (3DES, and AES-192
// from firmware 5.7 as Yubico ships it), GENERATE ASYMMETRIC KEY PAIR for
// EC P-256 with PIN and touch policies, GENERAL AUTHENTICATE for ECDH and
// ECDSA, PUT DATA and GET DATA for certificates, and GET METADATA from
// firmware 5.3. Long answers come in 61xx parts (GET RESPONSE), long
// commands in chained parts (CLA bit 0x10), as on the real key.

// PIVAID is the PIV application's identifier; otpAID Yubico's OTP
// application's, where keys before firmware 5 tell their serial.
var (
	PIVAID = []byte{0xa0, 0x00, 0x00, 0x03, 0x08}
	otpAID = []byte{0xa0, 0x00, 0x00, 0x05, 0x27, 0x20, 0x01, 0x01}
)

// DefaultPIN, DefaultPUK and DefaultManagementKey are a new YubiKey's.
const (
	DefaultPIN = "123456"
	DefaultPUK = "12345678"
)

var DefaultManagementKey = []byte{1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8}

// PIV instructions and algorithm and policy numbers (SP 800-73-4, Yubico).
const (
	insVerify      = 0x20
	insChangeRef   = 0x24
	insResetRetry  = 0x2c
	insGenAuth     = 0x87
	insGetResponse = 0xc0
	insGetData     = 0xcb
	insPutData     = 0xdb
	insGenerate    = 0x47
	insGetMetadata = 0xf7
	insGetSerial   = 0xf8
	insGetVersion  = 0xfd

	alg3DES   = 0x03
	algAES192 = 0x0a
	algECP256 = 0x11

	slotManagement = 0x9b
	slotPIN        = 0x80
	slotPUK        = 0x81

	PINPolicyNever  = 1
	PINPolicyOnce   = 2
	PINPolicyAlways = 3
	TouchNever      = 1
	TouchAlways     = 2
	TouchCached     = 3
)

type pivKey struct {
	priv        *ecdsa.PrivateKey
	pinPolicy   byte
	touchPolicy byte
}

type pivState struct {
	pin, puk           []byte // padded to 8 bytes with 0xff
	pinLeft, pukLeft   int
	mgmKey             []byte
	mgmAlg             byte
	keys               map[byte]*pivKey
	objects            map[uint32][]byte // GET DATA objects by tag (5FC10D…)
	pinOK, mgmOK       bool
	witness            []byte // the challenge of a mutual authentication under way
	chain              []byte // command data of chained parts so far
	pending            []byte // answer data left for GET RESPONSE
	pinAlwaysConsumed  bool
	defaultPIN, defMgm bool
}

const pivTries = 3

func newPIV(version [3]byte) *pivState {
	p := &pivState{keys: map[byte]*pivKey{}, objects: map[uint32][]byte{},
		pinLeft: pivTries, pukLeft: pivTries, mgmKey: slices.Clone(DefaultManagementKey), mgmAlg: alg3DES,
		defaultPIN: true, defMgm: true}
	p.pin, p.puk = padPIN([]byte(DefaultPIN)), padPIN([]byte(DefaultPUK))
	if version[0] > 5 || (version[0] == 5 && version[1] >= 7) {
		p.mgmAlg = algAES192 // Yubico's default from 5.7: the same bytes, as AES-192
	}
	return p
}

func padPIN(pin []byte) []byte {
	out := bytes.Repeat([]byte{0xff}, 8)
	copy(out, pin)
	return out
}

// SetPIN sets the PIV PIN (tests: a user who changed it).
func (c *Card) SetPIN(pin string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.piv.pin, c.piv.defaultPIN = padPIN([]byte(pin)), false
}

// PIVKeySlots lists the slots holding a key.
func (c *Card) PIVKeySlots() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []byte
	for s := range c.piv.keys {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func (c *Card) processPIV(apdu []byte, ins, p1, p2 byte) []byte {
	p := c.piv
	data := commandData(apdu)
	if ins == insGetResponse {
		return p.answer(p.pending)
	}
	p.pending = nil
	if apdu[0]&0x10 != 0 { // a chained part: keep it, answer when the last comes
		p.chain = append(p.chain, data...)
		return sw(0x9000)
	}
	if p.chain != nil {
		data, p.chain = append(p.chain, data...), nil
	}
	switch ins {
	case insGetVersion:
		return p.answer(c.Version[:])
	case insGetSerial:
		if c.Version[0] < 5 {
			return sw(0x6d00)
		}
		return p.answer(binary.BigEndian.AppendUint32(nil, c.Serial))
	case insVerify:
		return p.verify(p1, p2, data)
	case insResetRetry:
		return p.resetRetry(p2, data)
	case insChangeRef:
		return p.changeRef(p2, data)
	case insGetMetadata:
		if c.Version[0] < 5 || (c.Version[0] == 5 && c.Version[1] < 3) {
			return sw(0x6d00)
		}
		return p.metadata(p2)
	case insGenAuth:
		return p.generalAuth(c, p1, p2, data)
	case insGenerate:
		return p.generate(p2, data)
	case insPutData:
		return p.putData(data)
	case insGetData:
		return p.getData(data)
	}
	return sw(0x6d00)
}

// answer sends data in parts of 256 bytes, as the YubiKey does.
func (p *pivState) answer(data []byte) []byte {
	if len(data) <= 256 {
		p.pending = nil
		return append(slices.Clone(data), 0x90, 0x00)
	}
	p.pending = data[256:]
	return append(slices.Clone(data[:256]), 0x61, byte(min(len(p.pending), 0xff)))
}

func retriesSW(left int) []byte {
	if left == 0 {
		return sw(0x6983) // blocked
	}
	return sw(0x63c0 | uint16(left))
}

func (p *pivState) verify(p1, p2 byte, data []byte) []byte {
	if p2 != slotPIN {
		return sw(0x6a88)
	}
	if p1 == 0xff { // forget the verified PIN
		p.pinOK = false
		return sw(0x9000)
	}
	if len(data) == 0 { // the status: verified, or the retries left
		if p.pinOK {
			return sw(0x9000)
		}
		return retriesSW(p.pinLeft)
	}
	if p.pinLeft == 0 {
		return sw(0x6983)
	}
	if len(data) != 8 || subtle.ConstantTimeCompare(data, p.pin) != 1 {
		p.pinLeft--
		p.pinOK = false
		return retriesSW(p.pinLeft)
	}
	p.pinLeft, p.pinOK, p.pinAlwaysConsumed = pivTries, true, false
	return sw(0x9000)
}

// resetRetry unblocks the PIN with the PUK: data is PUK || new PIN.
func (p *pivState) resetRetry(p2 byte, data []byte) []byte {
	if p2 != slotPIN || len(data) != 16 {
		return sw(0x6a80)
	}
	if p.pukLeft == 0 {
		return sw(0x6983)
	}
	if subtle.ConstantTimeCompare(data[:8], p.puk) != 1 {
		p.pukLeft--
		return retriesSW(p.pukLeft)
	}
	p.pukLeft, p.pin, p.pinLeft, p.defaultPIN = pivTries, slices.Clone(data[8:]), pivTries, false
	return sw(0x9000)
}

// changeRef changes the PIN (80) or PUK (81): data is old || new.
func (p *pivState) changeRef(p2 byte, data []byte) []byte {
	if len(data) != 16 {
		return sw(0x6a80)
	}
	ref, left := &p.pin, &p.pinLeft
	if p2 == slotPUK {
		ref, left = &p.puk, &p.pukLeft
	} else if p2 != slotPIN {
		return sw(0x6a88)
	}
	if *left == 0 {
		return sw(0x6983)
	}
	if subtle.ConstantTimeCompare(data[:8], *ref) != 1 {
		*left--
		return retriesSW(*left)
	}
	*ref, *left = slices.Clone(data[8:]), pivTries
	if p2 == slotPIN {
		p.defaultPIN = false
	}
	return sw(0x9000)
}

func (p *pivState) metadata(slot byte) []byte {
	var out []byte
	switch slot {
	case slotManagement:
		out = tlv(out, 0x01, []byte{p.mgmAlg})
		out = tlv(out, 0x02, []byte{0x00, TouchNever})
		out = tlv(out, 0x05, []byte{b2b(p.defMgm)})
	case slotPIN, slotPUK:
		left, def := p.pinLeft, p.defaultPIN
		if slot == slotPUK {
			left, def = p.pukLeft, bytes.Equal(p.puk, padPIN([]byte(DefaultPUK)))
		}
		out = tlv(out, 0x01, []byte{0xff})
		out = tlv(out, 0x05, []byte{b2b(def)})
		out = tlv(out, 0x06, []byte{pivTries, byte(left)})
	default:
		k := p.keys[slot]
		if k == nil {
			return sw(0x6a88)
		}
		out = tlv(out, 0x01, []byte{algECP256})
		out = tlv(out, 0x02, []byte{k.pinPolicy, k.touchPolicy})
		out = tlv(out, 0x03, []byte{0x01}) // generated on the key
		out = tlv(out, 0x04, pointTLV(&k.priv.PublicKey))
	}
	return p.answer(out)
}

func b2b(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func pointTLV(pub *ecdsa.PublicKey) []byte {
	k, err := pub.ECDH()
	if err != nil {
		panic(err) // a key the card made
	}
	return tlv(nil, 0x86, k.Bytes())
}

// generalAuth is the management key's mutual authentication (slot 9B)
// and a key slot's ECDH (tag 85) or signature (tag 81).
func (p *pivState) generalAuth(c *Card, alg, slot byte, data []byte) []byte {
	outer, ok := parseTLV(data)[0x7c]
	if !ok {
		return sw(0x6a80)
	}
	inner := parseTLV(outer)
	if slot == slotManagement {
		return p.mutualAuth(alg, inner)
	}
	k := p.keys[slot]
	if k == nil {
		return sw(0x6a80)
	}
	if alg != algECP256 {
		return sw(0x6a80)
	}
	if k.pinPolicy != PINPolicyNever && (!p.pinOK || (k.pinPolicy == PINPolicyAlways && p.pinAlwaysConsumed)) {
		return sw(0x6982)
	}
	if k.touchPolicy != TouchNever && c.Touch != nil && !c.Touch() {
		return sw(0x6982)
	}
	p.pinAlwaysConsumed = true
	var result []byte
	switch {
	case len(inner[0x85]) > 0:
		peer, err := ecdh.P256().NewPublicKey(inner[0x85])
		if err != nil {
			return sw(0x6a80)
		}
		priv, err := k.priv.ECDH()
		if err != nil {
			return sw(0x6f00)
		}
		if result, err = priv.ECDH(peer); err != nil {
			return sw(0x6a80)
		}
	case len(inner[0x81]) > 0:
		sig, err := ecdsa.SignASN1(rand.Reader, k.priv, inner[0x81])
		if err != nil {
			return sw(0x6f00)
		}
		result = sig
	default:
		return sw(0x6a80)
	}
	return p.answer(tlv(nil, 0x7c, tlv(nil, 0x82, result)))
}

func (p *pivState) mutualAuth(alg byte, inner map[uint32][]byte) []byte {
	p.mgmOK = false
	if alg != p.mgmAlg {
		return sw(0x6a86)
	}
	block, size := p.mgmCipher()
	w, hasW := inner[0x80]
	switch {
	case hasW && len(w) == 0: // step 1: the card's encrypted witness
		p.witness = make([]byte, size)
		rand.Read(p.witness)
		enc := make([]byte, size)
		block.Encrypt(enc, p.witness)
		return p.answer(tlv(nil, 0x7c, tlv(nil, 0x80, enc)))
	case hasW && p.witness != nil: // step 2: the witness decrypted, and the host's challenge
		ok := subtle.ConstantTimeCompare(w, p.witness) == 1
		p.witness = nil
		chal := inner[0x81]
		if !ok || len(chal) != size {
			return sw(0x6982)
		}
		resp := make([]byte, size)
		block.Encrypt(resp, chal)
		p.mgmOK = true
		return p.answer(tlv(nil, 0x7c, tlv(nil, 0x82, resp)))
	}
	return sw(0x6a80)
}

func (p *pivState) mgmCipher() (cipher.Block, int) {
	if p.mgmAlg == algAES192 {
		b, _ := aes.NewCipher(p.mgmKey)
		return b, 16
	}
	b, _ := des.NewTripleDESCipher(p.mgmKey)
	return b, 8
}

func (p *pivState) generate(slot byte, data []byte) []byte {
	if !p.mgmOK {
		return sw(0x6982)
	}
	if !(slot >= 0x82 && slot <= 0x95) && slot != 0x9a && slot != 0x9c && slot != 0x9d && slot != 0x9e {
		return sw(0x6a86)
	}
	params := parseTLV(parseTLV(data)[0xac])
	if !bytes.Equal(params[0x80], []byte{algECP256}) {
		return sw(0x6a80) // only what Twofold makes
	}
	k := &pivKey{pinPolicy: PINPolicyOnce, touchPolicy: TouchNever}
	if v := params[0xaa]; len(v) == 1 && v[0] >= 1 && v[0] <= 3 {
		k.pinPolicy = v[0]
	}
	if v := params[0xab]; len(v) == 1 && v[0] >= 1 && v[0] <= 3 {
		k.touchPolicy = v[0]
	}
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return sw(0x6f00)
	}
	k.priv = priv
	p.keys[slot] = k
	return p.answer(tlv(nil, 0x7f49, pointTLV(&priv.PublicKey)))
}

// objectTag reads GET/PUT DATA's "5C len tag".
func objectTag(data []byte) (uint32, bool) {
	v, ok := parseTLV(data)[0x5c]
	if !ok || len(v) == 0 || len(v) > 3 {
		return 0, false
	}
	var t uint32
	for _, b := range v {
		t = t<<8 | uint32(b)
	}
	return t, true
}

func (p *pivState) putData(data []byte) []byte {
	if !p.mgmOK {
		return sw(0x6982)
	}
	tag, ok := objectTag(data)
	if !ok {
		return sw(0x6a80)
	}
	val, ok := parseTLV(data)[0x53]
	if !ok {
		return sw(0x6a80)
	}
	if len(val) == 0 {
		delete(p.objects, tag)
	} else {
		p.objects[tag] = slices.Clone(val)
	}
	return sw(0x9000)
}

func (p *pivState) getData(data []byte) []byte {
	tag, ok := objectTag(data)
	if !ok {
		return sw(0x6a80)
	}
	val, ok := p.objects[tag]
	if !ok {
		return sw(0x6a82)
	}
	if tag == 0x5fc109 && !p.pinOK { // "printed": the PIN-protected management key
		return sw(0x6982)
	}
	return p.answer(tlv(nil, 0x53, val))
}

// tlv appends a BER-TLV with a one- or two-byte tag (7F49 and the
// like), the length as ykoath's TLVs have it.
func tlv(out []byte, tag uint32, val []byte) []byte {
	if tag > 0xff {
		out = append(out, byte(tag>>8))
	}
	return ykoath.Append(out, byte(tag), val)
}

// parseTLV reads BER-TLVs (one- or two-byte tags; a first byte with
// the low five bits set takes a second) into a map by tag; what does not
// parse ends the list.
func parseTLV(b []byte) map[uint32][]byte {
	out := map[uint32][]byte{}
	for len(b) >= 2 {
		tag := uint32(b[0])
		b = b[1:]
		if tag&0x1f == 0x1f {
			tag = tag<<8 | uint32(b[0])
			b = b[1:]
		}
		if len(b) == 0 {
			break
		}
		n := int(b[0])
		b = b[1:]
		switch n {
		case 0x81:
			if len(b) < 1 {
				return out
			}
			n, b = int(b[0]), b[1:]
		case 0x82:
			if len(b) < 2 {
				return out
			}
			n, b = int(b[0])<<8|int(b[1]), b[2:]
		}
		if n > len(b) {
			return out
		}
		out[tag] = b[:n]
		b = b[n:]
	}
	return out
}
