package accounts

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Argon2Params are Argon2id's cost settings.
type Argon2Params struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultArgon2 is RFC 9106's second recommendation: t=3, m=64 MiB, p=4.
var DefaultArgon2 = Argon2Params{Time: 3, Memory: 64 * 1024, Threads: 4}

// Bounds on what a file may ask for, so a hostile header cannot make
// unlocking take gigabytes or minutes: the work (passes × memory) and
// the memory of one slot stay within 4 times what Twofold writes.
const (
	maxArgonMemory  = 4 * 64 * 1024     // KiB: 256 MiB
	maxArgonWork    = 4 * 3 * 64 * 1024 // passes × KiB
	maxArgonThreads = 16
)

// CheckArgon2 refuses parameters over the bounds with ErrTooCostly.
func CheckArgon2(p Argon2Params) error {
	if p.Time < 1 || p.Memory < 8*uint32(max(p.Threads, 1)) || p.Threads < 1 {
		return fmt.Errorf("password slot: Argon2id parameters out of range")
	}
	if p.Memory > maxArgonMemory || uint64(p.Time)*uint64(p.Memory) > maxArgonWork || p.Threads > maxArgonThreads {
		return ErrTooCostly
	}
	return nil
}

// MinPasswordLength is the shortest password Twofold accepts for a vault
// or a backup, in the app and on the command line alike.
const MinPasswordLength = 8

// ErrWeakPassword: a new password is shorter than MinPasswordLength.
var ErrWeakPassword = fmt.Errorf("use a password of at least %d characters", MinPasswordLength)

// CheckNewPassword is the one rule for a new vault or backup password.
func CheckNewPassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return ErrWeakPassword
	}
	return nil
}

const passwordAAD = "twofold password slot"

// PasswordSlot wraps the data key under a key derived from a password.
// The zero Params means DefaultArgon2.
type PasswordSlot struct {
	Password []byte
	Params   Argon2Params
}

func (p *PasswordSlot) SlotType() string { return SlotPassword }

func (p *PasswordSlot) Lock(dataKey []byte) (Stanza, error) {
	if len(p.Password) == 0 {
		return Stanza{}, fmt.Errorf("the password is empty")
	}
	params := p.Params
	if params == (Argon2Params{}) {
		params = DefaultArgon2
	}
	if err := CheckArgon2(params); err != nil {
		return Stanza{}, err // never write what Twofold would refuse to read
	}
	salt := make([]byte, 16)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(salt); err != nil {
		return Stanza{}, err
	}
	if _, err := rand.Read(nonce); err != nil {
		return Stanza{}, err
	}
	aead, _ := chacha20poly1305.NewX(argon2.IDKey(p.Password, salt, params.Time, params.Memory, params.Threads, 32))
	return Stanza{
		Type: SlotPassword,
		Args: map[string]string{
			"kdf":  "argon2id",
			"salt": base64.StdEncoding.EncodeToString(salt),
			"t":    strconv.FormatUint(uint64(params.Time), 10),
			"m":    strconv.FormatUint(uint64(params.Memory), 10),
			"p":    strconv.FormatUint(uint64(params.Threads), 10),
		},
		Body: aead.Seal(nonce, nonce, dataKey, []byte(passwordAAD)),
	}, nil
}

func (p *PasswordSlot) Unlock(s Stanza) ([]byte, error) {
	if s.Args["kdf"] != "argon2id" {
		return nil, fmt.Errorf("password slot: unknown key derivation %q", s.Args["kdf"])
	}
	salt, err := base64.StdEncoding.DecodeString(s.Args["salt"])
	if err != nil || len(salt) < 8 {
		return nil, fmt.Errorf("password slot: bad salt")
	}
	t, errT := strconv.ParseUint(s.Args["t"], 10, 32)
	m, errM := strconv.ParseUint(s.Args["m"], 10, 32)
	th, errP := strconv.ParseUint(s.Args["p"], 10, 8)
	if errT != nil || errM != nil || errP != nil {
		return nil, fmt.Errorf("password slot: Argon2id parameters out of range")
	}
	params := Argon2Params{Time: uint32(t), Memory: uint32(m), Threads: uint8(th)}
	if err := CheckArgon2(params); err != nil {
		return nil, err
	}
	if len(s.Body) < chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("password slot: wrapped key too short")
	}
	aead, _ := chacha20poly1305.NewX(argon2.IDKey(p.Password, salt, params.Time, params.Memory, params.Threads, 32))
	nonce, sealed := s.Body[:chacha20poly1305.NonceSizeX], s.Body[chacha20poly1305.NonceSizeX:]
	key, err := aead.Open(nil, nonce, sealed, []byte(passwordAAD))
	if err != nil {
		return nil, ErrWrongPassword
	}
	return key, nil
}
