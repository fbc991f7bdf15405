//go:build cgo

package hardware

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ebfe/scard"
	"github.com/go-piv/piv-go/v2/piv"

	"twofold/internal/i18n"
)

// PIV is a YubiKey's PIV application, held (piv-go opens the card
// exclusively) until Close: the vault's hardware lock. Its keys live in
// retired slots 82–95 and are marked as Twofold's by a certificate
// whose subject names the vault; Twofold never uses a slot without one,
// and never touches 9A–9E.
type PIV struct {
	yk     *piv.YubiKey
	Serial uint32
	Reader string
	// Version is the firmware ("5.7.1").
	Version string
}

// OpenPIV opens the PIV application of the key which names: its serial,
// part of its reader's name, or "" for the only key with one. The
// caller must Close it soon: the card is held exclusively.
func OpenPIV(which string) (*PIV, error) {
	readers, err := readersWithCard()
	if err != nil {
		return nil, err
	}
	// Only the readers which names are opened: piv-go holds a card
	// exclusively, and another key is none of our business.
	switch {
	case allDigits(which):
		// A serial: the reader whose key tells it (over OATH and the
		// management application, which share the card).
		keys, err := KeysIn(which)
		if err != nil {
			return nil, err
		}
		readers = readers[:0]
		for _, k := range keys {
			if strconv.FormatUint(uint64(k.Serial), 10) == which {
				readers = append(readers, k.Reader)
			}
		}
	case which != "":
		readers = slices.DeleteFunc(readers, func(r string) bool { return !strings.Contains(r, which) })
	}
	var found []*PIV
	for _, r := range readers {
		p, err := openPIVReader(r)
		if err != nil {
			continue // no PIV application on the card
		}
		found = append(found, p)
	}
	switch len(found) {
	case 0:
		if which != "" {
			return nil, fmt.Errorf("%w (asked for %q)", ErrNoPIVKey, which)
		}
		return nil, ErrNoPIVKey
	case 1:
		return found[0], nil
	}
	for _, p := range found {
		p.Close()
	}
	return nil, errors.New("several YubiKeys are plugged in: choose one with --reader SERIAL (or TWOFOLD_YUBIKEY)")
}

// readersWithCard lists the readers holding a card. piv-go connects
// exclusively and for T=1 only, which an empty reader of vsmartcard's
// vpcd does not survive; asking an empty reader for nothing is cheaper
// anyway.
func readersWithCard() ([]string, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return nil, pcscError(err)
	}
	defer ctx.Release()
	rs, err := readers(ctx)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	states := make([]scard.ReaderState, len(rs))
	for i, r := range rs {
		states[i] = scard.ReaderState{Reader: r, CurrentState: scard.StateUnaware}
	}
	if err := ctx.GetStatusChange(states, 0); err != nil {
		return nil, pcscError(err)
	}
	var out []string
	for _, s := range states {
		if s.EventState&scard.StatePresent != 0 && s.EventState&scard.StateMute == 0 {
			out = append(out, s.Reader)
		}
	}
	return out, nil
}

// openPIVReader opens the card in reader, waiting up to BusyWait while
// another program (Twofold's own OATH session) holds it.
func openPIVReader(reader string) (*PIV, error) {
	deadline := time.Now().Add(BusyWait)
	for {
		yk, err := piv.Open(reader)
		if err == nil {
			p := &PIV{yk: yk, Reader: reader}
			v := yk.Version()
			p.Version = fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
			if s, err := yk.Serial(); err == nil {
				p.Serial = s
			}
			return p, nil
		}
		// piv-go's SCARD_E_SHARING_VIOLATION has no exported error value,
		// only this text.
		if !strings.Contains(err.Error(), "other connections outstanding") || time.Now().After(deadline) {
			return nil, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Close lets other programs use the card again.
func (p *PIV) Close() error { return p.yk.Close() }

// Name is how the key is called to the user.
func (p *PIV) Name() string {
	if p.Serial == 0 {
		return p.Reader
	}
	return fmt.Sprintf("YubiKey %d", p.Serial)
}

// Retries is how many wrong PINs the key still takes.
func (p *PIV) Retries() (int, error) {
	n, err := p.yk.Retries()
	if err != nil {
		return 0, pinError(err)
	}
	return n, nil
}

// VerifyPIN checks the PIN: a WrongPINError with the tries left, or
// ErrPINBlocked.
func (p *PIV) VerifyPIN(pin string) error {
	return pinError(p.yk.VerifyPIN(pin))
}

func pinError(err error) error {
	var ae piv.AuthErr
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae) && ae.Retries == 0:
		return ErrPINBlocked
	case errors.As(err, &ae):
		return WrongPINError{ae.Retries}
	}
	return err
}

// retiredSlots are the slots Twofold may use, in the order it tries them.
func retiredSlots() []piv.Slot {
	var out []piv.Slot
	for k := uint32(0x82); k <= 0x95; k++ {
		if s, ok := piv.RetiredKeyManagementSlot(k); ok {
			out = append(out, s)
		}
	}
	return out
}

// Find is this vault's key on the card, by its marking certificate.
func (p *PIV) Find(vaultID string) (VaultKey, error) {
	for _, s := range retiredSlots() {
		cert, err := p.yk.Certificate(s)
		if err != nil || cert.Subject.CommonName != certPrefix+vaultID {
			continue
		}
		k, err := vaultKey(s, cert)
		if err == nil {
			return k, nil
		}
	}
	return VaultKey{}, ErrNoVaultKey
}

func vaultKey(s piv.Slot, cert *x509.Certificate) (VaultKey, error) {
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return VaultKey{}, errors.New("the slot's key is not EC P-256")
	}
	e, err := pub.ECDH()
	if err != nil || e.Curve() != ecdh.P256() {
		return VaultKey{}, errors.New("the slot's key is not EC P-256")
	}
	fp := sha256.Sum256(cert.Raw)
	return VaultKey{Slot: byte(s.Key), Public: e, Cert: fp[:]}, nil
}

