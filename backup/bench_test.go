package backup

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"twofold/accounts"
)

// Export and import of 1,000 accounts. "cheap" sets the KDFs to their
// minimum, which leaves the formats' own cost (the KDF excluded); "kdf"
// uses the real costs (Argon2id 64 MiB for Twofold, scrypt N=32768 for
// Aegis). BenchmarkBaselineJSON is the floor: JSON round trip of the
// same accounts, measured in the same run.

func BenchmarkBaselineJSON1000(b *testing.B) {
	accts := manyAccounts(1000)
	for b.Loop() {
		data, _ := json.Marshal(accts)
		var back []*accounts.Account
		json.Unmarshal(data, &back)
	}
}

var benchCases = []struct {
	name   string
	format Format
	opt    Options
}{
	{"otpauth", OTPAuth, Options{}},
	{"aegis-plain", Aegis, Options{}},
	{"twofold-cheap", Twofold, Options{Password: []byte("pw"), Argon2: cheapArgon2}},
	{"aegis-encrypted-cheap", Aegis, Options{Password: []byte("pw"), Scrypt: cheapScrypt}},
	{"twofold-kdf", Twofold, Options{Password: []byte("pw")}},
	{"aegis-encrypted-kdf", Aegis, Options{Password: []byte("pw")}},
}

// BenchmarkExport1000 includes the read-back check every export makes.
func BenchmarkExport1000(b *testing.B) {
	accts := manyAccounts(1000)
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "export")
			for b.Loop() {
				if _, err := Export(c.format, accts, out, c.opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkImport1000(b *testing.B) {
	accts := manyAccounts(1000)
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "export")
			if _, err := Export(c.format, accts, out, c.opt); err != nil {
				b.Fatal(err)
			}
			data, _ := os.ReadFile(out)
			for b.Loop() {
				r, err := Import(data, "", c.opt.Password)
				if err != nil || len(r.Accounts) != 1000 {
					b.Fatal(err)
				}
			}
		})
	}
}
