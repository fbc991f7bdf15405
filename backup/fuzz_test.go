package backup

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"twofold/accounts"
	"twofold/internal/hostile"
)

// The fuzz targets' encrypted seeds are made with cheap key derivations
// (the fixtures' own would allow a few runs a second); each target also
// skips mutated inputs that ask for a dear one, whose bounds are tested
// on their own (hostile_test.go).
const fuzzPassword = "test"

// fuzzImport checks that a format's reader, given any bytes, returns
// accounts that validate or an error, never panics, and never shows a
// secret in its error or its per-entry problems: the whole secret of
// every account in the seeds, in each form it takes in a file.
func fuzzImport(f *testing.F, format Format, seeds ...[]byte) {
	var secrets []string
	for _, data := range seeds {
		f.Add(data)
		r, err := Import(data, format, []byte(fuzzPassword))
		if err != nil {
			f.Fatalf("seed: %v", err)
		}
		for _, a := range r.Accounts {
			s := accounts.EncodeSecret(a.Secret)
			secrets = append(secrets, s, strings.ToLower(s), base64.StdEncoding.EncodeToString(a.Secret))
			if len(a.Secret) >= 8 && isPrintable(a.Secret) {
				secrets = append(secrets, string(a.Secret))
			}
		}
	}
	if len(secrets) == 0 {
		f.Fatal("no seed holds an account")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if dear(format, data) {
			return
		}
		r, err := Import(data, format, []byte(fuzzPassword))
		said := []string{}
		if err != nil {
			said = append(said, err.Error())
		} else {
			said = r.Problems
			for _, a := range r.Accounts {
				if err := a.Validate(); err != nil {
					t.Errorf("an invalid account came through: %v", err)
				}
			}
		}
		for _, s := range said {
			for _, secret := range secrets {
				if strings.Contains(s, secret) {
					t.Fatalf("a secret is shown: %s", s)
				}
			}
		}
	})
}

func isPrintable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// dear reports whether data asks for a key derivation too dear to fuzz.
func dear(format Format, data []byte) bool {
	switch format {
	case Aegis:
		var f aegisFile
		if json.Unmarshal(data, &f) == nil {
			for _, s := range f.Header.Slots {
				if int64(s.N)*int64(s.R)*int64(s.P) > 1<<12 {
					return true
				}
			}
		}
	case AndOTP:
		return looksLikeAndOTPEncrypted(data) && binary.BigEndian.Uint32(data) > 2000
	case Twofold:
		return bytes.Contains(data, []byte(`"kdf":"argon2id"`)) && !bytes.Contains(data, []byte(`"m":"8"`))
	}
	return false
}

func fixture(f *testing.F, name string) []byte {
	data, err := os.ReadFile(filepath.Join("testdata/importers", name))
	if err != nil {
		f.Fatal(err)
	}
	return data
}

// cheapRounds makes 2FAS's PBKDF2 cheap for the fuzz run.
func cheapRounds(f *testing.F) {
	old := twoFASRounds
	twoFASRounds = 2
	f.Cleanup(func() { twoFASRounds = old })
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"aegis_plain.json", "andotp_encrypted.bin", "bitwarden.csv", "plain.txt", "freeotp_plus.json", "proton_authenticator.json", "2fas_authenticator_plain_v4.2fas", "bitwarden.json"} {
		f.Add(fixture(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if f := Detect(data); f != "" && !dear(f, data) {
			Import(data, f, nil) // must not panic
		}
	})
}

func FuzzTwofoldBackup(f *testing.F) {
	data, err := exportTwofold(manyAccounts(3), Options{Password: []byte(fuzzPassword), Argon2: cheapArgon2})
	if err != nil {
		f.Fatal(err)
	}
	fuzzImport(f, Twofold, data)
}

func FuzzAegis(f *testing.F) {
	enc, err := exportAegis(richSeed(f, "aegis_plain.json"), Options{Password: []byte(fuzzPassword), Scrypt: ScryptParams{N: 16, R: 1, P: 1}}, new([]string))
	if err != nil {
		f.Fatal(err)
	}
	fuzzImport(f, Aegis, fixture(f, "aegis_plain.json"), enc)
}

func FuzzTwoFAS(f *testing.F) {
	cheapRounds(f)
	plain := fixture(f, "2fas_authenticator_plain_v4.2fas")
	var obj map[string]json.RawMessage
	json.Unmarshal(plain, &obj)
	salt := []byte("0123456789abcdef0123456789abcdef")
	key, _ := pbkdf2.Key(sha256.New, fuzzPassword, salt, twoFASRounds, 32)
	nonce, sealed, err := gcmSeal(key, obj["services"])
	if err != nil {
		f.Fatal(err)
	}
	enc, _ := json.Marshal(map[string]any{"schemaVersion": 4, "services": []any{},
		"servicesEncrypted": base64.StdEncoding.EncodeToString(sealed) + ":" + base64.StdEncoding.EncodeToString(salt) + ":" + base64.StdEncoding.EncodeToString(nonce)})
	fuzzImport(f, TwoFAS, plain, enc)
}

func FuzzAndOTP(f *testing.F) {
	plain := fixture(f, "andotp_plain.json")
	salt := []byte("andotp-salt!")
	key, _ := pbkdf2.Key(sha1.New, fuzzPassword, salt, 1000, 32)
	nonce, sealed, err := gcmSeal(key, plain)
	if err != nil {
		f.Fatal(err)
	}
	enc := binary.BigEndian.AppendUint32(nil, 1000)
	enc = append(append(append(enc, salt...), nonce...), sealed...)
	fuzzImport(f, AndOTP, plain, enc)
}

func FuzzBitwarden(f *testing.F)    { fuzzImport(f, Bitwarden, fixture(f, "bitwarden.json")) }
func FuzzBitwardenCSV(f *testing.F) { fuzzImport(f, BitwardenCSV, fixture(f, "bitwarden.csv")) }
func FuzzFreeOTP(f *testing.F)      { fuzzImport(f, FreeOTP, fixture(f, "freeotp_plus.json")) }
func FuzzProton(f *testing.F)       { fuzzImport(f, Proton, fixture(f, "proton_authenticator.json")) }
func FuzzOTPAuth(f *testing.F) {
	lines := []byte(strings.Join(append(hostile.BadOTPAuth, hostile.EscapeLabel, hostile.TransferURI(3), "# a comment", ""), "\n"))
	fuzzImport(f, OTPAuth, fixture(f, "plain.txt"), fixture(f, "ente_auth.txt"), append(fixture(f, "plain.txt"), lines...))
}

// richSeed is the accounts of a fixture, for re-encrypting cheaply.
func richSeed(f *testing.F, name string) []*accounts.Account {
	r, err := Import(fixture(f, name), "", nil)
	if err != nil {
		f.Fatal(err)
	}
	return r.Accounts
}
