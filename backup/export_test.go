package backup

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"twofold/accounts"
	"twofold/internal/testenv"
	"twofold/scanner"
)

var (
	cheapArgon2 = accounts.Argon2Params{Time: 1, Memory: 8, Threads: 1}
	cheapScrypt = ScryptParams{N: 1 << 10, R: 8, P: 1}
)

// richAccounts are plain.txt's accounts with everything a vault holds:
// notes, tags, pins, an icon and recovery codes.
func richAccounts(t *testing.T) []*accounts.Account {
	accts := plainAccounts(t)
	used := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	icon, _ := os.ReadFile("testdata/account-icon.png") // a PNG icon (the vector holds it)
	accts[0].Note, accts[0].Tags, accts[0].Pinned = "main account", []string{"work", "dev"}, true
	accts[1].Tags, accts[1].Icon = []string{"work"}, icon
	accts[2].RecoveryCodes = []accounts.RecoveryCode{{Code: "1111-2222"}, {Code: "3333-4444", UsedAt: &used}}
	return accts
}

func TestRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		format   Format
		password string
		fields   fieldSet
		accts    func(*testing.T) []*accounts.Account
	}{
		{Twofold, "pw", allFields, richAccounts},
		{Aegis, "", aegisFields, richAccounts},
		{Aegis, "pw", aegisFields, richAccounts},
		{OTPAuth, "", coreFields, richAccounts},
		{GATransfer, "", coreFields, migratable},
		{QR, "", coreFields, richAccounts},
		{PDF, "", coreFields, richAccounts},
	} {
		t.Run(fmt.Sprintf("%s password=%q", tc.format, tc.password), func(t *testing.T) {
			want := tc.accts(t)
			out := filepath.Join(t.TempDir(), "export")
			w, err := Export(tc.format, want, out, Options{Password: []byte(tc.password), Argon2: cheapArgon2, Scrypt: cheapScrypt, PerCode: 2})
			if err != nil {
				t.Fatal(err)
			}
			files := w.Files
			for _, f := range files {
				if st, err := os.Stat(f); err != nil || st.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v, %v", f, st.Mode(), err)
				}
			}
			var got []*accounts.Account
			switch tc.format {
			case QR, GATransfer:
				if tc.format == GATransfer && len(files) != (len(want)+1)/2 {
					t.Errorf("%d transfer codes for %d accounts at 2 a code", len(files), len(want))
				}
				r, err := ImportImages(t.Context(), files, nil)
				if err != nil {
					t.Fatal(err)
				}
				got = r.Accounts
			case PDF:
				got = readRenderedPDF(t, files[0], want)
			default:
				data, _ := os.ReadFile(files[0])
				r, err := Import(data, "", []byte(tc.password))
				if err != nil {
					t.Fatal(err)
				}
				if r.Format != tc.format {
					t.Errorf("read back as %s", r.Format)
				}
				got = r.Accounts
			}
			if err := compare(got, want, tc.fields); err != nil {
				t.Error(err)
			}
		})
	}
}

// migratable is what Google Authenticator's transfer can hold: plain.txt
// without 7 digits, 20/50 s periods and Steam.
func migratable(t *testing.T) []*accounts.Account {
	var out []*accounts.Account
	for _, a := range plainAccounts(t) {
		if accounts.CanMigrate(a) == nil {
			out = append(out, a)
		}
	}
	if len(out) < 3 {
		t.Fatalf("only %d migratable accounts", len(out))
	}
	return out
}

