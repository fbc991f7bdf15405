//go:build cgo

package hardware

// SetWatchIdle sets the hook Watch calls when it starts waiting without
// a time limit, for tests that need the watch idle.
func SetWatchIdle(f func()) { watchIdle = f }
