package backup

import (
	"errors"
	"fmt"

	"twofold/accounts"
)

// importTwofold reads a Twofold backup: the vault's container, opened by
// a YubiKey's slot (keys) or its password slot. Everything the vault
// holds comes back, recovery codes, notes, tags and icons included.
func importTwofold(data []byte, password []byte, keys []accounts.Unlocker) (*Result, error) {
	var accts []*accounts.Account
	var err error
	if len(password) == 0 {
		if len(keys) == 0 {
			return nil, ErrPasswordNeeded
		}
		if accts, err = accounts.Decode(data, keys...); err != nil {
			return nil, fmt.Errorf("%w (%v)", ErrPasswordNeeded, err) // no key opened it: the password will
		}
	} else {
		accts, err = accounts.Decode(data, &accounts.PasswordSlot{Password: password})
	}
	switch {
	case errors.Is(err, accounts.ErrWrongPassword):
		return nil, ErrWrongPassword
	case errors.Is(err, accounts.ErrTooCostly):
		return nil, accounts.ErrTooCostly
	case errors.Is(err, accounts.ErrNoSlot):
		return nil, fmt.Errorf("this Twofold file opens only with the keyring that made it: it is a vault, not a backup (%w)", err)
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	r := &Result{}
	for i, a := range accts {
		r.add(i+1, a, nil)
	}
	return r, nil
}

// exportTwofold writes a backup that opens with its password and with
// each of opt.YubiKeys (the vault's keys: no card is needed to write it).
func exportTwofold(accts []*accounts.Account, opt Options) ([]byte, error) {
	if len(opt.Password) == 0 {
		return nil, errors.New("a Twofold backup needs a password")
	}
	lockers := []accounts.Locker{&accounts.PasswordSlot{Password: opt.Password, Params: opt.Argon2}}
	for _, k := range opt.YubiKeys {
		lockers = append(lockers, &accounts.YubiKeySlot{Ref: k})
	}
	return accounts.Encode(accts, lockers...)
}