// readRenderedPDF renders the sheet with poppler's pdftoppm, decodes the
// QR codes on the pages, and checks the text with pdftotext.
func readRenderedPDF(t *testing.T, file string, want []*accounts.Account) []*accounts.Account {
	pdftoppm, pdftotext := testenv.Tool(t, "pdftoppm"), testenv.Tool(t, "pdftotext")
	dir := t.TempDir()
	if out, err := exec.Command(pdftoppm, "-r", "150", "-png", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) != 2 {
		t.Errorf("%d pages for %d accounts, want 2", len(pages), len(want))
	}
	var got []*accounts.Account
	for _, p := range pages {
		// One page holds several codes: cut it into the accounts' rows.
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		texts, err := scanner.DecodeImage(img, 10*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		r := &Result{}
		r.payloads(texts, "", &scanner.Transfers{})
		got = append(got, r.Accounts...)
	}
	sorted, err := inOrderOf(got, want)
	if err != nil {
		t.Fatalf("on the rendered pages: %v", err)
	}
	text, err := exec.Command(pdftotext, "-layout", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range want {
		if !strings.Contains(string(text), GroupSecret(accounts.EncodeSecret(a.Secret))) || !strings.Contains(string(text), a.Issuer) {
			t.Errorf("the sheet's text lacks %s's issuer or grouped secret", a.Label())
		}
	}
	if !strings.Contains(string(text), "Keep it somewhere safe") || !strings.Contains(string(text), "2026") {
		t.Errorf("the sheet lacks its warning or date:\n%s", text[:min(len(text), 400)])
	}
	return sorted
}

// TestAegisStructure checks an encrypted export against the layout of
// Aegis's docs/vault.md, field by field, not only through our reader.
func TestAegisStructure(t *testing.T) {
	out := filepath.Join(t.TempDir(), "aegis.json")
	if _, err := Export(Aegis, richAccounts(t), out, Options{Password: []byte("pw"), Scrypt: cheapScrypt}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	var f struct {
		Version int `json:"version"`
		Header  struct {
			Slots  []map[string]any `json:"slots"`
			Params struct {
				Nonce string `json:"nonce"`
				Tag   string `json:"tag"`
			} `json:"params"`
		} `json:"header"`
		DB string `json:"db"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	hexOf := func(s any, n int) bool {
		str, _ := s.(string)
		b, err := hex.DecodeString(str)
		return err == nil && len(b) == n
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if f.Version != 1 || len(f.Header.Slots) != 1 {
		t.Fatalf("version %d, %d slots", f.Version, len(f.Header.Slots))
	}
	s := f.Header.Slots[0]
	kp, _ := s["key_params"].(map[string]any)
	if s["type"] != 1.0 || !uuid.MatchString(fmt.Sprint(s["uuid"])) || !hexOf(s["key"], 32) || !hexOf(s["salt"], 32) ||
		!hexOf(kp["nonce"], 12) || !hexOf(kp["tag"], 16) || s["n"] != float64(cheapScrypt.N) || s["r"] != 8.0 || s["p"] != 1.0 {
		t.Errorf("password slot does not match docs/vault.md: %v", s)
	}
	if !hexOf(f.Header.Params.Nonce, 12) || !hexOf(f.Header.Params.Tag, 16) {
		t.Errorf("params: %+v", f.Header.Params)
	}
	if _, err := base64.StdEncoding.DecodeString(f.DB); err != nil {
		t.Errorf("db is not base64: %v", err)
	}
	// The plain content: version 3, entries with the documented fields.
	plainOut := filepath.Join(t.TempDir(), "plain.json")
	if _, err := Export(Aegis, richAccounts(t), plainOut, Options{}); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(plainOut)
	var p struct {
		Header map[string]any `json:"header"`
		DB     struct {
			Version int              `json:"version"`
			Entries []map[string]any `json:"entries"`
			Groups  []map[string]any `json:"groups"`
		} `json:"db"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	if p.Header["slots"] != nil || p.Header["params"] != nil || p.DB.Version != 3 || len(p.DB.Groups) != 2 {
		t.Errorf("plain vault: header %v, content version %d, %d groups", p.Header, p.DB.Version, len(p.DB.Groups))
	}
	for _, k := range []string{"type", "uuid", "name", "issuer", "note", "favorite", "icon", "icon_mime", "icon_hash", "info", "groups"} {
		if _, ok := p.DB.Entries[0][k]; !ok {
			t.Errorf("entry lacks %q", k)
		}
	}
	if p.DB.Entries[1]["icon_mime"] != "image/png" {
		t.Errorf("icon_mime %v", p.DB.Entries[1]["icon_mime"])
	}
}

// TestVerifyCatchesMismatch: what is read back must be what was meant.
func TestVerifyCatchesMismatch(t *testing.T) {
	accts := plainAccounts(t)
	out := filepath.Join(t.TempDir(), "list.txt")
	w, err := Export(OTPAuth, accts, out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	changed := plainAccounts(t)
	changed[3].Counter++
	files := w.Files
	if err := verify(OTPAuth, files, changed, Options{}); err == nil || !strings.Contains(err.Error(), "counter differs") {
		t.Errorf("a changed counter was not caught: %v", err)
	}
	if err := verify(OTPAuth, files, changed[:6], Options{}); err == nil {
		t.Error("a missing account was not caught")
	}
}

func TestExportRefusals(t *testing.T) {
	dir := t.TempDir()
	if _, err := Export(Twofold, plainAccounts(t), filepath.Join(dir, "b"), Options{}); err == nil {
		t.Error("a Twofold backup without a password was written")
	}
	if _, err := Export(GATransfer, plainAccounts(t), filepath.Join(dir, "ga"), Options{}); err == nil || !strings.Contains(err.Error(), "Steam") {
		t.Errorf("a transfer with a Steam account: %v", err)
	}
	if _, err := Export(OTPAuth, nil, filepath.Join(dir, "e"), Options{}); err == nil {
		t.Error("an empty export was written")
	}
}

// TestManyAccounts: 5,000 accounts survive the file formats.
func TestManyAccounts(t *testing.T) {
	accts := manyAccounts(5000)
	for _, f := range []Format{Twofold, Aegis, OTPAuth} {
		out := filepath.Join(t.TempDir(), "many")
		if _, err := Export(f, accts, out, Options{Password: []byte("pw"), Argon2: cheapArgon2, Scrypt: cheapScrypt}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		data, _ := os.ReadFile(out)
		r, err := Import(data, "", []byte("pw"))
		if err != nil || len(r.Accounts) != 5000 {
			t.Errorf("%s: %v, %d accounts", f, err, len(r.Accounts))
		}
	}
}

func manyAccounts(n int) []*accounts.Account {
	accts := make([]*accounts.Account, n)
	for i := range accts {
		accts[i] = &accounts.Account{Issuer: fmt.Sprintf("Service %d", i), Name: fmt.Sprintf("user%d@example.com", i),
			Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("secret-%08d-abcdefgh", i))}
	}
	return accts
}

// TestBackupVector reads a backup written by this version and kept in
// testdata, so a later Twofold that cannot read it fails here. The file
// is described in docs/vault-format.md (password: "vector password").
func TestBackupVector(t *testing.T) {
	data, err := os.ReadFile("testdata/vector-backup-v1.twofold")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Import(data, "", []byte("vector password"))
	if err != nil {
		t.Fatal(err)
	}
	if err := compare(r.Accounts, richAccounts(t), allFields); err != nil {
		t.Error(err)
	}
}

// TestAegisAsAegisReadsIt: the Aegis export read by the rules of Aegis's
// own importer (aegisConforms, written from its VaultEntry, OtpInfo and
// VaultEntryIcon), not only by Twofold's lenient reader: an HOTP account
// at counter 0 keeps its "counter", an SVG icon is "image/svg+xml" (an
// icon type Aegis does not take is left out and said), long and
// non-Latin names survive. The hand-made files below show the rules
// catch what Aegis refuses.
func TestAegisAsAegisReadsIt(t *testing.T) {
	svg := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!-- an icon -->
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>`)
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	jpeg := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	accts := richAccounts(t)
	accts[3].Counter = 0 // HOTP at counter 0: the case Aegis refused
	accts[0].Icon = svg
	accts[2].Icon = gif
	accts[4].Icon, accts[4].IconType = jpeg, "image/jpeg"
	accts[5].Name = strings.Repeat("très-long.adresse@exemple.fr ", 4) + "二要素認証"
	for _, password := range []string{"", "pw"} {
		out := filepath.Join(t.TempDir(), "aegis.json")
		w, err := Export(Aegis, accts, out, Options{Password: []byte(password), Scrypt: cheapScrypt})
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Notes) != 1 || !strings.Contains(w.Notes[0], "Airbnb: Elijah: its icon (image/gif) was left out: Aegis takes PNG, JPEG and SVG icons") {
			t.Errorf("notes %q, want the GIF icon named", w.Notes)
		}
		data, _ := os.ReadFile(out)
		content, err := aegisContentOf(data, []byte(password))
		if err != nil {
			t.Fatal(err)
		}
		if err := aegisConforms(content); err != nil {
			t.Errorf("password %q: %v", password, err)
		}
		var c struct {
			Entries []struct {
				Name     string          `json:"name"`
				IconMime *string         `json:"icon_mime"`
				IconHash string          `json:"icon_hash"`
				Info     map[string]any  `json:"info"`
				Icon     json.RawMessage `json:"icon"`
			} `json:"entries"`
		}
		if err := json.Unmarshal(content, &c); err != nil {
			t.Fatal(err)
		}
		if got := c.Entries[3].Info["counter"]; got != 0.0 {
			t.Errorf("the HOTP entry's counter is %v, want 0", got)
		}
		if m := c.Entries[0].IconMime; m == nil || *m != "image/svg+xml" {
			t.Errorf("the SVG icon's type is %v", m)
		}
		sum := sha256.Sum256(append([]byte("image/svg+xml"), svg...))
		if c.Entries[0].IconHash != hex.EncodeToString(sum[:]) {
			t.Error("the icon hash is not Aegis's: SHA-256 of the type and the bytes")
		}
		if string(c.Entries[2].Icon) != "null" || c.Entries[2].IconMime != nil {
			t.Errorf("the GIF icon was written: %s", c.Entries[2].Icon)
		}
		if c.Entries[5].Name != accts[5].Name {
			t.Errorf("the long name came back as %q", c.Entries[5].Name)
		}
		// Read back by Twofold, icons keep their type.
		r, err := Import(data, Aegis, []byte(password))
		if err != nil {
			t.Fatal(err)
		}
		if r.Accounts[0].IconType != "image/svg+xml" || !bytes.Equal(r.Accounts[0].Icon, svg) || r.Accounts[4].IconType != "image/jpeg" {
			t.Errorf("icons read back as %q and %q", r.Accounts[0].IconType, r.Accounts[4].IconType)
		}
	}

	// What Aegis's importer refuses, aegisConforms refuses.
	good := `{"type":"hotp","uuid":"01234567-89ab-4cde-8f01-23456789abcd","name":"a","issuer":"b","note":"","favorite":false,"icon":null,"info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"counter":0},"groups":[]}`
	for name, tc := range map[string]struct{ from, to, want string }{
		"no counter":        {`,"counter":0`, ``, `no "counter"`},
		"counter as string": {`"counter":0`, `"counter":"0"`, `no "counter"`},
		"no icon field":     {`"icon":null,`, ``, `"icon"`},
		"icon as text":      {`"icon":null`, `"icon":"PHN2Zz4=","icon_mime":"text/plain; charset=utf-8"`, `text/plain`},
		"padded secret":     {`JBSWY3DPEHPK3PXP`, `JBSWY3DPEHPK3PX=`, `base32`},
		"unknown group":     {`"groups":[]`, `"groups":["01234567-89ab-4cde-8f01-23456789abce"]`, `group`},
		"TOTP no period":    {`"type":"hotp"`, `"type":"totp"`, `no "period"`},
		"no issuer":         {`"issuer":"b",`, ``, `issuer`},
	} {
		entry := strings.Replace(good, tc.from, tc.to, 1)
		err := aegisConforms([]byte(`{"version":3,"entries":[` + entry + `],"groups":[]}`))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	if err := aegisConforms([]byte(`{"version":3,"entries":[` + good + `],"groups":[]}`)); err != nil {
		t.Errorf("a good entry: %v", err)
	}
}

// TestOTPAuthAsOthersReadIt: the URI list by the Key URI Format's rules.
func TestOTPAuthAsOthersReadIt(t *testing.T) {
	accts := richAccounts(t)
	accts[3].Counter = 0
	out := filepath.Join(t.TempDir(), "list.txt")
	if _, err := Export(OTPAuth, accts, out, Options{}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	if err := otpauthConforms(data); err != nil {
		t.Error(err)
	}
	if !strings.Contains(string(data), "otpauth://hotp/Issuu:James?secret=YOOMIXWS5GN6RTBPUFFWKTW5M4&issuer=Issuu&algorithm=SHA1&digits=6&counter=0") {
		t.Errorf("the HOTP account at counter 0 is not written with its counter:\n%s", data)
	}
	for _, bad := range []string{
		"otpauth://hotp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A",
		"otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=B",
		"otpauth://totp/A:b?secret=jbswy3dpehpk3pxp",
		"otpaut://totp/A:b?secret=JBSWY3DPEHPK3PXP",
	} {
		if err := otpauthConforms([]byte(bad)); err == nil {
			t.Errorf("%s passed", bad)
		}
	}
}

// TestTransferLongNames: ten accounts with names of about 120 characters
// made "Data too big" for one QR code; now they are split by size, every
// code is drawn, and the export reads back whole.
func TestTransferLongNames(t *testing.T) {
	var accts []*accounts.Account
	for i := range 10 {
		a := *migratable(t)[i%3]
		a.Name = fmt.Sprintf("%02d.", i) + strings.Repeat("prénom.nom", 11) + "@exemple.fr"
		accts = append(accts, &a)
	}
	w, err := Export(GATransfer, accts, filepath.Join(t.TempDir(), "transfer"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Files) < 2 {
		t.Errorf("%d codes for ten long names", len(w.Files))
	}
	codes, err := TransferCodes(accts, 60)
	if err != nil || len(codes) != len(w.Files) {
		t.Errorf("at 60 a code: %d codes, %v; want %d, as at 10", len(codes), err, len(w.Files))
	}
}

// TestSheetNames: on the printed sheet a 72-character e-mail and a
// 300-character name stay within the margin (wrapped, then shortened
// with "…"; the QR code keeps them whole), and Chinese, Japanese, Korean
// and symbols are printed in embedded fonts that have their glyphs.
func TestSheetNames(t *testing.T) {
	pdftotext, pdffonts := testenv.Tool(t, "pdftotext"), testenv.Tool(t, "pdffonts")
	accts := migratable(t)[:3]
	accts[0].Name = strings.Repeat("a", 60) + "@example.com" // 72 characters
	accts[1].Name = strings.Repeat("Longname ", 33) + "end"  // 300 characters
	accts[2].Issuer, accts[2].Name = "二要素認証", "テスト 계정 ★ ✓ Ωμέγα"
	out := filepath.Join(t.TempDir(), "sheet.pdf")
	if _, err := Export(PDF, accts, out, Options{}); err != nil {
		t.Fatal(err) // Export decodes every QR code: the names are whole there
	}
	bbox, err := exec.Command(pdftotext, "-bbox", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	right := 195 / 25.4 * 72 // the right margin, in points
	words := regexp.MustCompile(`<word xMin="[0-9.]+" yMin="[0-9.]+" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)</word>`).FindAllStringSubmatch(string(bbox), -1)
	if len(words) == 0 {
		t.Fatalf("no words in:\n%s", bbox)
	}
	for _, w := range words {
		var x float64
		fmt.Sscan(w[1], &x)
		if x > right+0.5 {
			t.Errorf("%q runs past the margin (%.0f pt > %.0f)", w[2], x, right)
		}
	}
	text, _ := exec.Command(pdftotext, out, "-").Output()
	for _, want := range []string{"aaaaaaaa", "Longname", "…", "二要素認証", "テスト", "계정", "★", "✓", "Ωμέγα"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the sheet's text lacks %q", want)
		}
	}
	if strings.Count(string(text), "Longname") > 30 {
		t.Error("the 300-character name was not shortened")
	}
	fonts, _ := exec.Command(pdffonts, out).Output()
	for _, f := range []string{"utf8droid", "utf8dejavu", "utf8nanum"} {
		if !strings.Contains(string(fonts), f) {
			t.Errorf("%s is not embedded:\n%s", f, fonts)
		}
	}
	for _, r := range "二要素認証テスト계정★✓Ωμέγα" {
		if f := fontFor(r); !f.covers(r) {
			t.Errorf("no embedded font has %q", r)
		}
	}
}
