package backup

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"twofold/accounts"
)

// importOTPAuth reads one otpauth:// (or otpauth-migration://) URI a
// line: plain lists, Ente Auth's export (with its codeDisplay extras),
// WinAuth's and Google Authenticator's text. Blank lines and # comments
// are skipped; any other line is a problem named by its line number (a
// typo such as "otpaut://" must not lose an account in silence), never
// quoted, as it may hold a secret.
func importOTPAuth(data []byte) (*Result, error) {
	r := &Result{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), MaxImportSize)
	n := 0
	for sc.Scan() {
		n++
		where := fmt.Sprintf("line %d", n)
		line := strings.TrimSpace(sc.Text())
		lower := strings.ToLower(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(lower, "otpauth://"):
			a, err := accounts.ParseURI(line)
			r.addAt(where, a, err)
		case strings.HasPrefix(lower, accounts.MigrationScheme+"://"):
			b, err := accounts.ParseMigration(line)
			if b != nil {
				for _, a := range b.Accounts {
					r.addAt(where, a, nil)
				}
			}
			if err != nil {
				r.Problems = append(r.Problems, fmt.Sprintf("%s: %v", where, err))
			}
		default:
			r.Problems = append(r.Problems, where+": not an otpauth:// URI, a blank line or a # comment; skipped")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	return r, nil
}

// exportOTPAuth writes one URI a line. The file is not encrypted.
func exportOTPAuth(accts []*accounts.Account) []byte {
	var b bytes.Buffer
	for _, a := range accts {
		b.WriteString(a.URI())
		b.WriteByte('\n')
	}
	return b.Bytes()
}
