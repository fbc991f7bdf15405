//go:build !cgo

package hardware

import "crypto/ecdh"

// PIV is the stand-in of a build without smart-card support: every
// call says so.
type PIV struct {
	Serial  uint32
	Reader  string
	Version string
}

func OpenPIV(string) (*PIV, error)           { return nil, errNoCgo }
func (p *PIV) Close() error                  { return nil }
func (p *PIV) Name() string                  { return p.Reader }
func (p *PIV) Retries() (int, error)         { return 0, errNoCgo }
func (p *PIV) VerifyPIN(string) error        { return errNoCgo }
func (p *PIV) Find(string) (VaultKey, error) { return VaultKey{}, errNoCgo }
func (p *PIV) NeedsTouch(byte) bool          { return false }
func (p *PIV) Create(string, string, byte, bool) (VaultKey, string, error) {
	return VaultKey{}, "", errNoCgo
}
func (p *PIV) Adopt(string, string, byte) (VaultKey, string, error) {
	return VaultKey{}, "", errNoCgo
}
func (p *PIV) Agree(byte, *ecdh.PublicKey, []byte, string, *ecdh.PublicKey) ([]byte, error) {
	return nil, errNoCgo
}
