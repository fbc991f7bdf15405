// Package backup gets accounts out of Twofold and back in.
//
// Export writes a Twofold backup (the vault's own container with a
// password slot), an otpauth URI list, one QR image per account, Google
// Authenticator transfer QR codes, an Aegis vault (plain or encrypted)
// or a printable PDF sheet, and reads every export back before calling
// it done. Import reads those and other apps' exports (2FAS, andOTP,
// Bitwarden, Ente Auth, FreeOTP+, Proton Authenticator), telling the
// format from the content. One broken entry is reported by its position
// and the rest still import.
package backup
