// Package ykoath is the YKOATH protocol of a YubiKey's OATH application
// (Yubico's "YKOATH Protocol Specification"): its APDUs, tags, status
// words, credential names and password scheme. Both Twofold's client
// (package hardware) and the software key the tests use (cardsim) build
// on it. It is pure Go: no PC/SC here.
package ykoath

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// AID selects the OATH application; MgmtAID the management one (serial,
// firmware version).
var (
	AID     = []byte{0xa0, 0x00, 0x00, 0x05, 0x27, 0x21, 0x01}
	MgmtAID = []byte{0xa0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17}
)

// Instructions.
const (
	InsSelect        = 0xa4
	InsPut           = 0x01
	InsDelete        = 0x02
	InsSetCode       = 0x03
	InsReset         = 0x04
	InsRename        = 0x05
	InsList          = 0xa1
	InsCalculate     = 0xa2
	InsValidate      = 0xa3
	InsCalculateAll  = 0xa4
	InsSendRemaining = 0xa5
	InsReadConfig    = 0x1d // management application
)

// Tags.
const (
	TagName      = 0x71
	TagNameList  = 0x72
	TagKey       = 0x73
	TagChallenge = 0x74
	TagResponse  = 0x75
	TagTruncated = 0x76
	TagHOTP      = 0x77
	TagProperty  = 0x78
	TagVersion   = 0x79
	TagIMF       = 0x7a
	TagAlgorithm = 0x7b
	TagTouch     = 0x7c
)

// Types and algorithms share the key's first byte: type high, algorithm low.
const (
	TypeHOTP   = 0x10
	TypeTOTP   = 0x20
	AlgoSHA1   = 0x01
	AlgoSHA256 = 0x02
	AlgoSHA512 = 0x03
	MaskType   = 0xf0
	MaskAlgo   = 0x0f

	PropRequireTouch = 0x02

	// MaxNameLength is the longest credential name a key stores.
	MaxNameLength = 64
	// DefaultPeriod is the period a name without "NN/" has.
	DefaultPeriod = 30
)

// Status words.
const (
	SWOK            = 0x9000
	SWMoreData      = 0x61 // high byte: 61 xx, xx bytes remain
	SWNoSpace       = 0x6a84
	SWConditions    = 0x6985 // e.g. another make's PUT on a name that exists
	SWNoSuchObject  = 0x6984 // also: VALIDATE's response does not match
	SWAuthRequired  = 0x6982 // also: a touch credential that was not touched
	SWWrongSyntax   = 0x6a80
	SWFileNotFound  = 0x6a82
	SWInsNotSupport = 0x6d00
	SWWrongP1P2     = 0x6b00
)

// TLV is one tag-length-value item.
type TLV struct {
	Tag   byte
	Value []byte
}

// Append adds a TLV with BER length encoding.
func Append(b []byte, tag byte, value []byte) []byte {
	b = append(b, tag)
	switch n := len(value); {
	case n < 0x80:
		b = append(b, byte(n))
	case n <= 0xff:
		b = append(b, 0x81, byte(n))
	default:
		b = append(b, 0x82, byte(n>>8), byte(n))
	}
	return append(b, value...)
}

// ErrMalformed: the bytes are not a list of TLVs.
var ErrMalformed = errors.New("malformed TLV data")

// Parse splits data into TLVs. The PUT command's property (0x78) is a
// tag and one byte with no length, as the specification has it.
func Parse(data []byte) ([]TLV, error) {
	var out []TLV
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, ErrMalformed
		}
		if data[0] == TagProperty {
			out = append(out, TLV{TagProperty, data[1:2]})
			data = data[2:]
			continue
		}
		tag, n, hdr := data[0], int(data[1]), 2
		switch data[1] {
		case 0x81:
			if len(data) < 3 {
				return nil, ErrMalformed
			}
			n, hdr = int(data[2]), 3
		case 0x82:
			if len(data) < 4 {
				return nil, ErrMalformed
			}
			n, hdr = int(data[2])<<8|int(data[3]), 4
		default:
			if data[1] >= 0x80 {
				return nil, ErrMalformed
			}
		}
		if len(data) < hdr+n {
			return nil, ErrMalformed
		}
		out = append(out, TLV{tag, data[hdr : hdr+n]})
		data = data[hdr+n:]
	}
	return out, nil
}

