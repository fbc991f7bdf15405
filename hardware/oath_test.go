//go:build cgo

package hardware_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/hardware/cardsim"
	"twofold/hardware/ykoath"
	"twofold/internal/testenv"
)

// The full stack: this client -> libpcsclite -> pcscd -> vpcd -> cardsim.
// This package uses vpcd's first reader; the CLI's tests the second.

// insert plugs a new software key into the reader and waits until pcscd
// reports it; it is pulled out when the test ends.
func insert(t testing.TB, card *cardsim.Card) (*cardsim.Plug, string) {
	t.Helper()
	addr, reader := testenv.VPCD(t, 0)
	plug, err := card.Plug(addr)
	if err != nil {
		t.Fatal(err)
	}
	waitKey(t, reader, true)
	t.Cleanup(func() {
		plug.Unplug()
		waitKey(t, reader, false)
	})
	return plug, reader
}

// ykman runs Yubico's ykman on the key in reader and returns its output;
// a failure ends the test.
func ykman(t *testing.T, reader string) func(args ...string) string {
	tool := testenv.Tool(t, "ykman")
	return func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tool, append([]string{"--reader", reader}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("ykman %v: %v: %s", args, err, out)
		}
		return string(out)
	}
}

func waitKey(t testing.TB, reader string, present bool) {
	t.Helper()
	if testenv.Until(10*time.Second, 50*time.Millisecond, func() bool {
		keys, _ := hardware.KeysIn(reader)
		return slices.ContainsFunc(keys, func(k hardware.Key) bool { return k.Reader == reader }) == present
	}) {
		return
	}
	t.Fatalf("the key in %s did not %s", reader, map[bool]string{true: "appear", false: "go"}[present])
}

