package securefile

import "runtime"

// Windows has no Unix file modes to check.
var runtimeHasModes = runtime.GOOS != "windows"
