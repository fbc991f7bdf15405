package accounts

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

// MigrationScheme starts a Google Authenticator "Transfer accounts" payload.
const MigrationScheme = "otpauth-migration"

// MigrationBatch is one QR code of a Google Authenticator transfer. A
// transfer of many accounts is split over Size codes sharing one ID.
type MigrationBatch struct {
	Accounts []*Account
	Version  int
	Size     int // number of QR codes in the transfer (1 if unset)
	Index    int // 0-based position of this one
	ID       int // the same for every code of one transfer
}

// Field numbers and enum values of Google's MigrationPayload message.
const (
	mpOTPParameters = 1
	mpVersion       = 2
	mpBatchSize     = 3
	mpBatchIndex    = 4
	mpBatchID       = 5

	opSecret    = 1
	opName      = 2
	opIssuer    = 3
	opAlgorithm = 4
	opDigits    = 5
	opType      = 6
	opCounter   = 7
)

var migAlgorithms = map[uint64]Algorithm{0: SHA1, 1: SHA1, 2: SHA256, 3: SHA512}
var migDigits = map[uint64]int{0: 6, 1: 6, 2: 8}

// MaxTransferParts bounds the number of codes a transfer may claim to be
// split over: Google Authenticator's own exports use a handful, and the
// claim sizes what callers track about missing parts.
const MaxTransferParts = 100

// maxReported bounds how many damaged entries an error names one by one.
const maxReported = 10

// ParseMigration decodes an otpauth-migration://offline?data=... payload.
// An entry that cannot be used is reported in the error by its position;
// the batch still holds every entry that could, so a caller may use both.
func ParseMigration(raw string) (*MigrationBatch, error) {
	data, err := migrationData(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("transfer code: %w", err)
	}
	b := &MigrationBatch{Size: 1}
	var bad []error
	entry := 0
	err = eachField(data, func(num protowire.Number, typ protowire.Type, v uint64, bytes []byte) error {
		switch {
		case num == mpOTPParameters && typ == protowire.BytesType:
			entry++
			a, err := parseOTPParameters(bytes)
			if err != nil {
				bad = append(bad, fmt.Errorf("entry %d: %w", entry, err))
				return nil
			}
			b.Accounts = append(b.Accounts, a)
		case num == mpVersion && typ == protowire.VarintType:
			b.Version = int(int32(v))
		case num == mpBatchSize && typ == protowire.VarintType:
			b.Size = int(int32(v))
		case num == mpBatchIndex && typ == protowire.VarintType:
			b.Index = int(int32(v))
		case num == mpBatchID && typ == protowire.VarintType:
			b.ID = int(int32(v))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("transfer code: the data is damaged: %w", err)
	}
	if b.Size < 1 {
		b.Size = 1
	}
	if b.Size > MaxTransferParts {
		return nil, fmt.Errorf("transfer code: it claims to be one of %d codes; Google Authenticator's transfers use a handful (Twofold reads up to %d)", b.Size, MaxTransferParts)
	}
	if b.Index < 0 || b.Index >= b.Size {
		return nil, fmt.Errorf("transfer code: part %d of %d does not exist", b.Index+1, b.Size)
	}
	if len(bad) > maxReported {
		bad = append(bad[:maxReported], fmt.Errorf("and %d more damaged entries", len(bad)-maxReported))
	}
	if len(bad) > 0 {
		return b, fmt.Errorf("transfer code: %w", errors.Join(bad...))
	}
	if len(b.Accounts) == 0 {
		return nil, errors.New("transfer code: it holds no accounts")
	}
	return b, nil
}

// migrationData returns the protobuf bytes of a migration URI.
func migrationData(raw string) ([]byte, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || !strings.EqualFold(scheme, MigrationScheme) {
		return nil, errors.New("it does not start with otpauth-migration://")
	}
	_, query, _ := strings.Cut(rest, "?")
	q, err := url.ParseQuery(query)
	if err != nil || q.Get("data") == "" {
		return nil, errors.New("it has no data parameter")
	}
	// Query decoding turns an unescaped base64 "+" into a space, and some
	// QR readers do the same: base64 has no spaces, so put them back.
	s := strings.ReplaceAll(q.Get("data"), " ", "+")
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		s = strings.NewReplacer("-", "+", "_", "/").Replace(s)
	}
	data, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("its data is not valid base64")
	}
	return data, nil
}

