package accounts

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"golang.org/x/crypto/chacha20poly1305"
)

// The yubikey slot wraps the data key for an EC P-256 key that a
// YubiKey's PIV application holds and never gives out: an ephemeral key
// pair is made at wrapping time, and only the card can redo the ECDH
// that unwraps (docs/vault-format.md has the exact steps and a vector).
const (
	yubikeyAAD  = "twofold yubikey slot"
	yubikeyInfo = "twofold yubikey slot v1"
)

// ErrYubiKeyMismatch: the key that was asked answered, but its answer
// does not open the slot (another key in that slot, or a changed slot).
var ErrYubiKeyMismatch = errors.New("the YubiKey's answer does not open this vault's slot")

// YubiKeyRef names the card key a yubikey slot was made for.
type YubiKeyRef struct {
	Serial uint32 // the YubiKey's serial
	Slot   byte   // the PIV slot, a retired one (0x82–0x95)
	// Public is the slot's public key; Cert the SHA-256 of the
	// certificate that marks the slot as this vault's.
	Public *ecdh.PublicKey
	Cert   []byte
}

// YubiKeySlot wraps the data key for ref's public key. It needs no card:
// only unwrapping does.
type YubiKeySlot struct{ Ref YubiKeyRef }

func (y *YubiKeySlot) SlotType() string { return SlotYubiKey }

func (y *YubiKeySlot) Lock(dataKey []byte) (Stanza, error) {
	eph, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return Stanza{}, err
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(nonce); err != nil {
		return Stanza{}, err
	}
	return sealYubiKey(y.Ref, eph, nonce, dataKey)
}

// sealYubiKey is Lock with its random parts given (the test vector).
func sealYubiKey(ref YubiKeyRef, eph *ecdh.PrivateKey, nonce, dataKey []byte) (Stanza, error) {
	if ref.Public == nil || ref.Public.Curve() != ecdh.P256() {
		return Stanza{}, errors.New("yubikey slot: the key is not EC P-256")
	}
	shared, err := eph.ECDH(ref.Public)
	if err != nil {
		return Stanza{}, err
	}
	aead, err := yubikeyAEAD(shared, eph.PublicKey(), ref.Public)
	if err != nil {
		return Stanza{}, err
	}
	return Stanza{
		Type: SlotYubiKey,
		Args: map[string]string{
			"serial": strconv.FormatUint(uint64(ref.Serial), 10),
			"slot":   fmt.Sprintf("%02x", ref.Slot),
			"pub":    base64.StdEncoding.EncodeToString(ref.Public.Bytes()),
			"epk":    base64.StdEncoding.EncodeToString(eph.PublicKey().Bytes()),
			"cert":   hex.EncodeToString(ref.Cert),
		},
		Body: aead.Seal(nonce, nonce, dataKey, []byte(yubikeyAAD)),
	}, nil
}

