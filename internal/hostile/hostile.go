// Package hostile makes the inputs an attacker (or bad luck) hands
// Twofold: files and payloads that are well formed enough to get past the
// first checks and then ask for unbounded time or memory, or carry what
// must never be echoed. Tests write them into temporary folders; nothing
// here is used by the app.
package hostile

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
	"google.golang.org/protobuf/encoding/protowire"

	"twofold/qrimage"

	"twofold/internal/pngfile"
)

// Password opens the containers made here that can be opened at all.
const Password = "hostile-test"

// Secret is the secret in every account made here: it must never show in
// an error or on a terminal.
const Secret = "JBSWY3DPEHPK3PXPJBSWY3DP"

// TransferURI is a Google Authenticator transfer link whose one account
// is fine but which claims to be part 1 of size codes.
func TransferURI(size int32) string {
	var p []byte
	p = protowire.AppendTag(p, 1, protowire.BytesType) // secret
	p = protowire.AppendBytes(p, []byte("hostile secret 1"))
	p = protowire.AppendTag(p, 2, protowire.BytesType) // name
	p = protowire.AppendBytes(p, []byte("alice"))
	var m []byte
	m = protowire.AppendTag(m, 1, protowire.BytesType)
	m = protowire.AppendBytes(m, p)
	for _, f := range [][2]uint64{{2, 1}, {3, uint64(uint32(size))}, {4, 0}, {5, 7}} {
		m = protowire.AppendTag(m, protowire.Number(f[0]), protowire.VarintType)
		m = protowire.AppendVarint(m, f[1])
	}
	return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(m))
}

// QRPNG draws payload as a QR code in a PNG.
func QRPNG(payload string) []byte {
	var buf bytes.Buffer
	if err := qrimage.Write(&buf, payload, "png", 4); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Slot is a password slot's parameters as a file states them.
type Slot struct {
	T, M, P uint32 // Argon2id passes, memory in KiB, threads
	KeyLen  int    // length of the data key it wraps
}

// Twofold makes a Twofold container (vault or backup) with the given
// password slots. Slots at a cost Argon2id can run cheaply (T*M small)
// really wrap a key under Password, whose length is the slot's KeyLen,
// with a key check that fits it, so the slot opens; dearer ones hold
// random bytes (a reader must refuse them before deriving anything).
func Twofold(slots ...Slot) []byte {
	type stanza struct {
		Type string            `json:"type"`
		Args map[string]string `json:"args"`
		Body []byte            `json:"body"`
	}
	var hdr struct {
		ID       string   `json:"id"`
		KeyCheck []byte   `json:"keyCheck"`
		Slots    []stanza `json:"slots"`
	}
	hdr.ID = strings.Repeat("ab", 16)
	salt := bytes.Repeat([]byte{7}, 16)
	nonce := bytes.Repeat([]byte{9}, chacha20poly1305.NonceSizeX)
	var key []byte
	for _, s := range slots {
		body := bytes.Repeat([]byte{1}, chacha20poly1305.NonceSizeX+48)
		if s.T*s.M <= 64 {
			key = bytes.Repeat([]byte{5}, s.KeyLen)
			aead, _ := chacha20poly1305.NewX(argon2.IDKey([]byte(Password), salt, s.T, s.M, uint8(s.P), 32))
			body = aead.Seal(append([]byte{}, nonce...), nonce, key, []byte("twofold password slot"))
		}
		hdr.Slots = append(hdr.Slots, stanza{Type: "password", Args: map[string]string{
			"kdf": "argon2id", "salt": base64.StdEncoding.EncodeToString(salt),
			"t": fmt.Sprint(s.T), "m": fmt.Sprint(s.M), "p": fmt.Sprint(s.P),
		}, Body: body})
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("twofold vault key check"))
	hdr.KeyCheck = m.Sum(nil)[:16]
	hj, _ := json.Marshal(hdr)
	out := []byte("TWOFOLDV")
	out = binary.BigEndian.AppendUint16(out, 1)
	out = binary.BigEndian.AppendUint32(out, uint32(len(hj)))
	out = append(out, hj...)
	sum := sha256.Sum256(out)
	out = append(out, sum[:]...)
	out = append(out, nonce...)
	return append(out, make([]byte, 64)...) // a body nobody should reach
}

// DefaultSlot is a password slot at Twofold's own cost.
var DefaultSlot = Slot{T: 3, M: 64 * 1024, P: 4, KeyLen: 32}

// ManySlots is a Twofold container with n default-cost password slots.
func ManySlots(n int) []byte {
	s := make([]Slot, n)
	for i := range s {
		s[i] = DefaultSlot
	}
	return Twofold(s...)
}

// Aegis is an encrypted Aegis vault whose password slot asks scrypt for
// N, r, p (N=2^20, r=32: 4 GiB).
func Aegis(n, r, p int) []byte {
	rnd := func(k int) string { return hex.EncodeToString(bytes.Repeat([]byte{3}, k)) }
	f := map[string]any{
		"version": 1,
		"header": map[string]any{
			"slots": []map[string]any{{"type": 1, "uuid": "3d5a0f5c-0000-4000-8000-000000000000", "key": rnd(32),
				"key_params": map[string]string{"nonce": rnd(12), "tag": rnd(16)},
				"n":          n, "r": r, "p": p, "salt": rnd(32), "repaired": true}},
			"params": map[string]string{"nonce": rnd(12), "tag": rnd(16)},
		},
		"db": base64.StdEncoding.EncodeToString([]byte("sealed")),
	}
	data, _ := json.Marshal(f)
	return data
}

// PNG makes a PNG of w×h pixels, all zero, of the given bit depth and
// colour type (0 grey, 2 RGB, 6 RGBA), without holding its pixels: a few
// hundred KB that decode to as much as w×h×8 bytes.
func PNG(w, h, depth, colorType int) []byte {
	channels := map[int]int{0: 1, 2: 3, 4: 2, 6: 4}[colorType]
	rowLen := 1 + w*channels*depth/8
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	row := make([]byte, rowLen)
	for range h {
		z.Write(row)
	}
	z.Close()
	return pngfile.Assemble(w, h, depth, colorType, idat.Bytes())
}

// BadOTPAuth are malformed otpauth links that each carry Secret: an
// error about them may say what is wrong, never what they hold.
var BadOTPAuth = []string{
	"otpauth:/totp/Example:alice?secret=" + Secret,
	"otpauth:totp/Example:alice?secret=" + Secret,
	"otpaut://totp/Example:alice?secret=" + Secret,
	"otpauth://totp/Example:alice?secret=" + Secret + "&digits=12",
	"otpauth://totp/Example:alice?secret=" + Secret + "&algorithm=MD5",
	"otpauth://totp/Example:alice?secret=" + Secret + "!&issuer=Example",
	"otpauth://hotp/Example:alice?secret=" + Secret + "&counter=x",
	"otpauth://xotp/Example:alice?secret=" + Secret,
	"otpauth://totp/Example:alice?secret=" + Secret + "&period=0",
	"otpauth://totp/%zz?secret=" + Secret,
	"OTPAUTH://TOTP/?SECRET=" + Secret + "%",
}

// EscapeLabel is an otpauth link whose issuer and name carry terminal
// escape sequences (clear the screen, retitle the window, move the cursor).
const EscapeLabel = "otpauth://totp/%1B%5B2J%1B%5D0%3Bpwned%07Evil:bob%1B%5BA%0D?secret=" + Secret + "&issuer=%1B%5B2J%1B%5D0%3Bpwned%07Evil"
