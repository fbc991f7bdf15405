package accounts

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"twofold/internal/hostile"
)

func TestParseMigrationPublished(t *testing.T) {
	tests := []struct {
		name, uri            string
		issuer, user, secret string
	}{
		// Published examples of Google Authenticator transfer links.
		{"name carries issuer prefix", "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC",
			"Example", "alice@google.com", "JBSWY3DPEHPK3PXP"},
		{"escaped base64", "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B",
			"raspberrypi", "pi@raspberrypi", "7KSQL2JTUDIS5EF65KLMRQIIGY"},
		{"plus handed back as space", "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK /////8B",
			"raspberrypi", "pi@raspberrypi", "7KSQL2JTUDIS5EF65KLMRQIIGY"},
		{"unescaped plus", "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK+/////8B",
			"raspberrypi", "pi@raspberrypi", "7KSQL2JTUDIS5EF65KLMRQIIGY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseMigration(tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Accounts) != 1 {
				t.Fatalf("%d accounts, want 1", len(b.Accounts))
			}
			a := b.Accounts[0]
			if a.Issuer != tt.issuer || a.Name != tt.user || EncodeSecret(a.Secret) != tt.secret || a.Kind != TOTP || a.Digits != 6 || a.Period != 30 {
				t.Errorf("got %+v", a)
			}
			if b.Size != 1 || b.Index != 0 {
				t.Errorf("batch %d of %d, want 0 of 1", b.Index, b.Size)
			}
		})
	}
}

func testAccounts(n int) []*Account {
	var out []*Account
	for i := 0; i < n; i++ {
		a := &Account{Issuer: fmt.Sprintf("Issuer %d", i), Name: fmt.Sprintf("user%d@example.com", i), Kind: TOTP,
			Algorithm: []Algorithm{SHA1, SHA256, SHA512}[i%3], Digits: []int{6, 8}[i%2], Period: 30,
			Secret: []byte(fmt.Sprintf("secret number %05d", i))}
		if i%4 == 3 {
			a.Kind, a.Period, a.Counter = HOTP, 0, uint64(i*1000)
		}
		out = append(out, a)
	}
	return out
}

func TestMigrationRoundTrip(t *testing.T) {
	for _, n := range []int{1, 7, 10, 11, 25, 100} {
		accts := testAccounts(n)
		uris, err := EncodeMigration(accts, 10)
		if err != nil {
			t.Fatal(err)
		}
		if want := (n + 9) / 10; len(uris) != want {
			t.Fatalf("%d accounts: %d codes, want %d", n, len(uris), want)
		}
		var got []*Account
		id := -1
		for i, u := range uris {
			b, err := ParseMigration(u)
			if err != nil {
				t.Fatalf("%d accounts, part %d: %v", n, i, err)
			}
			if b.Index != i || b.Size != len(uris) || b.Version != 1 {
				t.Errorf("part %d: index %d size %d version %d", i, b.Index, b.Size, b.Version)
			}
			if id != -1 && b.ID != id {
				t.Errorf("part %d has batch id %d, part 0 had %d", i, b.ID, id)
			}
			id = b.ID
			got = append(got, b.Accounts...)
		}
		if len(got) != n {
			t.Fatalf("%d accounts came back, want %d", len(got), n)
		}
		for i := range got {
			if !sameAccount(got[i], accts[i]) {
				t.Errorf("account %d: got %+v want %+v", i, got[i], accts[i])
			}
		}
	}
}

func TestMigrationRefusesWhatItCannotHold(t *testing.T) {
	for _, a := range []*Account{
		{Issuer: "S", Name: "s", Kind: Steam, Algorithm: SHA1, Digits: 5, Period: 30, Secret: []byte("x")},
		{Issuer: "S", Name: "s", Kind: TOTP, Algorithm: SHA1, Digits: 7, Period: 30, Secret: []byte("x")},
		{Issuer: "S", Name: "s", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 60, Secret: []byte("x")},
	} {
		if _, err := EncodeMigration([]*Account{a}, 10); err == nil {
			t.Errorf("%+v was encoded", a)
		}
	}
}

