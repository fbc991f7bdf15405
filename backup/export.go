package backup

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"twofold/accounts"
	"twofold/internal/securefile"
	"twofold/qrimage"
	"twofold/scanner"
)

// Options tune an export. The zero value is right for users; tests set
// cheap KDF costs.
type Options struct {
	Password []byte                // twofold (required) and aegis (encrypted if set)
	Argon2   accounts.Argon2Params // twofold's password slot; zero: accounts.DefaultArgon2
	Scrypt   ScryptParams          // aegis's password slot; zero: what Aegis uses
	PerCode  int                   // ga-transfer: at most this many accounts per QR code; zero: DefaultPerCode
	YubiKeys []accounts.YubiKeyRef // twofold: keys that open it besides the password
	Now      time.Time             // the PDF sheet's date; zero: now
}

// DefaultPerCode is how many accounts a transfer code holds at most
// unless asked: Google Authenticator's own number. Long names make fewer.
const DefaultPerCode = 10

// Written is what Export wrote: the files, and a sentence for each thing
// the format could not keep (never a secret).
type Written struct {
	Files []string
	Notes []string
}

// Export writes accts in format to out (a file; for qr and ga-transfer a
// folder) and reads every written file back with Twofold's own reader,
// comparing it with accts, and checks it against what the other app's
// importer requires (conform.go): a difference is an error, and the
// files are removed.
func Export(format Format, accts []*accounts.Account, out string, opt Options) (*Written, error) {
	if len(accts) == 0 {
		return nil, errors.New("there are no accounts to export")
	}
	w := &Written{}
	files, err := write(format, accts, out, opt, &w.Notes)
	if err != nil {
		return nil, err
	}
	w.Files = files
	if err := verify(format, files, accts, opt); err != nil {
		for _, f := range files {
			os.Remove(f)
		}
		return nil, fmt.Errorf("the export did not read back as written, so it was removed: %w", err)
	}
	return w, nil
}

func write(format Format, accts []*accounts.Account, out string, opt Options, notes *[]string) ([]string, error) {
	var data []byte
	var err error
	switch format {
	case Twofold:
		data, err = exportTwofold(accts, opt)
	case OTPAuth:
		data = exportOTPAuth(accts)
	case Aegis:
		data, err = exportAegis(accts, opt, notes)
	case PDF:
		data, err = exportPDF(accts, opt)
	case QR:
		return writeImages(out, qrFiles(accts))
	case GATransfer:
		files, err := transferFiles(accts, opt.PerCode)
		if err != nil {
			return nil, err
		}
		return writeImages(out, files)
	default:
		return nil, fmt.Errorf("%q is not a format Twofold exports (%s)", format, formatList(ExportFormats))
	}
	if err != nil {
		return nil, err
	}
	defer clear(data)
	if err := securefile.Write(out, data); err != nil {
		return nil, err
	}
	return []string{out}, nil
}

// namedPayload is one QR code to draw: its file name and contents.
type namedPayload struct{ name, payload string }

// qrFiles is one QR code per account: its otpauth URI.
func qrFiles(accts []*accounts.Account) []namedPayload {
	var out []namedPayload
	for i, a := range accts {
		out = append(out, namedPayload{fmt.Sprintf("%03d %s.png", i+1, fileName(a.Label())), a.URI()})
	}
	return out
}

// transferFiles is Google Authenticator's transfer: as many codes as it
// takes, each holding up to perCode accounts.
func transferFiles(accts []*accounts.Account, perCode int) ([]namedPayload, error) {
	var bad []string
	for _, a := range accts {
		if err := accounts.CanMigrate(a); err != nil {
			bad = append(bad, a.Label()+" ("+err.Error()+")")
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("the Google Authenticator transfer cannot take %s: export these another way", strings.Join(bad, "; "))
	}
	if perCode == 0 {
		perCode = DefaultPerCode
	}
	uris, err := accounts.EncodeMigration(accts, perCode)
	if err != nil {
		return nil, err
	}
	var out []namedPayload
	for i, u := range uris {
		out = append(out, namedPayload{fmt.Sprintf("transfer %d of %d.png", i+1, len(uris)), u})
	}
	return out, nil
}

// TransferCodes are the transfer payloads for showing on screen, one
// after another, for a phone's camera.
func TransferCodes(accts []*accounts.Account, perCode int) ([]string, error) {
	files, err := transferFiles(accts, perCode)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		out = append(out, f.payload)
	}
	return out, nil
}

// writeImages draws each payload as a PNG in dir.
func writeImages(dir string, files []namedPayload) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	var written []string
	for _, f := range files {
		var b bytes.Buffer
		if err := qrimage.Write(&b, f.payload, "png", 8); err != nil {
			return written, err
		}
		p := filepath.Join(dir, f.name)
		if err := securefile.Write(p, b.Bytes()); err != nil {
			return written, err
		}
		written = append(written, p)
	}
	return written, nil
}

