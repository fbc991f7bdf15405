package accounts

import (
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

var otpAlgorithms = map[Algorithm]otp.Algorithm{SHA1: otp.AlgorithmSHA1, SHA256: otp.AlgorithmSHA256, SHA512: otp.AlgorithmSHA512}

// Code returns the account's code at time t. For HOTP, t is ignored and
// the code is the one for the stored counter: only Next advances it.
func (a *Account) Code(t time.Time) (string, error) {
	// pquerna/otp validates nothing (an empty secret still yields a code),
	// so check first.
	if err := a.Validate(); err != nil {
		return "", err
	}
	opts := hotp.ValidateOpts{Digits: otp.Digits(a.Digits), Algorithm: otpAlgorithms[a.Algorithm]}
	if a.Kind == Steam {
		opts.Encoder = otp.EncoderSteam
	}
	code, err := hotp.GenerateCodeCustom(EncodeSecret(a.Secret), a.step(t), opts)
	if err != nil {
		return "", fmt.Errorf("%s: %w", a.Label(), err)
	}
	return code, nil
}

// step is the moving factor: the counter for HOTP, else the time step.
// Times before 1970 count as step 0.
func (a *Account) step(t time.Time) uint64 {
	if a.Kind == HOTP {
		return a.Counter
	}
	if u := t.Unix(); u > 0 {
		return uint64(u) / uint64(a.Period)
	}
	return 0
}

// Remaining is the time left before the code at t changes; 0 for HOTP.
func (a *Account) Remaining(t time.Time) time.Duration {
	if a.Kind == HOTP || a.Period <= 0 {
		return 0
	}
	period := time.Duration(a.Period) * time.Second
	next := time.Unix(int64(a.step(t)+1)*int64(a.Period), 0)
	if d := next.Sub(t); d <= period {
		return d
	}
	return period
}

// Next advances an HOTP account's counter and returns the new code.
func (a *Account) Next() (string, error) {
	if a.Kind != HOTP {
		return "", fmt.Errorf("%s is not a counter-based (HOTP) account", a.Label())
	}
	a.Counter++
	code, err := a.Code(time.Time{})
	if err != nil {
		a.Counter--
		return "", err
	}
	a.Updated = time.Now().UTC()
	return code, nil
}

// GroupCode splits a code for reading: "123 456", "1234 5678",
// "123 4567". Steam's five characters stay whole.
func GroupCode(code string) string {
	n := len(code)
	if n < 6 {
		return code
	}
	half := n / 2
	return code[:half] + " " + code[half:]
}
