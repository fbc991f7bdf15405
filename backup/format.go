package backup

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"twofold/accounts"
)

// Format names an export or import format, as the CLI's --format does.
type Format string

const (
	Twofold      Format = "twofold"       // Twofold backup: the vault container with a password slot
	OTPAuth      Format = "otpauth"       // otpauth URI list (also Ente Auth's and WinAuth's exports)
	Aegis        Format = "aegis"         // Aegis vault JSON, plain or encrypted
	QR           Format = "qr"            // export: one PNG QR code per account
	GATransfer   Format = "ga-transfer"   // export: Google Authenticator transfer QR codes
	PDF          Format = "pdf"           // export: a printable recovery sheet
	TwoFAS       Format = "2fas"          // 2FAS backup, plain or encrypted
	AndOTP       Format = "andotp"        // andOTP backup, plain or encrypted
	Bitwarden    Format = "bitwarden"     // Bitwarden JSON export
	BitwardenCSV Format = "bitwarden-csv" // Bitwarden CSV export
	FreeOTP      Format = "freeotp"       // FreeOTP+ JSON export
	Proton       Format = "proton"        // Proton Authenticator export
	Images       Format = "images"        // images of QR codes, Google transfer codes included
)

// ExportFormats and ImportFormats are the choices, in the order help shows them.
var (
	ExportFormats = []Format{Twofold, OTPAuth, Aegis, QR, GATransfer, PDF}
	ImportFormats = []Format{Twofold, OTPAuth, Aegis, TwoFAS, AndOTP, Bitwarden, BitwardenCSV, FreeOTP, Proton, Images}
)

var (
	// ErrUnknownFormat: the content is none of the formats Twofold reads.
	ErrUnknownFormat = errors.New("this file is not an export Twofold can read")
	// ErrPasswordNeeded: the export is encrypted and no password was given.
	ErrPasswordNeeded = errors.New("this export is encrypted: give its password")
	// ErrWrongPassword: the password does not open the export.
	ErrWrongPassword = accounts.ErrWrongPassword
	// ErrDamaged: the file has the format's shape but cannot be read.
	ErrDamaged = errors.New("the file is damaged or cut short")
	// ErrNoAccounts: the file was read and holds no account.
	ErrNoAccounts = errors.New("the file holds no accounts")
)

// MaxImportSize bounds what Import reads: far more than any real export.
const MaxImportSize = 64 << 20

// Result is what an import found: the accounts, and a sentence per entry
// that could not be read ("entry 3: bad secret: ..."), never a secret.
type Result struct {
	Format   Format
	Accounts []*accounts.Account
	Problems []string
}

// add keeps a if it is valid, else notes entry i (1-based) as a problem.
func (r *Result) add(i int, a *accounts.Account, err error) {
	r.addAt(fmt.Sprintf("entry %d", i), a, err)
}

// addAt is add for an entry found at where ("line 3").
func (r *Result) addAt(where string, a *accounts.Account, err error) {
	if err == nil && a != nil {
		if a.Kind == accounts.HOTP {
			a.Period = 0
		}
		err = a.Validate()
	}
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("%s: %v", where, err))
		return
	}
	r.Accounts = append(r.Accounts, a)
}

// Import reads an export. format "" means: tell it from the content.
// password is used only by encrypted formats; without one they return
// ErrPasswordNeeded, so a caller can ask and try again.
//
// keys opens a Twofold backup's yubikey slots (tried before the
// password, which is then not needed).
func Import(data []byte, format Format, password []byte, keys ...accounts.Unlocker) (*Result, error) {
	if len(data) > MaxImportSize {
		return nil, fmt.Errorf("the file is over %d MB: %w", MaxImportSize>>20, ErrUnknownFormat)
	}
	if format == "" {
		format = Detect(data)
	}
	var r *Result
	var err error
	switch format {
	case Twofold:
		r, err = importTwofold(data, password, keys)
	case OTPAuth:
		r, err = importOTPAuth(data)
	case Aegis:
		r, err = importAegis(data, password)
	case TwoFAS:
		r, err = importTwoFAS(data, password)
	case AndOTP:
		r, err = importAndOTP(data, password)
	case Bitwarden:
		r, err = importBitwarden(data)
	case BitwardenCSV:
		r, err = importBitwardenCSV(data)
	case FreeOTP:
		r, err = importFreeOTP(data)
	case Proton:
		r, err = importProton(data)
	case Images:
		r, err = importImage(data)
	case "":
		if !utf8.Valid(data) && !isImage(data) && len(data) >= andOTPOldHeader+16 {
			return nil, fmt.Errorf("%w (an encrypted andOTP backup from before andOTP 0.6.3 cannot be told by its content: if it is one, give its format, andotp)", ErrUnknownFormat)
		}
		return nil, ErrUnknownFormat
	default:
		return nil, fmt.Errorf("%q is not a format Twofold imports (%s)", format, formatList(ImportFormats))
	}
	if err != nil {
		return nil, err
	}
	r.Format = format
	if len(r.Accounts) == 0 && len(r.Problems) == 0 {
		return nil, ErrNoAccounts
	}
	return r, nil
}

func formatList(fs []Format) string {
	var s []string
	for _, f := range fs {
		s = append(s, string(f))
	}
	return strings.Join(s, ", ")
}

// Detect tells the format from the content, or "" if it is none.
func Detect(data []byte) Format {
	switch {
	case accounts.IsContainer(data):
		return Twofold
	case isImage(data):
		return Images
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return detectJSON(trimmed)
	}
	if utf8.Valid(data) {
		text := strings.ToLower(string(trimmed))
		firstLine, _, _ := strings.Cut(text, "\n")
		switch {
		case strings.Contains(firstLine, "login_totp"):
			return BitwardenCSV
		case strings.Contains(text, "otpauth://") || strings.Contains(text, accounts.MigrationScheme+"://"):
			return OTPAuth
		}
		return ""
	}
	if looksLikeAndOTPEncrypted(data) {
		return AndOTP
	}
	return ""
}

func detectJSON(data []byte) Format {
	if data[0] == '[' {
		var arr []map[string]json.RawMessage
		if json.Unmarshal(data, &arr) == nil && len(arr) > 0 && arr[0]["secret"] != nil && arr[0]["type"] != nil {
			return AndOTP
		}
		return ""
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return ""
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if obj[k] == nil {
				return false
			}
		}
		return true
	}
	switch {
	case has("header", "db"):
		return Aegis
	case has("schemaVersion") && (has("services") || has("servicesEncrypted")):
		return TwoFAS
	case has("tokens"):
		return FreeOTP
	case has("items"):
		return Bitwarden
	case has("entries"):
		return Proton
	}
	return ""
}

// isImage checks the magic numbers of the image formats the scanner reads.
func isImage(data []byte) bool {
	for _, m := range []string{"\x89PNG\r\n\x1a\n", "\xff\xd8\xff", "GIF87a", "GIF89a", "BM", "II*\x00", "MM\x00*"} {
		if bytes.HasPrefix(data, []byte(m)) {
			return true
		}
	}
	return len(data) > 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP"
}

// looksLikeAndOTPEncrypted: andOTP's encrypted backup is binary, opening
// with a big-endian PBKDF2 iteration count (andOTP picks 140,000 to
// 160,000), then salt, nonce and at least a GCM tag.
func looksLikeAndOTPEncrypted(data []byte) bool {
	if len(data) < andOTPHeader+16 {
		return false
	}
	it := binary.BigEndian.Uint32(data)
	return it >= 1000 && it <= 1_000_000 // bounds the cost a hostile file can ask for
}
