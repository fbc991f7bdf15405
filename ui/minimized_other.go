//go:build !(linux || freebsd || openbsd || netbsd || windows)

package ui

// nativeMinimized: macOS would need cgo into AppKit; the ticker keeps
// running there (it refreshes only the visible rows, once a second).
func nativeMinimized(any) bool { return false }
