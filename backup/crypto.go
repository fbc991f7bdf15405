package backup

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
)

// gcmOpen decrypts AES-256-GCM ciphertext with its tag appended.
func gcmOpen(key, nonce, sealed []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCMWithNonceSize(block, len(nonce))
	if err != nil {
		return nil, err
	}
	return g.Open(nil, nonce, sealed, nil)
}

// gcmSeal encrypts with AES-256-GCM under a fresh 12-byte nonce and
// returns the nonce and the ciphertext with its tag appended.
func gcmSeal(key, plain []byte) (nonce, sealed []byte, err error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, err
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	nonce = make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	return nonce, g.Seal(nil, nonce, plain, nil), nil
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	_, err := rand.Read(b)
	return b, err
}
