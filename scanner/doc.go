// Package scanner turns images into the QR payloads they hold, and those
// payloads into accounts.
//
// DecodeImage finds every QR code in an image: it tries the cheap path
// first (the whole image as it is), then inverted, rescaled, contrast-
// stretched and tiled variants, until it finds codes or its time budget
// runs out. ReadImage loads a file safely: the size is checked from the
// header before any pixel is allocated, and a corrupt file is an error,
// never a panic. ScanFile and ScanFolder combine the two; Interpret turns
// payloads into accounts (or says what a QR that is not an authenticator
// code holds), and Transfers tracks which parts of a Google
// Authenticator transfer have been seen.
package scanner