// slotFree: no key and no certificate in s. Where the firmware cannot
// say whether a slot holds a key (before 5.3), a slot without a
// certificate counts as free.
func (p *PIV) slotFree(s piv.Slot) bool {
	if _, err := p.yk.Certificate(s); !errors.Is(err, piv.ErrNotFound) {
		return false
	}
	_, err := p.yk.KeyInfo(s)
	return err != nil
}

// managementKey is the key's PIN-protected management key where set;
// else the default, with a warning for the user.
func (p *PIV) managementKey(pin string) ([]byte, string, error) {
	m, err := p.yk.Metadata(pin)
	if err != nil {
		return nil, "", pinError(err)
	}
	if m.ManagementKey != nil {
		return *m.ManagementKey, "", nil
	}
	return piv.DefaultManagementKey, i18n.T("This YubiKey still has the default PIV management key: anyone who holds it can replace its keys. Change it and protect it with the PIN (ykman piv access change-management-key --generate --protect)."), nil
}

// Create makes this vault's key on the card: an EC P-256 key in slot
// (0 for the first free retired slot), the PIN asked once per session,
// a touch for each use if touch, and a self-signed certificate naming
// the vault. warning is for the user ("" if none).
func (p *PIV) Create(pin, vaultID string, slot byte, touch bool) (k VaultKey, warning string, err error) {
	if err := p.VerifyPIN(pin); err != nil {
		return VaultKey{}, "", err
	}
	if _, err := p.Find(vaultID); err == nil {
		return VaultKey{}, "", fmt.Errorf("%s already holds a key for this vault", p.Name())
	}
	var s piv.Slot
	if slot != 0 {
		var ok bool
		if s, ok = piv.RetiredKeyManagementSlot(uint32(slot)); !ok {
			return VaultKey{}, "", fmt.Errorf("slot %02x is not a retired PIV slot (82 to 95)", slot)
		}
		if !p.slotFree(s) {
			return VaultKey{}, "", fmt.Errorf("slot %02x of %s already holds a key that is not this vault's; Twofold never replaces another application's key", slot, p.Name())
		}
	} else {
		for _, c := range retiredSlots() {
			if p.slotFree(c) {
				s, slot = c, byte(c.Key)
				break
			}
		}
		if slot == 0 {
			return VaultKey{}, "", ErrSlotsFull
		}
	}
	mgm, warning, err := p.managementKey(pin)
	if err != nil {
		return VaultKey{}, "", err
	}
	tp := piv.TouchPolicyNever
	if touch {
		tp = piv.TouchPolicyAlways
	}
	pub, err := p.yk.GenerateKey(mgm, s, piv.Key{Algorithm: piv.AlgorithmEC256, PINPolicy: piv.PINPolicyOnce, TouchPolicy: tp})
	if err != nil {
		return VaultKey{}, "", fmt.Errorf("generate a key on %s: %w", p.Name(), err)
	}
	ecPub, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return VaultKey{}, "", errors.New("the key made a key that is not EC P-256")
	}
	k, err = p.mark(s, ecPub, pin, vaultID, mgm, piv.PINPolicyOnce)
	return k, warning, err
}