// fileName makes a label safe as a file name on every system.
func fileName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < 32 {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60])
	}
	return strings.TrimSpace(s)
}

// verify reads the export back with Twofold's own readers.
func verify(format Format, files []string, want []*accounts.Account, opt Options) error {
	var got []*accounts.Account
	fields := coreFields
	switch format {
	case QR, GATransfer:
		for _, f := range files {
			res := scanner.ScanFile(f)
			if res.Err != nil {
				return res.Err
			}
			r := &Result{}
			r.payloads(res.Texts, "", &scanner.Transfers{})
			if len(r.Problems) > 0 {
				return errors.New(r.Problems[0])
			}
			got = append(got, r.Accounts...)
		}
	case PDF:
		data, err := os.ReadFile(files[0])
		if err != nil {
			return err
		}
		if got, err = readPDFSheet(data); err != nil {
			return err
		}
		// The PDF keeps its images in its own order.
		if got, err = inOrderOf(got, want); err != nil {
			return err
		}
	default:
		data, err := os.ReadFile(files[0])
		if err != nil {
			return err
		}
		defer clear(data)
		r, err := Import(data, format, opt.Password)
		if err != nil {
			return err
		}
		if err := conforms(format, data, opt.Password); err != nil {
			return err
		}
		if len(r.Problems) > 0 {
			return errors.New(r.Problems[0])
		}
		got = r.Accounts
		switch format {
		case Twofold:
			fields = allFields
		case Aegis:
			fields, want = aegisFields, aegisKeeps(want)
		}
	}
	return compare(got, want, fields)
}

// conforms checks a written file against what the other app requires.
func conforms(format Format, data, password []byte) error {
	switch format {
	case Aegis:
		content, err := aegisContentOf(data, password)
		if err != nil {
			return err
		}
		defer clear(content)
		return aegisConforms(content)
	case OTPAuth:
		return otpauthConforms(data)
	}
	return nil
}

// Which fields a format keeps, for comparing what was read back.
type fieldSet int

const (
	coreFields  fieldSet = iota // issuer, name, type, algorithm, digits, period or counter, secret
	aegisFields                 // core, note, favourite, tags, icon
	allFields                   // everything the vault holds
)

func compare(got, want []*accounts.Account, fields fieldSet) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d accounts read back, %d written", len(got), len(want))
	}
	for i := range want {
		if err := sameAccount(got[i], want[i], fields); err != nil {
			return fmt.Errorf("%s: %w", want[i].Label(), err)
		}
	}
	return nil
}

func sameAccount(g, w *accounts.Account, fields fieldSet) error {
	diff := func(field string) error { return fmt.Errorf("its %s differs", field) }
	switch {
	case g.Issuer != w.Issuer:
		return diff("issuer")
	case g.Name != w.Name:
		return diff("name")
	case g.Kind != w.Kind:
		return diff("type")
	case g.Algorithm != w.Algorithm:
		return diff("algorithm")
	case g.Digits != w.Digits:
		return diff("digits")
	case w.Kind != accounts.HOTP && g.Period != w.Period:
		return diff("period")
	case w.Kind == accounts.HOTP && g.Counter != w.Counter:
		return diff("counter")
	case !bytes.Equal(g.Secret, w.Secret):
		return diff("secret")
	}
	if fields == coreFields {
		return nil
	}
	switch {
	case g.Note != w.Note:
		return diff("note")
	case g.Pinned != w.Pinned:
		return diff("pin")
	case !slices.Equal(g.Tags, w.Tags):
		return diff("tags")
	case !bytes.Equal(g.Icon, w.Icon):
		return diff("icon")
	}
	if fields == allFields && !slices.EqualFunc(g.RecoveryCodes, w.RecoveryCodes, sameRecoveryCode) {
		return diff("recovery codes")
	}
	return nil
}

func sameRecoveryCode(a, b accounts.RecoveryCode) bool {
	if a.Code != b.Code || (a.UsedAt == nil) != (b.UsedAt == nil) {
		return false
	}
	return a.UsedAt == nil || a.UsedAt.Equal(*b.UsedAt)
}

// inOrderOf puts got in want's order, matching the same accounts.
func inOrderOf(got, want []*accounts.Account) ([]*accounts.Account, error) {
	if len(got) != len(want) {
		return nil, fmt.Errorf("%d accounts read back, %d written", len(got), len(want))
	}
	out := make([]*accounts.Account, len(want))
	used := make([]bool, len(got))
	for i, w := range want {
		for j, g := range got {
			if !used[j] && g.SameAs(w) {
				out[i], used[j] = g, true
				break
			}
		}
		if out[i] == nil {
			return nil, fmt.Errorf("%s was not read back", w.Label())
		}
	}
	return out, nil
}
