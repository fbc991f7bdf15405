package applaunch

import (
	"fmt"
	"os/exec"
)

const appName = "twofold.exe"

// start runs the app (a GUI program) on its own and returns at once, as
// Windows programs started from a console do; the console is not held.
func start(app string, args []string) error {
	cmd := exec.Command(app, args...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", app, err)
	}
	return cmd.Process.Release()
}