// Adopt marks as this vault's the EC P-256 key another tool made in
// slot, which holds no certificate: what the user asked for explicitly
// (a key made with ykman, say). A slot with any certificate is refused,
// and so is a key whose public key the firmware cannot tell (before
// 5.3).
func (p *PIV) Adopt(pin, vaultID string, slot byte) (VaultKey, string, error) {
	if err := p.VerifyPIN(pin); err != nil {
		return VaultKey{}, "", err
	}
	s, ok := piv.RetiredKeyManagementSlot(uint32(slot))
	if !ok {
		return VaultKey{}, "", fmt.Errorf("slot %02x is not a retired PIV slot (82 to 95)", slot)
	}
	if _, err := p.yk.Certificate(s); !errors.Is(err, piv.ErrNotFound) {
		return VaultKey{}, "", fmt.Errorf("slot %02x of %s has a certificate: it belongs to another application, and Twofold never replaces it", slot, p.Name())
	}
	info, err := p.yk.KeyInfo(s)
	if err != nil {
		return VaultKey{}, "", fmt.Errorf("%s cannot say which key slot %02x holds (firmware 5.3 and later can): %w", p.Name(), slot, err)
	}
	ecPub, ok := info.PublicKey.(*ecdsa.PublicKey)
	if !ok || info.Algorithm != piv.AlgorithmEC256 {
		return VaultKey{}, "", fmt.Errorf("slot %02x of %s holds no EC P-256 key", slot, p.Name())
	}
	mgm, warning, err := p.managementKey(pin)
	if err != nil {
		return VaultKey{}, "", err
	}
	k, err := p.mark(s, ecPub, pin, vaultID, mgm, info.PINPolicy)
	return k, warning, err
}

// mark stores a self-signed certificate naming the vault in slot s,
// signed by the slot's own key: Twofold's sign that the key is the
// vault's.
func (p *PIV) mark(s piv.Slot, ecPub *ecdsa.PublicKey, pin, vaultID string, mgm []byte, pp piv.PINPolicy) (VaultKey, error) {
	priv, err := p.yk.PrivateKey(s, ecPub, piv.KeyAuth{PIN: pin, PINPolicy: pp})
	if err != nil {
		return VaultKey{}, err
	}
	signer, ok := priv.(*piv.ECDSAPrivateKey)
	if !ok {
		return VaultKey{}, errors.New("the key's slot cannot sign")
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: certPrefix + vaultID, Organization: []string{"Twofold"}},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.AddDate(100, 0, 0),
		KeyUsage: x509.KeyUsageKeyAgreement,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, ecPub, signer)
	if err != nil {
		return VaultKey{}, fmt.Errorf("sign the slot's certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return VaultKey{}, err
	}
	if err := p.yk.SetCertificate(mgm, s, cert); err != nil {
		return VaultKey{}, fmt.Errorf("store the slot's certificate on %s: %w", p.Name(), err)
	}
	return vaultKey(s, cert)
}

// NeedsTouch says whether the key in slot asks for a touch for each use,
// as far as the key can tell (firmware 5.3 and later).
func (p *PIV) NeedsTouch(slot byte) bool {
	s, ok := piv.RetiredKeyManagementSlot(uint32(slot))
	if !ok {
		return false
	}
	info, err := p.yk.KeyInfo(s)
	return err == nil && info.TouchPolicy != piv.TouchPolicyNever
}

// Agree is ECDH between the vault key in slot (whose public key must be
// pub, and whose certificate must still be the one fingerprinted by
// cert) and peer, after the PIN.
func (p *PIV) Agree(slot byte, pub *ecdh.PublicKey, cert []byte, pin string, peer *ecdh.PublicKey) ([]byte, error) {
	s, ok := piv.RetiredKeyManagementSlot(uint32(slot))
	if !ok {
		return nil, fmt.Errorf("slot %02x is not a retired PIV slot", slot)
	}
	c, err := p.yk.Certificate(s)
	if err != nil {
		return nil, fmt.Errorf("%w (slot %02x has no certificate)", ErrNoVaultKey, slot)
	}
	k, err := vaultKey(s, c)
	if err != nil || !k.Public.Equal(pub) || string(k.Cert) != string(cert) || !strings.HasPrefix(c.Subject.CommonName, certPrefix) {
		return nil, fmt.Errorf("%w (slot %02x holds another key)", ErrNoVaultKey, slot)
	}
	if err := p.VerifyPIN(pin); err != nil {
		return nil, err
	}
	ecPub, _ := c.PublicKey.(*ecdsa.PublicKey)
	priv, err := p.yk.PrivateKey(s, ecPub, piv.KeyAuth{PIN: pin, PINPolicy: piv.PINPolicyOnce})
	if err != nil {
		return nil, err
	}
	ec, ok := priv.(*piv.ECDSAPrivateKey)
	if !ok {
		return nil, errors.New("the slot cannot do ECDH")
	}
	secret, err := ec.ECDH(peer)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Name(), err)
	}
	return secret, nil
}

// allDigits: a key named by its serial, never by a reader's name ("1"
// is in "Virtual PCD 00 01").
func allDigits(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}
