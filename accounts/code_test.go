package accounts

import (
	"crypto/hmac"
	"crypto/sha1"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
	"time"

	"twofold/internal/testenv"
)

func TestRFC4226(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for counter, w := range want {
		a := &Account{Kind: HOTP, Algorithm: SHA1, Digits: 6, Counter: uint64(counter), Secret: []byte("12345678901234567890")}
		got, err := a.Code(time.Time{})
		if err != nil || got != w {
			t.Errorf("counter %d: got %q, %v; want %s", counter, got, err, w)
		}
	}
}

func TestRFC6238(t *testing.T) {
	secrets := map[Algorithm]string{
		SHA1:   "12345678901234567890",
		SHA256: "12345678901234567890123456789012",
		SHA512: "1234567890123456789012345678901234567890123456789012345678901234",
	}
	tests := []struct {
		unix int64
		want map[Algorithm]string
	}{
		{59, map[Algorithm]string{SHA1: "94287082", SHA256: "46119246", SHA512: "90693936"}},
		{1111111109, map[Algorithm]string{SHA1: "07081804", SHA256: "68084774", SHA512: "25091201"}},
		{1111111111, map[Algorithm]string{SHA1: "14050471", SHA256: "67062674", SHA512: "99943326"}},
		{1234567890, map[Algorithm]string{SHA1: "89005924", SHA256: "91819424", SHA512: "93441116"}},
		{2000000000, map[Algorithm]string{SHA1: "69279037", SHA256: "90698825", SHA512: "38618901"}},
		{20000000000, map[Algorithm]string{SHA1: "65353130", SHA256: "77737706", SHA512: "47863826"}},
	}
	for _, tt := range tests {
		for algo, want := range tt.want {
			a := &Account{Kind: TOTP, Algorithm: algo, Digits: 8, Period: 30, Secret: []byte(secrets[algo])}
			got, err := a.Code(time.Unix(tt.unix, 0))
			if err != nil || got != want {
				t.Errorf("%s at %d: got %q, %v; want %s", algo, tt.unix, got, err, want)
			}
		}
	}
}

// Published Steam Guard vectors (steampy's and an independent TypeScript
// implementation's tests).
func TestSteam(t *testing.T) {
	tests := []struct {
		secret string
		unix   int64
		want   string
	}{
		{"1234567890abcdefghij", 1469184207, "P2QJN"},
		{string(make([]byte, 20)), 0, "RYH4D"},
		{string(make([]byte, 20)), 30, "DR2DK"},
	}
	for _, tt := range tests {
		a := &Account{Kind: Steam, Algorithm: SHA1, Digits: 5, Period: 30, Secret: []byte(tt.secret)}
		got, err := a.Code(time.Unix(tt.unix, 0))
		if err != nil || got != tt.want {
			t.Errorf("steam at %d: got %q, %v; want %s", tt.unix, got, err, tt.want)
		}
	}
}

func TestRemaining(t *testing.T) {
	a := &Account{Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("x")}
	tests := []struct {
		at   time.Time
		want time.Duration
	}{
		{time.Unix(60, 0), 30 * time.Second},
		{time.Unix(61, 0), 29 * time.Second},
		{time.Unix(89, 500e6), 500 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := a.Remaining(tt.at); got != tt.want {
			t.Errorf("Remaining(%v) = %v, want %v", tt.at.Unix(), got, tt.want)
		}
	}
	a.Period = 60
	if got := a.Remaining(time.Unix(61, 0)); got != 59*time.Second {
		t.Errorf("60 s period: Remaining = %v, want 59s", got)
	}
	h := &Account{Kind: HOTP}
	if got := h.Remaining(time.Unix(61, 0)); got != 0 {
		t.Errorf("HOTP Remaining = %v, want 0", got)
	}
}

func TestNextAdvancesHOTP(t *testing.T) {
	a := &Account{Kind: HOTP, Algorithm: SHA1, Digits: 6, Counter: 0, Secret: []byte("12345678901234567890")}
	code, err := a.Next()
	if err != nil || code != "287082" || a.Counter != 1 {
		t.Fatalf("Next = %q, %v, counter %d; want 287082, counter 1", code, err, a.Counter)
	}
	totp := &Account{Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("x")}
	if _, err := totp.Next(); err == nil {
		t.Error("Next on a TOTP account succeeded")
	}
}

func TestCodeRefusesInvalid(t *testing.T) {
	if _, err := (&Account{Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30}).Code(time.Now()); err == nil {
		t.Error("an empty secret gave a code")
	}
}

// TestAgainstOathtool compares many random accounts with Debian's
// oathtool, an implementation nobody here wrote.
func TestAgainstOathtool(t *testing.T) {
	oathtool := testenv.Tool(t, "oathtool")
	r := rand.New(rand.NewPCG(1, 2))
	algos := []Algorithm{SHA1, SHA256, SHA512}
	for i := 0; i < 300; i++ {
		secret := make([]byte, 10+r.IntN(55))
		for j := range secret {
			secret[j] = byte(r.UintN(256))
		}
		a := &Account{Algorithm: algos[r.IntN(3)], Digits: 6 + r.IntN(3), Secret: secret} // oathtool does 6 to 8 digits
		args := []string{"-b", "--digits", fmt.Sprint(a.Digits)}
		var at time.Time
		if r.IntN(3) == 0 {
			a.Kind, a.Counter = HOTP, r.Uint64N(1<<40)
			args = append(args, "--hotp", "--counter", fmt.Sprint(a.Counter))
		} else {
			a.Kind, a.Period = TOTP, 1+r.IntN(300)
			at = time.Unix(r.Int64N(4102444800), 0) // up to 2100
			args = append(args, "--totp="+strings.ToLower(string(a.Algorithm)), "--time-step-size", fmt.Sprintf("%ds", a.Period), "--now", fmt.Sprintf("@%d", at.Unix()))
		}
		if a.Kind == HOTP && a.Algorithm != SHA1 {
			a.Algorithm = SHA1 // oathtool's HOTP is SHA1 only
		}
		out, err := exec.Command(oathtool, append(args, EncodeSecret(secret))...).CombinedOutput()
		if err != nil {
			t.Fatalf("oathtool %v: %v: %s", args, err, out)
		}
		got, err := a.Code(at)
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(string(out)); got != want {
			t.Errorf("case %d (%s %s %d digits): ours %s, oathtool %s", i, a.Kind, a.Algorithm, a.Digits, got, want)
		}
	}
}

func BenchmarkCodes1000(b *testing.B) {
	accts := make([]*Account, 1000)
	for i := range accts {
		accts[i] = &Account{Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("secret-%04d-abcdefghij", i))}
	}
	now := time.Now()
	b.ResetTimer()
	for b.Loop() {
		for _, a := range accts {
			if _, err := a.Code(now); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestGroupCode(t *testing.T) {
	for in, want := range map[string]string{"123456": "123 456", "1234567": "123 4567", "12345678": "1234 5678", "BJ3MJ": "BJ3MJ", "1234567890": "12345 67890"} {
		if got := GroupCode(in); got != want {
			t.Errorf("GroupCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkRawHMAC1000 is the floor for BenchmarkCodes1000: one
// HMAC-SHA1 per account and nothing else, measured in the same run.
func BenchmarkRawHMAC1000(b *testing.B) {
	keys := make([][]byte, 1000)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("secret-%04d-abcdefghij", i))
	}
	msg := make([]byte, 8)
	for b.Loop() {
		for _, k := range keys {
			m := hmac.New(sha1.New, k)
			m.Write(msg)
			m.Sum(nil)
		}
	}
}
