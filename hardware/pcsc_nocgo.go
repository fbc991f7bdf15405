//go:build !cgo

package hardware

import (
	"context"
	"errors"
)

// Without cgo there is no PC/SC: this build of Twofold has no YubiKey
// support, and says so.
var errNoCgo = errors.New("this build of Twofold has no YubiKey support (it was built without cgo)")

// Keys reports that this build has no PC/SC.
func Keys() ([]Key, error) { return nil, errNoCgo }

// KeysIn reports that this build has no PC/SC.
func KeysIn(string) ([]Key, error) { return nil, errNoCgo }

// Open reports that this build has no PC/SC.
func Open(string) (*Session, error) { return nil, errNoCgo }

// Watch reports that this build has no PC/SC.
func Watch(context.Context, string, func([]Key)) error { return errNoCgo }

// OpenKey reports that this build has no PC/SC.
func OpenKey(Key) (*Session, error) { return nil, errNoCgo }

// OpenOther reports that this build has no PC/SC.
func OpenOther(string, *Session) (*Session, error) { return nil, errNoCgo }
