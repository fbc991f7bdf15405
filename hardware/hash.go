package hardware

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"

	"twofold/accounts"
)

func hmacHash(algo accounts.Algorithm, b []byte) []byte {
	switch algo {
	case accounts.SHA256:
		s := sha256.Sum256(b)
		return s[:]
	case accounts.SHA512:
		s := sha512.Sum512(b)
		return s[:]
	}
	s := sha1.Sum(b)
	return s[:]
}
