//go:build cgo

package hardware_test

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/hardware/cardsim"
	"twofold/internal/testenv"
)

// TestPIV: through pcscd and vpcd, Twofold makes its vault key on the
// card in the first free retired slot, marks it, finds it again, and
// the card's ECDH opens a vault's yubikey slot; a wrong PIN says the
// tries left, a blocked PIN says what the PUK is for, another
// application's key in slot 82 is never used, and OATH keeps working on
// the same key.
func TestPIV(t *testing.T) {
	for _, profile := range []string{"yubikey", "old"} {
		t.Run(profile, func(t *testing.T) { testPIV(t, profile) })
	}
}

func testPIV(t *testing.T, profile string) {
	card, err := cardsim.NewProfile(profile, 5150)
	if err != nil {
		t.Fatal(err)
	}
	plug, reader := insert(t, card)
	open := func() *hardware.PIV {
		t.Helper()
		p, err := hardware.OpenPIV(reader)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	p := open()
	if p.Serial != 5150 {
		t.Errorf("serial %d", p.Serial)
	}
	if _, err := p.Find("cafe"); !errors.Is(err, hardware.ErrNoVaultKey) {
		t.Errorf("a new key: %v", err)
	}
	k, warning, err := p.Create(cardsim.DefaultPIN, "cafe", 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if k.Slot != 0x82 || warning == "" {
		t.Errorf("slot %02x, warning %q (the default management key deserves one)", k.Slot, warning)
	}
	if _, _, err := p.Create(cardsim.DefaultPIN, "cafe", 0, false); err == nil {
		t.Error("a second key for the same vault was made")
	}
	// A second vault's key goes to the next free slot.
	k2, _, err := p.Create(cardsim.DefaultPIN, "beef", 0, true)
	if err != nil || k2.Slot != 0x83 {
		t.Fatalf("second vault: slot %02x, %v", k2.Slot, err)
	}
	// Which slot wants a touch, where the firmware can say (5.3 on).
	if profile == "yubikey" && (!p.NeedsTouch(0x83) || p.NeedsTouch(0x82)) {
		t.Error("the touch policies are not told apart")
	}
	p.Close()
	touchPath := filepath.Join(t.TempDir(), "touch.twofold")
	tv, err := accounts.Create(touchPath, &accounts.YubiKeySlot{Ref: accounts.YubiKeyRef{Serial: 5150, Slot: k2.Slot, Public: k2.Public, Cert: k2.Cert}})
	if err != nil {
		t.Fatal(err)
	}
	tv.Close()
	asked := 0
	if _, err := accounts.Read(touchPath, hardware.Unlocker(func(string) ([]byte, error) { return []byte(cardsim.DefaultPIN), nil },
		func(string) { asked++ })); err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"yubikey": 1, "old": 0}[profile]; asked != want {
		t.Errorf("asked for a touch %d times, want %d", asked, want)
	}

	// The vault: a yubikey slot for the card's key, opened by the card.
	path := filepath.Join(t.TempDir(), "vault.twofold")
	v, err := accounts.Create(path, &accounts.YubiKeySlot{Ref: accounts.YubiKeyRef{Serial: 5150, Slot: k.Slot, Public: k.Public, Cert: k.Cert}})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	agree := func(pin string) *accounts.YubiKeyUnlocker {
		return &accounts.YubiKeyUnlocker{Agree: func(ref accounts.YubiKeyRef, peer *ecdh.PublicKey) ([]byte, error) {
			p := open()
			defer p.Close()
			found, err := p.Find("cafe")
			if err != nil {
				return nil, err
			}
			if found.Slot != ref.Slot {
				t.Errorf("found slot %02x, the vault says %02x", found.Slot, ref.Slot)
			}
			return p.Agree(ref.Slot, ref.Public, ref.Cert, pin, peer)
		}}
	}
	if _, err := accounts.Read(path, agree(cardsim.DefaultPIN)); err != nil {
		t.Fatalf("unlock with the card: %v", err)
	}
	var wrong hardware.WrongPINError
	if _, err := accounts.Read(path, agree("000000")); !errors.As(err, &wrong) || wrong.Left != 2 {
		t.Errorf("wrong PIN: %v", err)
	}
	// The right PIN resets the count.
	if _, err := accounts.Read(path, agree(cardsim.DefaultPIN)); err != nil {
		t.Fatal(err)
	}

	// OATH on the same key, between PIV sessions.
	s := openKey(t, reader)
	if _, err := s.List(); err != nil {
		t.Errorf("OATH after PIV: %v", err)
	}
	s.Close()

	// Another application's key in a slot is never used: it has no
	// Twofold certificate.
	p = open()
	peer, _ := ecdh.P256().GenerateKey(rand.Reader)
	if _, err := p.Agree(0x84, k.Public, k.Cert, cardsim.DefaultPIN, peer.PublicKey()); !errors.Is(err, hardware.ErrNoVaultKey) {
		t.Errorf("a slot without Twofold's certificate: %v", err)
	}
	p.Close()

	for range 3 {
		accounts.Read(path, agree("000000"))
	}
	if _, err := accounts.Read(path, agree(cardsim.DefaultPIN)); !errors.Is(err, hardware.ErrPINBlocked) {
		t.Errorf("after three wrong PINs: %v", err)
	}
	p = open()
	if n, err := p.Retries(); err != nil || n != 0 {
		t.Errorf("retries of a blocked PIN: %d, %v", n, err)
	}
	p.Close()

	// The key pulled out while the PIN is checked: an error, at once.
	plug.CutOn(0x20)
	if _, err := accounts.Read(path, agree(cardsim.DefaultPIN)); err == nil {
		t.Error("the vault opened with the key pulled out")
	}
}

// TestPIVBesideOtherApps: Yubico's ykman reads cardsim's PIV, and a key
// ykman generated in slot 82 (another application's) is left alone:
// Twofold takes the next free slot, refuses 82 when asked for it, and
// ykman then shows Twofold's marked slot.
func TestPIVBesideOtherApps(t *testing.T) {
	card, err := cardsim.NewProfile("yubikey", 6160)
	if err != nil {
		t.Fatal(err)
	}
	_, reader := insert(t, card)
	run := ykman(t, reader)
	if out := run("piv", "info"); !strings.Contains(out, "PIN tries remaining: 3/3") || !strings.Contains(out, "AES192") {
		t.Errorf("ykman piv info:\n%s", out)
	}
	run("piv", "keys", "generate", "-m", hex.EncodeToString(cardsim.DefaultManagementKey), "-a", "ECCP256", "82", filepath.Join(t.TempDir(), "pub.pem"))

	p, err := hardware.OpenPIV(reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.Create(cardsim.DefaultPIN, "cafe", 0x82, false); err == nil {
		t.Error("Twofold took slot 82, which holds ykman's key")
	}
	k, _, err := p.Create(cardsim.DefaultPIN, "cafe", 0, false)
	if err != nil || k.Slot != 0x83 {
		t.Errorf("slot %02x, %v; want 83, beside ykman's key", k.Slot, err)
	}
	// Adopted only when asked, and never a slot with a certificate.
	if _, _, err := p.Adopt(cardsim.DefaultPIN, "dead", 0x83); err == nil {
		t.Error("Twofold adopted a slot that has a certificate")
	}
	adopted, _, err := p.Adopt(cardsim.DefaultPIN, "dead", 0x82)
	if err != nil || adopted.Slot != 0x82 {
		t.Fatalf("adopting ykman's key: %v", err)
	}
	if found, err := p.Find("dead"); err != nil || !found.Public.Equal(adopted.Public) {
		t.Errorf("the adopted key is not found again: %v", err)
	}
	peer, _ := ecdh.P256().GenerateKey(rand.Reader)
	want, _ := peer.ECDH(adopted.Public)
	if got, err := p.Agree(0x82, adopted.Public, adopted.Cert, cardsim.DefaultPIN, peer.PublicKey()); err != nil || string(got) != string(want) {
		t.Errorf("ECDH with the adopted key: %v", err)
	}
	p.Close()
	if out := run("piv", "info"); !strings.Contains(out, "CN=Twofold vault cafe") {
		t.Errorf("ykman does not show Twofold's slot:\n%s", out)
	}
	// Yubico's other tool reads it too.
	out, err := exec.Command(testenv.Tool(t, "yubico-piv-tool"), "-r", reader, "-a", "status").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Serial Number:\t6160") || !strings.Contains(string(out), "Twofold vault cafe") {
		t.Errorf("yubico-piv-tool -a status: %v\n%s", err, out)
	}
}
