// Package backup gets accounts out of Twofold and back in: for now the QR
// image of an account (to add it to another device or print it); the
// encrypted backups and other apps' formats come with their issue.
package backup
