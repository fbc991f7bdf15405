package hardware

import (
	"testing"

	"twofold/internal/testenv"
)

// TestMain keeps the vaults' local state (locks, kept generations) of
// this package's tests out of the user's own.
func TestMain(m *testing.M) { testenv.RunIsolated(m) }
