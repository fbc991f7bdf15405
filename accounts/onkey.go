package accounts

import (
	"slices"
	"time"
)

// KeyAccount is the vault's record of an account that lives on a
// hardware key (a YubiKey's OATH application). The key holds the secret
// and computes the codes; the vault keeps what the key cannot: icon,
// tags, note, the pin, and the user's order (the order of Vault.OnKey).
// It is keyed by the key's serial number and the credential's name on
// the key ("[period/][issuer:]account").
type KeyAccount struct {
	Serial     uint32    `json:"serial"`
	Credential string    `json:"credential"`
	Icon       []byte    `json:"icon,omitempty"`
	Tags       []string  `json:"tags,omitempty"`
	Pinned     bool      `json:"pinned,omitempty"`
	Note       string    `json:"note,omitempty"`
	Updated    time.Time `json:"updated"`
}

// KnownKey is what the vault remembers about a hardware key: the name
// the user gave it and, if they asked, the key that opens its
// password-protected OATH application (derived from the password, never
// the password itself).
type KnownKey struct {
	Serial    uint32 `json:"serial"`
	Name      string `json:"name,omitempty"`
	AccessKey []byte `json:"accessKey,omitempty"`
}

// OnKey finds the record of credential on the key with this serial, or
// nil.
func (v *Vault) OnKey(serial uint32, credential string) *KeyAccount {
	for _, k := range v.KeyAccounts {
		if k.Serial == serial && k.Credential == credential {
			return k
		}
	}
	return nil
}

// KeepOnKey returns the record of credential on the key with this serial,
// adding an empty one (at the end of the order) if there is none. Call
// Save to write it.
func (v *Vault) KeepOnKey(serial uint32, credential string) *KeyAccount {
	if k := v.OnKey(serial, credential); k != nil {
		return k
	}
	k := &KeyAccount{Serial: serial, Credential: credential, Updated: time.Now().UTC()}
	v.KeyAccounts = append(v.KeyAccounts, k)
	return k
}

// ForgetOnKey drops the record of a credential that is no longer on the
// key. Call Save to write it.
func (v *Vault) ForgetOnKey(serial uint32, credential string) {
	v.KeyAccounts = slices.DeleteFunc(v.KeyAccounts, func(k *KeyAccount) bool {
		return k.Serial == serial && k.Credential == credential
	})
}

// RenameOnKey moves a record to the credential's new name, keeping its
// place in the order. Call Save to write it.
func (v *Vault) RenameOnKey(serial uint32, old, credential string) {
	if k := v.OnKey(serial, old); k != nil {
		v.ForgetOnKey(serial, credential)
		k.Credential, k.Updated = credential, time.Now().UTC()
	}
}

// Known returns what the vault remembers about the key with this serial,
// or nil.
func (v *Vault) Known(serial uint32) *KnownKey {
	for _, k := range v.Keys {
		if k.Serial == serial {
			return k
		}
	}
	return nil
}

// Remember returns the record of the key with this serial, adding one if
// there is none. Call Save to write it.
func (v *Vault) Remember(serial uint32) *KnownKey {
	if k := v.Known(serial); k != nil {
		return k
	}
	k := &KnownKey{Serial: serial}
	v.Keys = append(v.Keys, k)
	return k
}
