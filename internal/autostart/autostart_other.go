//go:build !linux && !freebsd && !openbsd && !netbsd && !windows

package autostart

func enabled() (bool, error)                 { return false, nil }
func enable(exe string, args []string) error { return ErrUnsupported }
func disable() error                         { return nil }
