package ykoath

import (
	"bytes"
	"crypto/hmac"
	"testing"
)

// TestShortenKey: a key stores a long secret hashed, and the codes it
// makes must stay those of the whole secret.
func TestShortenKey(t *testing.T) {
	long := bytes.Repeat([]byte("0123456789"), 20) // 200 bytes: over every block
	for _, algo := range []byte{AlgoSHA1, AlgoSHA256, AlgoSHA512} {
		short := ShortenKey(long, algo)
		if len(short) >= len(long) {
			t.Errorf("algo %d: not shortened (%d bytes)", algo, len(short))
		}
		a, b := hmac.New(Hash(algo), long), hmac.New(Hash(algo), short)
		a.Write([]byte("challenge"))
		b.Write([]byte("challenge"))
		if !bytes.Equal(a.Sum(nil), b.Sum(nil)) {
			t.Errorf("algo %d: the shortened key gives other codes", algo)
		}
		if got := ShortenKey([]byte("short"), algo); string(got) != "short" {
			t.Errorf("algo %d: a short secret changed", algo)
		}
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		issuer, name string
		totp         bool
		period       int
		stored       string
	}{
		{"GitHub", "alice", true, 30, "GitHub:alice"},
		{"Bank", "bob", true, 60, "60/Bank:bob"},
		{"", "carol", true, 15, "15/carol"},
		{"Netim", "dan:work", false, 0, "Netim:dan:work"},
		{"", "erin", false, 0, "erin"},
		// An issuer or name that starts like a period keeps its meaning.
		{"15/Corp", "dora", true, 30, "30/15/Corp:dora"},
		{"", "15/dora", true, 30, "30/15/dora"},
		{"15/Corp", "dora", true, 60, "60/15/Corp:dora"},
		{"15/Corp", "dora", false, 0, "15/Corp:dora"},
	} {
		if got := CredentialName(tc.issuer, tc.name, tc.totp, tc.period); got != tc.stored {
			t.Errorf("CredentialName = %q, want %q", got, tc.stored)
		}
		i, n, p := ParseName(tc.stored, tc.totp)
		if i != tc.issuer || n != tc.name || p != tc.period {
			t.Errorf("ParseName(%q) = %q %q %d", tc.stored, i, n, p)
		}
	}
}

func TestTLVAndCode(t *testing.T) {
	long := bytes.Repeat([]byte{7}, 300)
	b := Append(Append(nil, TagName, []byte("x")), TagResponse, long)
	b = append(b, TagProperty, PropRequireTouch)
	tlvs, err := Parse(b)
	if err != nil || len(tlvs) != 3 || !bytes.Equal(Find(tlvs, TagResponse), long) || Find(tlvs, TagProperty)[0] != PropRequireTouch {
		t.Fatalf("round trip: %v, %v", tlvs, err)
	}
	if _, err := Parse([]byte{TagName, 5, 1}); err == nil {
		t.Error("a cut TLV parsed")
	}
	// RFC 4226's truncation example: 0x50ef7f19, 6 digits -> 872921.
	if code, err := FormatCode([]byte{6, 0x50, 0xef, 0x7f, 0x19}); err != nil || code != "872921" {
		t.Errorf("FormatCode = %s, %v", code, err)
	}
}
