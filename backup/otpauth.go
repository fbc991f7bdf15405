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
// WinAuth's and Google Authenticator's text. Other lines are skipped.
func importOTPAuth(data []byte) (*Result, error) {
	r := &Result{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), MaxImportSize)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		lower := strings.ToLower(line)
		switch {
		case strings.HasPrefix(lower, "otpauth://"):
			n++
			a, err := accounts.ParseURI(line)
			r.add(n, a, err)
		case strings.HasPrefix(lower, accounts.MigrationScheme+"://"):
			n++
			b, err := accounts.ParseMigration(line)
			if b != nil {
				for _, a := range b.Accounts {
					r.add(n, a, nil)
				}
			}
			if err != nil {
				r.Problems = append(r.Problems, fmt.Sprintf("entry %d: %v", n, err))
			}
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
