package accounts

import (
	"slices"
	"time"
)

// KeyAccount is the vault's record of an account that lives on a
// hardware key (a YubiKey's OATH application). The key holds the secret
// and computes the codes; the vault keeps what the key cannot: icon,
// tags, note, the pin, and the user's order (the order of Vault.OnKey).
// It is keyed by the key (KeyID) and the credential's name on the key
// ("[period/][issuer:]account").
type KeyAccount struct {
	KeyID
	Credential string    `json:"credential"`
	Icon       []byte    `json:"icon,omitempty"`
	Tags       []string  `json:"tags,omitempty"`
	Pinned     bool      `json:"pinned,omitempty"`
	Note       string    `json:"note,omitempty"`
	Updated    time.Time `json:"updated"`
	Changes
}

// KnownKey is what the vault remembers about a hardware key: the name
// the user gave it and, if they asked, the key that opens its
// password-protected OATH application (derived from the password, never
// the password itself).
type KnownKey struct {
	KeyID
	Name      string `json:"name,omitempty"`
	AccessKey []byte `json:"accessKey,omitempty"`
	Changes
}

// KeyID names one hardware key: by its serial number, or, for a key that
// tells none (another make's), by its OATH device id (ykman's: the
// unpadded base64 of the first 16 bytes of SHA-256 of the OATH
// application's salt), so two such keys never share records. Resetting
// the OATH application gives a key a new device id, as its accounts and
// password are gone with it. In the vault's JSON the two fields sit in
// the record itself: "serial" and, only when there is no serial, "device".
type KeyID struct {
	Serial uint32 `json:"serial"`
	Device string `json:"device,omitempty"`
}

// OnKey finds the record of credential on key id, or nil.
func (v *Vault) OnKey(id KeyID, credential string) *KeyAccount {
	for _, k := range v.KeyAccounts {
		if k.KeyID == id && k.Credential == credential {
			return k
		}
	}
	return nil
}

// KeepOnKey returns the record of credential on key id, adding an empty
// one (at the end of the order) if there is none. Call Save to write it.
func (v *Vault) KeepOnKey(id KeyID, credential string) *KeyAccount {
	if k := v.OnKey(id, credential); k != nil {
		return k
	}
	k := &KeyAccount{KeyID: id, Credential: credential, Updated: time.Now().UTC()}
	v.KeyAccounts = append(v.KeyAccounts, k)
	return k
}

// ForgetOnKey drops the record of a credential that is no longer on the
// key. Call Save to write it.
func (v *Vault) ForgetOnKey(id KeyID, credential string) {
	v.KeyAccounts = slices.DeleteFunc(v.KeyAccounts, func(k *KeyAccount) bool {
		return k.KeyID == id && k.Credential == credential
	})
}

// RenameOnKey moves a record to the credential's new name, keeping its
// place in the order. Call Save to write it.
func (v *Vault) RenameOnKey(id KeyID, old, credential string) {
	if k := v.OnKey(id, old); k != nil {
		v.ForgetOnKey(id, credential)
		k.Credential, k.Updated = credential, time.Now().UTC()
	}
}

// Known returns what the vault remembers about key id, or nil.
func (v *Vault) Known(id KeyID) *KnownKey {
	for _, k := range v.Keys {
		if k.KeyID == id {
			return k
		}
	}
	return nil
}

// Remember returns the record of key id, adding one if there is none.
// Call Save to write it.
func (v *Vault) Remember(id KeyID) *KnownKey {
	if k := v.Known(id); k != nil {
		return k
	}
	k := &KnownKey{KeyID: id}
	v.Keys = append(v.Keys, k)
	return k
}