func openKey(t *testing.T, reader string) *hardware.Session {
	t.Helper()
	s, err := hardware.Open(reader)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var at = time.Unix(1_700_000_000, 0)

func oathtool(t *testing.T, a *accounts.Account, at time.Time) string {
	t.Helper()
	tool := testenv.Tool(t, "oathtool")
	args := []string{"-b", "--digits", fmt.Sprint(a.Digits)}
	if a.Kind == accounts.HOTP {
		args = append(args, "--hotp", "--counter", fmt.Sprint(a.Counter))
	} else {
		args = append(args, "--totp="+strings.ToLower(string(a.Algorithm)), "--time-step-size", fmt.Sprintf("%ds", a.Period), "--now", fmt.Sprintf("@%d", at.Unix()))
	}
	out, err := exec.Command(tool, append(args, accounts.EncodeSecret(a.Secret))...).CombinedOutput()
	if err != nil {
		t.Fatalf("oathtool: %v: %s", err, out)
	}
	return strings.TrimSpace(string(out))
}

func testAccounts() []*accounts.Account {
	return []*accounts.Account{
		{Issuer: "Example", Name: "alice", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte("12345678901234567890")},
		{Issuer: "Bank", Name: "bob", Kind: accounts.TOTP, Algorithm: accounts.SHA256, Digits: 8, Period: 60, Secret: []byte("another secret for bob")},
		{Issuer: "Shop", Name: "carol", Kind: accounts.TOTP, Algorithm: accounts.SHA512, Digits: 7, Period: 15, Secret: []byte("a third secret, for SHA-512")},
		{Issuer: "Netim", Name: "dan", Kind: accounts.HOTP, Algorithm: accounts.SHA1, Digits: 6, Counter: 41, Secret: []byte("hotp secret here")},
		{Name: "no-issuer", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte("secret without an issuer")},
	}
}

func TestCodesMatchOathtool(t *testing.T) {
	card := cardsim.New(11112222)
	_, reader := insert(t, card)
	s := openKey(t, reader)
	if s.Serial != 11112222 || s.Version != "5.4.3" || s.Protected {
		t.Errorf("key info: %+v", s.Key)
	}
	accts := testAccounts()
	for _, a := range accts {
		if _, err := s.Put(a, false); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range list {
		names = append(names, c.Name)
	}
	if got, want := strings.Join(names, " | "), "Example:alice | 60/Bank:bob | 15/Shop:carol | Netim:dan | no-issuer"; got != want {
		t.Errorf("names %q, want %q", got, want)
	}
	codes, err := s.CalculateAll(at)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range codes {
		a := accts[i]
		if c.Issuer != a.Issuer || c.Account != a.Name || c.Kind != a.Kind || (a.Kind == accounts.TOTP && c.Period != a.Period) {
			t.Errorf("credential %d: %+v", i, c.Credential)
		}
		if a.Kind == accounts.HOTP {
			if c.Code != "" {
				t.Errorf("an HOTP code was computed without asking: %s", c.Code)
			}
			continue
		}
		if want := oathtool(t, a, at); c.Code != want {
			t.Errorf("%s: key %s, oathtool %s", a.Label(), c.Code, want)
		}
	}
	// HOTP: computed with the stored counter, which then goes up.
	hotp := accts[3]
	for range 2 {
		code, err := s.Calculate(codes[3].Credential, at)
		if err != nil {
			t.Fatal(err)
		}
		if want := oathtool(t, hotp, at); code != want {
			t.Errorf("HOTP at counter %d: key %s, oathtool %s", hotp.Counter, code, want)
		}
		hotp.Counter++
	}
}

// TestYkmanAgrees points Yubico's own client at cardsim: what ykman adds
// we read, what we add ykman reads, and the codes agree with oathtool.
func TestYkmanAgrees(t *testing.T) {
	for _, profile := range cardsim.Profiles {
		t.Run(profile, func(t *testing.T) { ykmanAgrees(t, profile) })
	}
}

func ykmanAgrees(t *testing.T, profile string) {
	card, err := cardsim.NewProfile(profile, 33334444)
	if err != nil {
		t.Fatal(err)
	}
	_, reader := insert(t, card)
	run := ykman(t, reader)
	run("oath", "accounts", "add", "-f", "-o", "TOTP", "-a", "SHA256", "-d", "8", "-P", "60", "Bank:bob", accounts.EncodeSecret([]byte("another secret for bob")))
	s := openKey(t, reader)
	if _, err := s.Put(testAccounts()[0], false); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if out := run("oath", "accounts", "list"); !strings.Contains(out, "60/Bank:bob") || !strings.Contains(out, "Example:alice") {
		t.Errorf("ykman lists:\n%s", out)
	}
	// ykman computes at the current time, somewhere between these two:
	// its code is oathtool's for the window at one end or the other.
	now := time.Now()
	out := run("oath", "accounts", "code", "Bank")
	after := time.Now()
	want := oathtool(t, testAccounts()[1], now)
	if alt := oathtool(t, testAccounts()[1], after); !strings.Contains(out, want) && !strings.Contains(out, alt) {
		t.Errorf("ykman's code for Bank:bob is neither of oathtool's %s and %s:\n%s", want, alt, out)
	}
	s = openKey(t, reader)
	codes, err := s.CalculateAll(now)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		if c.Name == "60/Bank:bob" && c.Code != want {
			t.Errorf("ours %s, oathtool and ykman %s", c.Code, want)
		}
	}
	s.Close()

	// ykman sets a password: we need it, a wrong one is refused.
	run("oath", "access", "change", "-n", "s3cret")
	s = openKey(t, reader)
	if !s.Protected {
		t.Error("the key does not say it is protected")
	}
	if _, err := s.List(); !errors.Is(err, hardware.ErrPasswordNeeded) {
		t.Errorf("list without the password: %v", err)
	}
	if err := s.Unlock("wrong"); !errors.Is(err, hardware.ErrWrongPassword) {
		t.Errorf("a wrong password: %v", err)
	}
	s.Close()
	s = openKey(t, reader)
	if err := s.Unlock("s3cret"); err != nil {
		t.Fatal(err)
	}
	// We change it; ykman uses the new one; we clear it.
	if err := s.SetPassword("n3w"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if out := run("oath", "accounts", "list", "-p", "n3w"); !strings.Contains(out, "Example:alice") {
		t.Errorf("ykman with our password:\n%s", out)
	}
	s = openKey(t, reader)
	if err := s.Unlock("n3w"); err != nil {
		t.Fatal(err)
	}
	if err := s.ClearPassword(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	run("oath", "accounts", "delete", "-f", "Example")
	if out := run("oath", "accounts", "list"); strings.Contains(out, "Example") {
		t.Errorf("ykman did not delete:\n%s", out)
	}
}

func TestErrors(t *testing.T) {
	card := cardsim.New(55556666)
	card.Limit = 2
	plug, reader := insert(t, card)
	s := openKey(t, reader)
	accts := testAccounts()
	for _, a := range accts[:2] {
		if _, err := s.Put(a, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Put(accts[2], false); !errors.Is(err, hardware.ErrFull) || !strings.Contains(err.Error(), "no room for another account") {
		t.Errorf("a full key: %v", err)
	}
	// PUT with an existing name replaces it, even on a full key.
	if _, err := s.Put(accts[0], true); err != nil {
		t.Errorf("replacing on a full key: %v", err)
	}
	long := &accounts.Account{Issuer: strings.Repeat("i", 40), Name: strings.Repeat("n", 30), Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte("x")}
	if _, err := s.Put(long, false); err == nil || !strings.Contains(err.Error(), "at most 64") {
		t.Errorf("a 71-byte name: %v", err)
	}
	steam := &accounts.Account{Issuer: "Steam", Name: "me", Kind: accounts.Steam, Algorithm: accounts.SHA1, Digits: 5, Period: 30, Secret: []byte("x")}
	if _, err := s.Put(steam, false); err == nil || !strings.Contains(err.Error(), "Steam") {
		t.Errorf("a Steam account: %v", err)
	}
	if err := s.Delete("Nobody:here"); !errors.Is(err, hardware.ErrNotFound) {
		t.Errorf("deleting a missing account: %v", err)
	}
	// Pulled out mid-command: the PUT never lands.
	if err := s.Delete(accts[1].Issuer + ":" + accts[1].Name); err == nil {
		t.Error("deleted a 60 s account by its name without the period")
	}
	before := card.Count()
	plug.CutOn(ykoath.InsPut)
	if _, err := s.Put(accts[3], false); !errors.Is(err, hardware.ErrRemoved) {
		t.Errorf("a key pulled out mid-command: %v", err)
	}
	if card.Count() != before {
		t.Error("a half-written account is on the key")
	}
	// And an operation after it is gone.
	if _, err := s.List(); !errors.Is(err, hardware.ErrRemoved) {
		t.Errorf("after the key was pulled out: %v", err)
	}
}

func TestTouchRenameReset(t *testing.T) {
	card := cardsim.New(77778888)
	touched := false
	card.Touch = func() bool { return touched }
	_, reader := insert(t, card)
	s := openKey(t, reader)
	a := testAccounts()[0]
	if _, err := s.Put(a, true); err != nil {
		t.Fatal(err)
	}
	codes, err := s.CalculateAll(at)
	if err != nil || len(codes) != 1 || !codes[0].Touch || codes[0].Code != "" {
		t.Fatalf("a touch credential in CalculateAll: %+v, %v", codes, err)
	}
	if _, err := s.Calculate(codes[0].Credential, at); !errors.Is(err, hardware.ErrTouch) {
		t.Errorf("without a touch: %v", err)
	}
	touched = true
	if code, err := s.Calculate(codes[0].Credential, at); err != nil || code != oathtool(t, a, at) {
		t.Errorf("after a touch: %s, %v", code, err)
	}
	if err := s.Rename("Example:alice", "Example:alice@work"); err != nil {
		t.Fatal(err)
	}
	list, _ := s.List()
	if len(list) != 1 || list[0].Account != "alice@work" {
		t.Errorf("after rename: %+v", list)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.List(); len(list) != 0 {
		t.Errorf("after reset: %+v", list)
	}
}

// TestManyCredentialsNeedSendRemaining: answers longer than one APDU
// come in parts (61xx, then SEND REMAINING), from a key that sends up to
// 256 bytes whatever Le says (Yubico's) and from one that honours Le to
// the letter (another make's), with a password set (VALIDATE answers
// data too).
func TestManyCredentialsNeedSendRemaining(t *testing.T) {
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprintf("strict Le %v", strict), func(t *testing.T) {
			card := cardsim.New(99990000)
			card.Limit, card.StrictLe = 64, strict
			_, reader := insert(t, card)
			s := openKey(t, reader)
			var accts []*accounts.Account
			for i := range 40 {
				a := &accounts.Account{Issuer: fmt.Sprintf("Service number %02d", i), Name: "someone@example.com", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("secret %02d", i))}
				if _, err := s.Put(a, false); err != nil {
					t.Fatal(err)
				}
				accts = append(accts, a)
			}
			if err := s.SetPassword("strict pw"); err != nil {
				t.Fatal(err)
			}
			s.Close()
			s = openKey(t, reader)
			if err := s.Unlock("strict pw"); err != nil {
				t.Fatal(err)
			}
			if list, err := s.List(); err != nil || len(list) != 40 {
				t.Fatalf("%d listed, %v", len(list), err)
			}
			codes, err := s.CalculateAll(at)
			if err != nil || len(codes) != 40 {
				t.Fatalf("%d codes, %v", len(codes), err)
			}
			for i, c := range codes {
				if want := oathtool(t, accts[i], at); i%13 == 0 && c.Code != want {
					t.Errorf("%s: %s, oathtool %s", c.Name, c.Code, want)
				}
			}
		})
	}
}

// TestWatch: a key shows up when plugged in and goes when pulled out.
func TestWatch(t *testing.T) {
	addr, reader := testenv.VPCD(t, 0)
	waitReaderEmpty(t, reader)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := make(chan []hardware.Key, 16)
	go hardware.Watch(ctx, reader, func(k []hardware.Key) { seen <- k })
	has := func(keys []hardware.Key) bool {
		return slices.ContainsFunc(keys, func(k hardware.Key) bool { return k.Reader == reader && k.Serial == 424242 })
	}
	waitFor := func(want bool) {
		t.Helper()
		timeout := time.After(15 * time.Second)
		for {
			select {
			case keys := <-seen:
				if has(keys) == want {
					return
				}
			case <-timeout:
				k, err := hardware.KeysIn(reader)
				t.Fatalf("Watch did not report the key %s (now: %+v, %v)", map[bool]string{true: "plugged in", false: "pulled out"}[want], k, err)
			}
		}
	}
	waitFor(false)
	plug, err := cardsim.New(424242).Plug(addr)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(true)
	plug.Unplug()
	waitFor(false)
}

// TestOpenOther: naming a second key while the first is open never opens
// the first's reader again (its transaction is ours: that waited for
// ever), so a serial that is not plugged in, or the first key's own,
// is an answer, not a hang.
func TestOpenOther(t *testing.T) {
	card := cardsim.New(55556666)
	_, reader := insert(t, card)
	first := openKey(t, reader)
	for which, want := range map[string]string{
		"12345678": "no YubiKey is plugged in",
		"55556666": "names YubiKey 55556666, the first key",
		reader:     "the first key",
	} {
		done := make(chan error, 1)
		go func() {
			k, err := hardware.OpenOther(which, first)
			if k != nil {
				k.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("OpenOther(%q) = %v, want %q", which, err, want)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("OpenOther(%q) is still waiting after 60 s", which)
		}
	}
}

// TestOtherMakeCapacity: a key of another make (no Yubico management
// application) that holds 100 accounts is not held to a YubiKey's 64:
// its count has no limit shown, and its own "no space" is "full".
func TestOtherMakeCapacity(t *testing.T) {
	card := cardsim.New(0)
	card.Limit, card.StrictLe, card.NoManagement = 100, true, true
	_, reader := insert(t, card)
	s := openKey(t, reader)
	if s.Yubico || s.Serial != 0 || s.Capacity() != 0 {
		t.Errorf("another make's key: Yubico %v, serial %d, capacity %d", s.Yubico, s.Serial, s.Capacity())
	}
	for i := range 100 {
		a := &accounts.Account{Issuer: fmt.Sprintf("S%03d", i), Name: "x", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("secret %03d", i))}
		if left, _, err := s.CheckRoom([]*accounts.Account{a}); err != nil || left != -1 {
			t.Fatalf("room for account %d: %d, %v", i+1, left, err)
		}
		if _, err := s.Put(a, false); err != nil {
			t.Fatalf("account %d: %v", i+1, err)
		}
	}
	if got := s.Used(100); got != "100 accounts" {
		t.Errorf("Used(100) = %q", got)
	}
	_, err := s.Put(&accounts.Account{Issuer: "One", Name: "more", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte("one more secret")}, false)
	if !errors.Is(err, hardware.ErrFull) {
		t.Errorf("the 101st account: %v, want ErrFull", err)
	}
}

// TestReplace: a key that refuses to overwrite a name (another make's)
// still gets a replacement through Replace, and CheckRoom tells a name
// the key has before anything is written.
func TestReplace(t *testing.T) {
	for _, refuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("refuses overwrite %v", refuse), func(t *testing.T) {
			card := cardsim.New(0)
			card.StrictLe, card.NoManagement, card.RefuseOverwrite = refuse, refuse, refuse
			_, reader := insert(t, card)
			s := openKey(t, reader)
			old, repl := testAccounts()[0], *testAccounts()[0]
			repl.Secret = []byte("the replacing secret")
			if _, err := s.Put(old, false); err != nil {
				t.Fatal(err)
			}
			if _, names, err := s.CheckRoom([]*accounts.Account{&repl, testAccounts()[1]}); err != nil || !slices.Equal(names, []string{"Example:alice"}) {
				t.Errorf("CheckRoom names %q, %v", names, err)
			}
			if _, err := s.Put(&repl, false); refuse && err == nil {
				t.Error("the key that refuses overwrites took one")
			}
			if _, err := s.Replace(&repl, false); err != nil {
				t.Fatal(err)
			}
			codes, err := s.CalculateAll(at)
			if err != nil || len(codes) != 1 || codes[0].Code != oathtool(t, &repl, at) {
				t.Errorf("after Replace: %+v, %v", codes, err)
			}
		})
	}
}

// TestBusyKey: a key another program holds (here another session of
// ours, as ykman or a second Twofold would) is given up with a sentence
// after BusyWait, not waited for for ever, and is usable once freed.
func TestBusyKey(t *testing.T) {
	card := cardsim.New(77778888)
	_, reader := insert(t, card)
	holder, err := hardware.Open(reader)
	if err != nil {
		t.Fatal(err)
	}
	old := hardware.BusyWait
	hardware.BusyWait = 300 * time.Millisecond
	defer func() { hardware.BusyWait = old }()
	if _, err := hardware.OpenKey(holder.Key); !errors.Is(err, hardware.ErrBusy) {
		t.Errorf("a key held by another session: %v, want ErrBusy", err)
	}
	holder.Close()
	hardware.BusyWait = old
	s, err := hardware.OpenKey(holder.Key)
	if err != nil {
		t.Fatalf("once freed: %v", err)
	}
	s.Close()
}

// TestOldAndOtherKeys: a YubiKey 4 (firmware 4.3.7) holds 32 and cannot
// rename, said before asking it; another make's key that cannot rename
// says so itself, and the answer is a sentence, not a status word.
func TestOldAndOtherKeys(t *testing.T) {
	for _, other := range []bool{false, true} {
		t.Run(fmt.Sprintf("other make %v", other), func(t *testing.T) {
			card := cardsim.New(31313131)
			card.Version = [3]byte{4, 3, 7}
			card.StrictLe, card.NoManagement = other, other
			_, reader := insert(t, card)
			s := openKey(t, reader)
			if want := map[bool]int{false: 32, true: 0}[other]; s.Capacity() != want {
				t.Errorf("capacity %d, want %d", s.Capacity(), want)
			}
			if _, err := s.Put(testAccounts()[0], false); err != nil {
				t.Fatal(err)
			}
			want := map[bool]string{false: "renaming needs firmware 5.3 or later; this key has 4.3.7", true: "cannot rename accounts"}[other]
			if err := s.Rename("Example:alice", "Example:al"); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("rename: %v, want %q", err, want)
			}
		})
	}
}

