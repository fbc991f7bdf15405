//go:build !windows

package applaunch

import (
	"fmt"
	"os"
	"syscall"
)

const appName = "twofold-app"

// start replaces this process with the app: the same process ID,
// terminal, signals and exit status as if the app had been started.
func start(app string, args []string) error {
	err := syscall.Exec(app, append([]string{app}, args...), os.Environ())
	return fmt.Errorf("start %s: %w", app, err)
}