// yubikeyAEAD is the wrapping cipher: XChaCha20-Poly1305 under
// HKDF-SHA256(ECDH secret, salt = ephemeral public key || slot's public
// key, info "twofold yubikey slot v1").
func yubikeyAEAD(shared []byte, eph, slot *ecdh.PublicKey) (interface {
	Seal(dst, nonce, plaintext, ad []byte) []byte
	Open(dst, nonce, ciphertext, ad []byte) ([]byte, error)
}, error) {
	salt := append(eph.Bytes(), slot.Bytes()...)
	key, err := hkdf.Key(sha256.New, shared, salt, yubikeyInfo, chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	return chacha20poly1305.NewX(key)
}

// ParseYubiKeySlot reads a yubikey stanza's card reference and
// ephemeral key. Points are checked to be on P-256 (crypto/ecdh refuses
// any other), so a crafted slot cannot feed the card a bad point.
func ParseYubiKeySlot(s Stanza) (YubiKeyRef, *ecdh.PublicKey, error) {
	bad := func(what string) (YubiKeyRef, *ecdh.PublicKey, error) {
		return YubiKeyRef{}, nil, fmt.Errorf("yubikey slot: bad %s", what)
	}
	if s.Type != SlotYubiKey {
		return bad("type")
	}
	serial, err := strconv.ParseUint(s.Args["serial"], 10, 32)
	if err != nil {
		return bad("serial")
	}
	slot, err := strconv.ParseUint(s.Args["slot"], 16, 8)
	if err != nil || slot < 0x82 || slot > 0x95 {
		return bad("PIV slot")
	}
	point := func(arg string) *ecdh.PublicKey {
		b, err := base64.StdEncoding.DecodeString(s.Args[arg])
		if err != nil || len(b) != 65 {
			return nil
		}
		k, err := ecdh.P256().NewPublicKey(b)
		if err != nil {
			return nil
		}
		return k
	}
	pub, epk := point("pub"), point("epk")
	if pub == nil {
		return bad("public key")
	}
	if epk == nil {
		return bad("ephemeral key")
	}
	cert, err := hex.DecodeString(s.Args["cert"])
	if err != nil || len(cert) != sha256.Size {
		return bad("certificate fingerprint")
	}
	return YubiKeyRef{Serial: uint32(serial), Slot: byte(slot), Public: pub, Cert: cert}, epk, nil
}

// YubiKeyUnlocker opens yubikey slots with a card. Agree finds the key
// ref names, asks for what it needs (its PIN, a touch) and returns the
// ECDH secret of the slot's private key with peer; it is called only
// when a yubikey slot is tried.
type YubiKeyUnlocker struct {
	Agree func(ref YubiKeyRef, peer *ecdh.PublicKey) ([]byte, error)
}

func (u *YubiKeyUnlocker) SlotType() string { return SlotYubiKey }

func (u *YubiKeyUnlocker) Unlock(s Stanza) ([]byte, error) {
	ref, epk, err := ParseYubiKeySlot(s)
	if err != nil {
		return nil, err
	}
	if len(s.Body) != chacha20poly1305.NonceSizeX+chacha20poly1305.KeySize+chacha20poly1305.Overhead {
		return nil, errors.New("yubikey slot: the wrapped key has the wrong length")
	}
	shared, err := u.Agree(ref, epk)
	if err != nil {
		return nil, err
	}
	defer clear(shared)
	aead, err := yubikeyAEAD(shared, epk, ref.Public)
	if err != nil {
		return nil, err
	}
	nonce, sealed := s.Body[:chacha20poly1305.NonceSizeX], s.Body[chacha20poly1305.NonceSizeX:]
	key, err := aead.Open(nil, nonce, sealed, []byte(yubikeyAAD))
	if err != nil {
		return nil, ErrYubiKeyMismatch
	}
	return key, nil
}

// YubiKeySlots lists the card keys of the vault's yubikey slots.
func (v *Vault) YubiKeySlots() []YubiKeyRef {
	var out []YubiKeyRef
	for _, s := range v.hdr.Slots {
		if ref, _, err := ParseYubiKeySlot(s); err == nil {
			out = append(out, ref)
		}
	}
	return out
}

// addYubiKey adds a yubikey slot beside the others: each key of a user
// (the spare in a drawer) has its own. The same card key twice is
// refused.
func (v *Vault) addYubiKey(l Locker) error {
	st, err := lockAs(SlotYubiKey, l, v.key)
	if err != nil {
		return err
	}
	ref, _, err := ParseYubiKeySlot(st)
	if err != nil {
		return err
	}
	for _, have := range v.YubiKeySlots() {
		if have.Serial == ref.Serial && have.Slot == ref.Slot {
			return fmt.Errorf("YubiKey %d already opens this vault", ref.Serial)
		}
	}
	v.hdr.Slots = append(v.hdr.Slots, st)
	return nil
}

// RemoveYubiKey removes the slot of the YubiKey with that serial. When
// every other slot can be wrapped again without its secret (keyring,
// other keys), the vault gets a new data key, so the removed key opens
// nothing written from now on, even with an old copy of the file; with
// a password slot (whose password is not at hand here) the data key
// stays and only the slot goes. Removing the last slot is refused
// (ErrLastSlot). Call Save to write it.
func (v *Vault) RemoveYubiKey(serial uint32) error {
	ours := func(s Stanza) bool {
		ref, _, err := ParseYubiKeySlot(s)
		return err == nil && ref.Serial == serial
	}
	if !slices.ContainsFunc(v.hdr.Slots, ours) {
		return fmt.Errorf("no YubiKey with serial %d opens this vault", serial)
	}
	if !slices.ContainsFunc(v.hdr.Slots, func(s Stanza) bool { return !ours(s) }) {
		return ErrLastSlot
	}
	if slices.ContainsFunc(v.hdr.Slots, func(s Stanza) bool { return s.Type == SlotPassword }) {
		v.dropSlots(ours)
		return nil
	}
	return v.rekeyDropping("", nil, ours)
}