func TestParseMigrationErrors(t *testing.T) {
	good, _ := EncodeMigration(testAccounts(3), 10)
	u, _ := url.Parse(good[0])
	raw, _ := base64.StdEncoding.DecodeString(u.Query().Get("data"))
	data := func(raw []byte) string {
		return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(raw))
	}
	tests := []struct{ name, uri, want string }{
		{"not migration", "otpauth://totp/x?secret=AA", "does not start with otpauth-migration"},
		{"no data", "otpauth-migration://offline", "no data"},
		{"not base64", "otpauth-migration://offline?data=" + url.QueryEscape("!!!!"), "not valid base64"},
		// Cut inside the first account, whose length says it goes on.
		{"truncated protobuf", data(raw[:10]), ""},
		{"empty payload", "otpauth-migration://offline?data=EAE%3D", "no accounts"},
	}
	for _, tt := range tests {
		b, err := ParseMigration(tt.uri)
		if err == nil {
			t.Errorf("%s: no error (batch %+v)", tt.name, b)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q, want it to say %q", tt.name, err, tt.want)
		}
	}
}

func TestParseMigrationReportsBadEntryAndKeepsRest(t *testing.T) {
	accts := testAccounts(3)
	accts[1].Secret = nil // an entry with no secret
	var msg []byte
	for _, a := range accts {
		msg = append(msg, 0x0a)
		p := encodeOTPParameters(a)
		msg = append(msg, byte(len(p)))
		msg = append(msg, p...)
	}
	uri := "otpauth-migration://offline?data=" + url.QueryEscape(b64(msg))
	b, err := ParseMigration(uri)
	if err == nil || !strings.Contains(err.Error(), "entry 2") {
		t.Fatalf("error %v, want one naming entry 2", err)
	}
	if b == nil || len(b.Accounts) != 2 {
		t.Fatalf("batch %+v, want the 2 good accounts", b)
	}
}

func FuzzParseMigration(f *testing.F) {
	uris, _ := EncodeMigration(testAccounts(5), 10)
	f.Add(uris[0])
	f.Add("otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC")
	f.Add(hostile.TransferURI(2147483647))
	f.Add(hostile.TransferURI(100))
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseMigration(s)
		if b == nil {
			return
		}
		if b.Size > MaxTransferParts || b.Index >= b.Size {
			t.Fatalf("part %d of %d came through", b.Index, b.Size)
		}
		for _, a := range b.Accounts {
			if err := a.Validate(); err != nil {
				t.Fatalf("decoded an invalid account: %v", err)
			}
			if err != nil && len(a.Secret) >= 5 && strings.Contains(err.Error(), EncodeSecret(a.Secret)) {
				t.Fatalf("the error shows a secret: %v", err)
			}
		}
	})
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// TestMigrationSplitsBySize: long names make fewer accounts a code, so
// every code stays within what a phone's camera reads well; a perCode
// out of range is refused, not taken for 10.
func TestMigrationSplitsBySize(t *testing.T) {
	long := testAccounts(10)
	for i, a := range long {
		a.Name = fmt.Sprintf("%03d-", i) + strings.Repeat("long.address", 10) + "@example.com" // about 120 characters
	}
	for _, tc := range []struct {
		name    string
		accts   []*Account
		perCode int
	}{
		{"long names", long, 10},
		{"60 a code", testAccounts(120), 60},
		{"one a code", testAccounts(3), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			uris, err := EncodeMigration(tc.accts, tc.perCode)
			if err != nil {
				t.Fatal(err)
			}
			var got []*Account
			for _, u := range uris {
				if len(u) > MaxTransferCode {
					t.Errorf("a code of %d bytes, over %d", len(u), MaxTransferCode)
				}
				b, err := ParseMigration(u)
				if err != nil {
					t.Fatal(err)
				}
				if len(b.Accounts) > tc.perCode {
					t.Errorf("a code holds %d accounts, over %d", len(b.Accounts), tc.perCode)
				}
				got = append(got, b.Accounts...)
			}
			if len(got) != len(tc.accts) {
				t.Fatalf("%d accounts back, %d written", len(got), len(tc.accts))
			}
			for i := range got {
				if got[i].Name != tc.accts[i].Name || !bytes.Equal(got[i].Secret, tc.accts[i].Secret) {
					t.Errorf("account %d came back as %s", i, got[i].Label())
				}
			}
		})
	}
	for _, n := range []int{0, -1, MaxPerCode + 1} {
		if _, err := EncodeMigration(testAccounts(3), n); err == nil || !strings.Contains(err.Error(), "a transfer code holds 1 to 100 accounts") {
			t.Errorf("perCode %d: %v", n, err)
		}
	}
	huge := testAccounts(1)
	huge[0].Name = strings.Repeat("x", 2000)
	if _, err := EncodeMigration(huge, 10); err == nil || !strings.Contains(err.Error(), "too long for a transfer code") {
		t.Errorf("a 2000-character name: %v", err)
	}
}