// eachField walks the top-level fields of a protobuf message.
func eachField(b []byte, f func(num protowire.Number, typ protowire.Type, v uint64, bytes []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var v uint64
		var bytes []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			bytes, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := f(num, typ, v, bytes); err != nil {
			return err
		}
	}
	return nil
}

func parseOTPParameters(b []byte) (*Account, error) {
	a := &Account{Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: DefaultPeriod}
	var algo, digits, typ uint64
	err := eachField(b, func(num protowire.Number, wt protowire.Type, v uint64, bytes []byte) error {
		switch {
		case num == opSecret && wt == protowire.BytesType:
			a.Secret = append([]byte(nil), bytes...)
		case num == opName && wt == protowire.BytesType:
			a.Name = string(bytes)
		case num == opIssuer && wt == protowire.BytesType:
			a.Issuer = string(bytes)
		case num == opAlgorithm && wt == protowire.VarintType:
			algo = v
		case num == opDigits && wt == protowire.VarintType:
			digits = v
		case num == opType && wt == protowire.VarintType:
			typ = v
		case num == opCounter && wt == protowire.VarintType:
			a.Counter = v
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("damaged entry: %w", err)
	}
	var ok bool
	if a.Algorithm, ok = migAlgorithms[algo]; !ok {
		return nil, fieldErr("algorithm", "code %d is not SHA1, SHA256 or SHA512", algo)
	}
	if a.Digits, ok = migDigits[digits]; !ok {
		return nil, fieldErr("digits", "code %d is not six or eight", digits)
	}
	switch typ {
	case 0, 2:
		a.Kind = TOTP
		a.Counter = 0
	case 1:
		a.Kind, a.Period = HOTP, 0
	default:
		return nil, fieldErr("type", "code %d is not HOTP or TOTP", typ)
	}
	// With no issuer, Google puts "Issuer:account" in the name.
	if a.Issuer == "" {
		if iss, name, ok := strings.Cut(a.Name, ":"); ok {
			a.Issuer, a.Name = strings.TrimSpace(iss), strings.TrimSpace(name)
		}
	} else if iss, name, ok := strings.Cut(a.Name, ":"); ok && sameIssuer(strings.TrimSpace(iss), a.Issuer) {
		a.Name = strings.TrimSpace(name)
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	a.ID, a.Created, a.Updated = newID(), now, now
	return a, nil
}

// CanMigrate says why an account cannot travel in a Google Authenticator
// transfer code (nil if it can): the format knows only 6 or 8 digit
// TOTP/HOTP codes with a 30 second period.
func CanMigrate(a *Account) error {
	switch {
	case a.Kind == Steam:
		return errors.New("the transfer format has no Steam accounts")
	case a.Digits != 6 && a.Digits != 8:
		return fmt.Errorf("the transfer format holds only 6 or 8 digit codes, not %d", a.Digits)
	case a.Kind == TOTP && a.Period != DefaultPeriod:
		return fmt.Errorf("the transfer format holds only 30 second periods, not %d", a.Period)
	}
	return nil
}

// Bounds on the transfer codes Twofold writes. A code holds at most
// MaxPerCode accounts, and its URI at most MaxTransferCode bytes: within
// a QR code of version 25 at error correction M (997 bytes), the size of
// Google Authenticator's own codes of 10 accounts, which a phone's camera
// reads well from a screen or paper. An account too big for that alone
// gets a code of its own, up to MaxTransferCodeAlone (version 30 at M).
const (
	MaxPerCode           = 100
	MaxTransferCode      = 990
	MaxTransferCodeAlone = 1370
)

// EncodeMigration writes accounts as Google Authenticator transfer URIs:
// at most perCode accounts in each (1 to MaxPerCode), fewer when their
// names are long, so every code stays within MaxTransferCode bytes.
// Every account must pass CanMigrate.
func EncodeMigration(accts []*Account, perCode int) ([]string, error) {
	var idb [4]byte
	if _, err := rand.Read(idb[:]); err != nil {
		return nil, err
	}
	return EncodeMigrationWithID(accts, perCode, binary.BigEndian.Uint32(idb[:]))
}

// EncodeMigrationWithID is EncodeMigration with the transfer's batch ID
// chosen by the caller (the next IDs for further transfers), so the same
// accounts give the same codes: for test corpora.
func EncodeMigrationWithID(accts []*Account, perCode int, id uint32) ([]string, error) {
	if perCode < 1 || perCode > MaxPerCode {
		return nil, fmt.Errorf("a transfer code holds 1 to %d accounts, not %d", MaxPerCode, perCode)
	}
	for _, a := range accts {
		if err := CanMigrate(a); err != nil {
			return nil, fmt.Errorf("%s: %w", a.Label(), err)
		}
	}
	codes, err := packTransfer(accts, perCode)
	if err != nil {
		return nil, err
	}
	// A transfer holds at most MaxTransferParts codes (what readers
	// accept); more make several transfers.
	var out []string
	for len(codes) > 0 {
		n := min(len(codes), MaxTransferParts)
		out = append(out, encodeTransfer(codes[:n], id)...)
		codes, id = codes[n:], id+1
	}
	return out, nil
}

// packTransfer groups accts, in order, into codes of at most perCode
// accounts and MaxTransferCode bytes (measured with the largest header a
// code can have).
func packTransfer(accts []*Account, perCode int) ([][]*Account, error) {
	var codes [][]*Account
	var cur []*Account
	for _, a := range accts {
		if len(cur) > 0 && (len(cur) == perCode || len(transferURI(append(cur[:len(cur):len(cur)], a), MaxTransferParts, MaxTransferParts-1, 0x7fffffff)) > MaxTransferCode) {
			codes, cur = append(codes, cur), nil
		}
		cur = append(cur, a)
		if len(cur) == 1 && len(transferURI(cur, MaxTransferParts, MaxTransferParts-1, 0x7fffffff)) > MaxTransferCodeAlone {
			return nil, fmt.Errorf("%s: its name is too long for a transfer code", a.Label())
		}
	}
	if len(cur) > 0 {
		codes = append(codes, cur)
	}
	return codes, nil
}

// encodeTransfer writes one transfer: codes sharing a random batch ID.
func encodeTransfer(codes [][]*Account, id uint32) []string {
	var out []string
	for i, accts := range codes {
		out = append(out, transferURI(accts, len(codes), i, uint64(id&0x7fffffff)))
	}
	return out
}

// transferURI is one transfer code: accts, as part index of size.
func transferURI(accts []*Account, size, index int, id uint64) string {
	var msg []byte
	for _, a := range accts {
		msg = protowire.AppendTag(msg, mpOTPParameters, protowire.BytesType)
		msg = protowire.AppendBytes(msg, encodeOTPParameters(a))
	}
	for _, f := range []struct {
		num protowire.Number
		v   uint64
	}{{mpVersion, 1}, {mpBatchSize, uint64(size)}, {mpBatchIndex, uint64(index)}, {mpBatchID, id}} {
		msg = protowire.AppendTag(msg, f.num, protowire.VarintType)
		msg = protowire.AppendVarint(msg, f.v)
	}
	return MigrationScheme + "://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(msg))
}

func encodeOTPParameters(a *Account) []byte {
	var m []byte
	str := func(num protowire.Number, s []byte) {
		m = protowire.AppendTag(m, num, protowire.BytesType)
		m = protowire.AppendBytes(m, s)
	}
	varint := func(num protowire.Number, v uint64) {
		m = protowire.AppendTag(m, num, protowire.VarintType)
		m = protowire.AppendVarint(m, v)
	}
	str(opSecret, a.Secret)
	str(opName, []byte(a.Name))
	str(opIssuer, []byte(a.Issuer))
	varint(opAlgorithm, map[Algorithm]uint64{SHA1: 1, SHA256: 2, SHA512: 3}[a.Algorithm])
	varint(opDigits, map[int]uint64{6: 1, 8: 2}[a.Digits])
	if a.Kind == HOTP {
		varint(opType, 1)
		varint(opCounter, a.Counter)
	} else {
		varint(opType, 2)
	}
	return m
}
