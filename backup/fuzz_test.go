package backup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzImport checks that a format's reader, given any bytes, returns
// accounts that validate or an error, never panics, and never puts the
// input into an error (which could hold a secret).
func fuzzImport(f *testing.F, format Format, seeds ...string) {
	for _, s := range seeds {
		data, err := os.ReadFile(filepath.Join("testdata/importers", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Import(data, format, []byte("test"))
		if err != nil {
			if errors.Is(err, ErrNoAccounts) || len(data) < 16 {
				return
			}
			if strings.Contains(err.Error(), string(data[:16])) {
				t.Errorf("the error quotes the input: %v", err)
			}
			return
		}
		for _, a := range r.Accounts {
			if err := a.Validate(); err != nil {
				t.Errorf("an invalid account came through: %v", err)
			}
		}
	})
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"aegis_plain.json", "andotp_encrypted.bin", "bitwarden.csv", "plain.txt"} {
		data, _ := os.ReadFile(filepath.Join("testdata/importers", s))
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if f := Detect(data); f != "" {
			Import(data, f, []byte("test")) // must not panic
		}
	})
}

func FuzzTwofoldBackup(f *testing.F) {
	data, err := exportTwofold(manyAccounts(3), Options{Password: []byte("test"), Argon2: cheapArgon2})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		Import(data, Twofold, []byte("test"))
	})
}

func FuzzAegis(f *testing.F)     { fuzzImport(f, Aegis, "aegis_plain.json", "aegis_encrypted.json") }
func FuzzTwoFAS(f *testing.F)    { fuzzImport(f, TwoFAS, "2fas_authenticator_plain_v4.2fas") }
func FuzzAndOTP(f *testing.F)    { fuzzImport(f, AndOTP, "andotp_plain.json", "andotp_encrypted.bin") }
func FuzzBitwarden(f *testing.F) { fuzzImport(f, Bitwarden, "bitwarden.json") }
func FuzzBitwardenCSV(f *testing.F) {
	fuzzImport(f, BitwardenCSV, "bitwarden.csv")
}
func FuzzFreeOTP(f *testing.F) { fuzzImport(f, FreeOTP, "freeotp_plus.json") }
func FuzzProton(f *testing.F)  { fuzzImport(f, Proton, "proton_authenticator.json") }
func FuzzOTPAuth(f *testing.F) { fuzzImport(f, OTPAuth, "plain.txt", "ente_auth.txt") }
