package backup

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"twofold/accounts"
	"twofold/internal/testenv"
)

// plainAccounts is the truth of testdata/importers: plain.txt.
func plainAccounts(t *testing.T) []*accounts.Account {
	t.Helper()
	data, err := os.ReadFile("testdata/importers/plain.txt")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Import(data, OTPAuth, nil)
	if err != nil || len(r.Accounts) != 7 {
		t.Fatalf("plain.txt: %v, %v", r, err)
	}
	return r.Accounts
}

// TestFixtures: every other app's real export yields plain.txt's
// accounts, all fields, except what the README says the app cannot hold.
func TestFixtures(t *testing.T) {
	plain := plainAccounts(t)
	all := []int{0, 1, 2, 3, 4, 5, 6}
	for _, tc := range []struct {
		file     string
		password string
		format   Format
		want     []int // indexes into plain.txt, in the file's order
		adjust   func(want *accounts.Account, got *accounts.Account)
		named    bool // the format cannot be told from the content: the user names it
	}{
		{file: "aegis_plain.json", format: Aegis, want: all},
		{file: "aegis_encrypted.json", password: "test", format: Aegis, want: all},
		{file: "2fas_authenticator_plain_v4.2fas", format: TwoFAS, want: []int{0, 3, 4, 5, 6}},
		{file: "2fas_authenticator_encrypted_v4.2fas", password: "test", format: TwoFAS, want: []int{0, 3, 4, 5, 6}},
		{file: "andotp_plain.json", format: AndOTP, want: all},
		{file: "andotp_encrypted.bin", password: "test", format: AndOTP, want: all},
		{file: "andotp_encrypted_old.bin", password: "test", format: AndOTP, want: []int{0, 1, 2, 3, 4, 5}, named: true},
		{file: "ente_auth.txt", format: OTPAuth, want: []int{4, 2, 6, 0, 3, 1, 5}},
		{file: "proton_authenticator.json", format: Proton, want: []int{0, 1, 2}},
		// Bitwarden keeps Steam as steam://SECRET: the item's name stands in.
		{file: "bitwarden.json", format: Bitwarden, want: []int{0, 1, 2, 6}, adjust: func(w, g *accounts.Account) {
			w.Issuer, w.Name = g.Issuer, g.Name
		}},
		{file: "bitwarden.csv", format: BitwardenCSV, want: []int{0, 1, 2, 6}, adjust: func(w, g *accounts.Account) {
			w.Issuer, w.Name = g.Issuer, g.Name
		}},
		// FreeOTP stores an HOTP counter one lower than the URI's.
		{file: "freeotp_plus.json", format: FreeOTP, want: []int{5, 4, 3, 2, 1, 0}, adjust: func(w, _ *accounts.Account) {
			if w.Kind == accounts.HOTP {
				w.Counter--
			}
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/importers", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			given := Format("")
			if tc.named {
				given = tc.format
				if _, err := Import(data, "", []byte(tc.password)); err == nil || !strings.Contains(err.Error(), "give its format, andotp") {
					t.Errorf("not named: %v, want the hint to name the format", err)
				}
			} else if got := Detect(data); got != tc.format {
				t.Errorf("detected %q, want %q", got, tc.format)
			}
			r, err := Import(data, given, []byte(tc.password))
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Problems) > 0 {
				t.Errorf("problems: %v", r.Problems)
			}
			if len(r.Accounts) != len(tc.want) {
				t.Fatalf("%d accounts, want %d", len(r.Accounts), len(tc.want))
			}
			for i, idx := range tc.want {
				w := *plain[idx]
				if tc.adjust != nil {
					tc.adjust(&w, r.Accounts[i])
				}
				if err := sameAccount(r.Accounts[i], &w, coreFields); err != nil {
					t.Errorf("account %d (%s): %v", i+1, w.Label(), err)
				}
			}
			checkWithOathtool(t, r.Accounts)
		})
	}
}