// TestKeysWithoutSerial: two keys of another make that tell no serial
// (cardsim's strict profile, one in each reader) are told apart by their
// OATH device id, which is the one ykman's own library computes.
func TestKeysWithoutSerial(t *testing.T) {
	// ykman's library, through the Python ykman runs with (its #! line).
	script, err := os.ReadFile(testenv.Tool(t, "ykman"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(script), "\n")
	python, ok := strings.CutPrefix(first, "#!")
	if !ok {
		t.Fatalf("ykman is not a Python script: %q", first)
	}
	for slot := range 2 {
		card, err := cardsim.NewProfile("strict", 0)
		if err != nil {
			t.Fatal(err)
		}
		addr, reader := testenv.VPCD(t, slot)
		plug, err := card.Plug(addr)
		if err != nil {
			t.Fatal(err)
		}
		waitKey(t, reader, true)
		t.Cleanup(func() { plug.Unplug(); waitKey(t, reader, false) })
	}
	keys, err := hardware.KeysIn("Virtual PCD")
	if err != nil || len(keys) != 2 {
		t.Fatalf("keys %+v, %v; want the two", keys, err)
	}
	if keys[0].Serial != 0 || keys[1].Serial != 0 || keys[0].ID() == keys[1].ID() || keys[0].Device == "" {
		t.Fatalf("two keys without a serial share an identity: %+v", keys)
	}
	for _, k := range keys {
		script := fmt.Sprintf(`from ykman.pcsc import list_devices
from yubikit.core.smartcard import SmartCardConnection
from yubikit.oath import OathSession
for d in list_devices(%q):
    with d.open_connection(SmartCardConnection) as c:
        print(OathSession(c).device_id)`, k.Reader)
		out, err := exec.Command(python, "-c", script).CombinedOutput()
		if err != nil {
			t.Fatalf("ykman's library: %v: %s", err, out)
		}
		if got := strings.TrimSpace(string(out)); got != k.Device {
			t.Errorf("%s: our device id %q, ykman's %q", k.Reader, k.Device, got)
		}
		// The device id names the key, wherever it is plugged.
		s, err := hardware.Open(k.Device)
		if err != nil {
			t.Fatalf("open by device id: %v", err)
		}
		if s.Reader != k.Reader {
			t.Errorf("device id %s opened %s, want %s", k.Device, s.Reader, k.Reader)
		}
		s.Close()
	}
	// OpenKey tells a key from another that took its reader.
	other := keys[1]
	other.Reader = keys[0].Reader
	if s, err := hardware.OpenKey(other); !errors.Is(err, hardware.ErrRemoved) {
		if s != nil {
			s.Close()
		}
		t.Errorf("OpenKey of a key in another's reader: %v, want ErrRemoved", err)
	}
}
