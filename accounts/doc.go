// Package accounts is Twofold's domain: the Account, otpauth URIs both
// ways, Google Authenticator transfer payloads, code generation, and the
// encrypted vault that stores accounts on disk.
//
// Use ParseURI or ParseMigration to turn what a QR code or a site gives
// into Accounts, Account.Code for the current code, and Open / Create for
// the vault. Nothing here imports Fyne or the hardware layer: the vault's
// key slots are pluggable (Locker adds a slot, Unlocker opens one), so a
// YubiKey slot lives in package hardware and is wired in by main.
//
// Guarantees: parsing never panics; errors never contain a secret; a
// vault write is atomic (a crash leaves the old or the new file), keeps
// the last three generations beside it, and is mode 0600.
package accounts