// checkWithOathtool compares the imported accounts' codes at a fixed
// time with Debian's oathtool (which has no Steam mode, and HOTP with
// SHA1 only; those are covered by the published vectors in accounts).
func checkWithOathtool(t *testing.T, accts []*accounts.Account) {
	t.Helper()
	oathtool := testenv.Tool(t, "oathtool")
	at := time.Unix(1_700_000_000, 0)
	for _, a := range accts {
		args := []string{"-b", "--digits", fmt.Sprint(a.Digits)}
		switch {
		case a.Kind == accounts.TOTP:
			args = append(args, "--totp="+strings.ToLower(string(a.Algorithm)), "--time-step-size", fmt.Sprintf("%ds", a.Period), "--now", fmt.Sprintf("@%d", at.Unix()))
		case a.Kind == accounts.HOTP && a.Algorithm == accounts.SHA1:
			args = append(args, "--hotp", "--counter", fmt.Sprint(a.Counter))
		default:
			continue
		}
		out, err := exec.Command(oathtool, append(args, accounts.EncodeSecret(a.Secret))...).CombinedOutput()
		if err != nil {
			t.Fatalf("oathtool: %v: %s", err, out)
		}
		got, err := a.Code(at)
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(string(out)); got != want {
			t.Errorf("%s: code %s, oathtool %s", a.Label(), got, want)
		}
	}
}

func TestBadInput(t *testing.T) {
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata/importers", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	backup, err := exportTwofold(plainAccounts(t), Options{Password: []byte("right"), Argon2: cheapArgon2})
	if err != nil {
		t.Fatal(err)
	}
	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		c[i] ^= 0x20
		return c
	}
	for _, tc := range []struct {
		name     string
		data     []byte
		password string
		want     error
	}{
		{"aegis wrong password", read("aegis_encrypted.json"), "wrong", ErrWrongPassword},
		{"aegis no password", read("aegis_encrypted.json"), "", ErrPasswordNeeded},
		{"2fas wrong password", read("2fas_authenticator_encrypted_v4.2fas"), "wrong", ErrWrongPassword},
		{"andotp wrong password", read("andotp_encrypted.bin"), "wrong", ErrWrongPassword},
		{"andotp no password", read("andotp_encrypted.bin"), "", ErrPasswordNeeded},
		{"twofold wrong password", backup, "wrong", ErrWrongPassword},
		{"twofold no password", backup, "", ErrPasswordNeeded},
		{"twofold bit flip", flip(backup, len(backup)-5), "right", ErrDamaged},
		{"twofold truncated", backup[:len(backup)/2], "right", ErrDamaged},
		{"aegis truncated", read("aegis_plain.json")[:300], "", ErrUnknownFormat},
		{"aegis bit flip in the encrypted content", flip(read("aegis_encrypted.json"), 900), "test", ErrDamaged},
		{"andotp cut to its header", read("andotp_encrypted.bin")[:40], "test", ErrUnknownFormat},
		// andOTP has no check but GCM's tag: a cut file reads as a wrong password.
		{"andotp truncated", read("andotp_encrypted.bin")[:200], "test", ErrWrongPassword},
		{"not an export", read("README.md"), "", ErrUnknownFormat},
		{"empty file", nil, "", ErrUnknownFormat},
		{"an empty otpauth list", []byte("# my accounts\n\notpauth://\n"), "", nil},
		{"an empty Aegis vault", []byte(`{"version":1,"header":{"slots":null,"params":null},"db":{"version":3,"entries":[],"groups":[]}}`), "", ErrNoAccounts},
		{"a newer Aegis vault", []byte(`{"version":2,"header":{},"db":{}}`), "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Import(tc.data, "", []byte(tc.password))
			if err == nil && tc.name != "an empty otpauth list" {
				t.Fatalf("no error, %d accounts", len(r.Accounts))
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), "4SJHB") || strings.Count(err.Error(), ".") > 2) {
				t.Errorf("error is not one plain sentence without secrets: %v", err)
			}
			if tc.name == "an empty otpauth list" && (err != nil || len(r.Problems) != 1 || len(r.Accounts) != 0) {
				t.Errorf("a bare otpauth:// line: %v, %+v", err, r)
			}
		})
	}
}