// Find returns the first TLV with tag, or nil.
func Find(tlvs []TLV, tag byte) []byte {
	for _, t := range tlvs {
		if t.Tag == tag {
			return t.Value
		}
	}
	return nil
}

// CredentialName is the name a key stores: "[period/][issuer:]name",
// the period for TOTP other than 30 s, and also for 30 s when what
// follows starts like a period ("15/Corp"): "30/15/Corp:dora" reads back
// as issuer "15/Corp", here and in ykman, where "15/Corp:dora" would be
// a 15 s account.
func CredentialName(issuer, name string, totp bool, period int) string {
	rest := name
	if issuer != "" {
		rest = issuer + ":" + name
	}
	if period == 0 {
		period = DefaultPeriod
	}
	if totp && (period != DefaultPeriod || periodLike().MatchString(rest)) {
		return strconv.Itoa(period) + "/" + rest
	}
	return rest
}

var (
	totpName = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^((\d+)/)?(([^:]+):)?(.+)$`)
	})
	periodLike = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\d+/`)
	})
)

// ParseName splits a stored name into issuer, name and period (30 unless
// "NN/" says otherwise; 0 for HOTP).
func ParseName(stored string, totp bool) (issuer, name string, period int) {
	if totp {
		if m := totpName().FindStringSubmatch(stored); m != nil {
			period = DefaultPeriod
			if m[2] != "" {
				if p, err := strconv.Atoi(m[2]); err == nil && p > 0 {
					period = p
				}
			}
			return m[4], m[5], period
		}
		return "", stored, DefaultPeriod
	}
	if i, n, ok := strings.Cut(stored, ":"); ok {
		return i, n, 0
	}
	return "", stored, 0
}

// DeriveKey turns an OATH password into the key the application checks:
// PBKDF2-HMAC-SHA1 over the application's salt, 1,000 rounds, 16 bytes.
func DeriveKey(password string, salt []byte) []byte {
	k, err := pbkdf2.Key(sha1.New, password, salt, 1000, 16)
	if err != nil {
		panic(err) // only for lengths out of range; 16 is not
	}
	return k
}

// Hash is the hash of an algorithm byte (AlgoSHA1, AlgoSHA256, AlgoSHA512).
func Hash(algo byte) func() hash.Hash {
	switch algo {
	case AlgoSHA256:
		return sha256.New
	case AlgoSHA512:
		return sha512.New
	}
	return sha1.New
}

// ShortenKey hashes a secret longer than the hash's block, as HMAC does
// itself: a key stores it that way, and the codes stay the same.
func ShortenKey(secret []byte, algo byte) []byte {
	h := Hash(algo)()
	if len(secret) <= h.BlockSize() {
		return secret
	}
	h.Write(secret)
	return h.Sum(nil)
}

// HMACSHA1 is the mutual authentication's response.
func HMACSHA1(key, msg []byte) []byte {
	m := hmac.New(sha1.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// TimeChallenge is the challenge for a TOTP code: the time step, 8 bytes.
func TimeChallenge(unix int64, period int) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(unix/int64(period)))
}

// FormatCode turns a truncated response (digits byte, then 4 bytes) into
// the code's digits.
func FormatCode(truncated []byte) (string, error) {
	if len(truncated) != 5 {
		return "", fmt.Errorf("a truncated response of %d bytes", len(truncated))
	}
	digits := int(truncated[0])
	if digits < 6 || digits > 10 {
		return "", fmt.Errorf("%d digits", digits)
	}
	v := uint64(binary.BigEndian.Uint32(truncated[1:]) & 0x7fffffff)
	mod := uint64(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, v%mod), nil
}

// SWError is a status word other than 9000.
type SWError uint16

func (e SWError) Error() string {
	switch uint16(e) {
	case SWNoSpace:
		return "the key has no room for another account"
	case SWNoSuchObject:
		return "no such account on the key"
	case SWAuthRequired:
		return "the key's OATH password is needed"
	case SWWrongSyntax:
		return "the key refused the request as malformed"
	case SWInsNotSupport:
		return "the key does not support this operation"
	case SWFileNotFound:
		return "the key has no OATH application"
	}
	return fmt.Sprintf("the key answered with status %04X", uint16(e))
}