// TestBrokenEntry: one bad entry is reported by position; the others import.
func TestBrokenEntry(t *testing.T) {
	plain, _ := os.ReadFile("testdata/importers/plain.txt")
	lines := strings.Split(strings.TrimSpace(string(plain)), "\n")
	lines[2] = strings.Replace(lines[2], "secret=7ELG", "secret=1!!!", 1)
	r, err := Import([]byte(strings.Join(lines, "\n")), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Accounts) != 6 || len(r.Problems) != 1 || !strings.HasPrefix(r.Problems[0], "line 3: ") {
		t.Errorf("%d accounts, problems %q", len(r.Accounts), r.Problems)
	}
	// A list with a comment, blank lines and a typo: the typo is named by
	// its line, never quoted (it holds a secret); the rest imports.
	list := "# my codes\n\n" + lines[0] + "\n" + strings.Replace(lines[1], "otpauth://", "otpaut://", 1) + "\n\n" + lines[2] + "\n"
	r, err = Import([]byte(list), OTPAuth, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Accounts) != 1 || len(r.Problems) != 2 ||
		r.Problems[0] != "line 4: not an otpauth:// URI, a blank line or a # comment; skipped" || !strings.HasPrefix(r.Problems[1], "line 6: otpauth URI: bad secret") {
		t.Errorf("%d accounts, problems %q", len(r.Accounts), r.Problems)
	}
	if strings.Contains(strings.Join(r.Problems, " "), "5OM4WOOG") {
		t.Error("a problem quotes the secret")
	}
	aegis, _ := os.ReadFile("testdata/importers/aegis_plain.json")
	broken := strings.Replace(string(aegis), `"algo": "SHA256"`, `"algo": "MD5"`, 1)
	r, err = Import([]byte(broken), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Accounts) != 6 || len(r.Problems) != 1 || !strings.HasPrefix(r.Problems[0], "entry 2: bad algorithm") {
		t.Errorf("aegis: %d accounts, problems %q", len(r.Accounts), r.Problems)
	}
}

func TestPreviewMarksDuplicates(t *testing.T) {
	plain := plainAccounts(t)
	again := plainAccounts(t)
	items := Preview(append(again[:3], again[2]), plain[1:2])
	var dups []bool
	for _, it := range items {
		dups = append(dups, it.Duplicate)
	}
	if fmt.Sprint(dups) != "[false true false true]" {
		t.Errorf("duplicates %v, want [false true false true]", dups)
	}
	if n := len(New(items)); n != 2 {
		t.Errorf("%d new accounts, want 2", n)
	}
	if items[1].Match != plain[1] || items[1].Note() != "already in the vault; skipped" {
		t.Errorf("the duplicate matched %v: %q", items[1].Match, items[1].Note())
	}
	// Same secret, another type or name: a new account, with a word; the
	// same name in another case is the same account, named as the vault
	// has it.
	hotp := *plain[3] // Issuu: James, HOTP
	totp, bob, shout := hotp, hotp, hotp
	totp.Kind, totp.Period, totp.Counter = accounts.TOTP, 30, 0
	bob.Name = "Bob"
	shout.Issuer, shout.Name = "ISSUU", " james "
	items = Preview([]*accounts.Account{&totp, &bob, &shout}, []*accounts.Account{plain[3]})
	for i, want := range []string{
		"new; it has the same secret as Issuu: James",
		"new; it has the same secret as Issuu: James",
		"already in the vault as Issuu: James; skipped",
	} {
		if got := items[i].Note(); got != want {
			t.Errorf("item %d: %q, want %q", i, got, want)
		}
	}
}

func TestStrength(t *testing.T) {
	for pw, want := range map[string]int{
		"":                             0,
		"abc":                          0,
		"password123":                  0,
		"aaaaaaaaaaaaaaaa":             0,
		"abcdefgh":                     0,
		"Tr0ub4dor&3":                  3,
		"correct horse battery staple": 4,
		"k8#Lq2!vZp9@wR4m":             4,
	} {
		if got, label := Strength(pw); got != want {
			t.Errorf("Strength(%q) = %d (%s), want %d", pw, got, label, want)
		}
	}
}
