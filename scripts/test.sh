#!/usr/bin/env bash
# Runs every Twofold test on a Debian/Ubuntu machine: installs what is
# missing, starts the services (Xvfb, a D-Bus session with an unlocked
# gnome-keyring), then runs checks, unit, integration, GUI and fuzz tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/services.sh

need_go
need_packages "${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${PACKAGE_PACKAGES[@]}" \
	wine64 debootstrap unzip
export LANG=C.UTF-8

echo "== format and vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change: $unformatted" >&2
	exit 1
fi
go vet ./...
go vet -tags nogui . # the command line without the GUI toolkit (scripts/package.sh)
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
# The packages below the GUI build without cgo (DESIGN.md).
CGO_ENABLED=0 go build ./accounts/... ./scanner/... ./cli/...

# Every OS compiles: Windows whole (cgo with MinGW-w64); macOS and Linux
# on ARM without cgo, so all but the GUI (README.md, "Building on other
# systems").
echo "== vet for windows/amd64, darwin/arm64, linux/arm64 (at ${SECONDS}s)"
GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc go vet ./...
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go vet -tags nogui .
nocgo=$(go list ./... | grep -v -x -e twofold -e twofold/ui -e twofold/bench/guibench/blank)
GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 go vet $nocgo
GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go vet $nocgo

echo "== services (at ${SECONDS}s)"
start_services
export TWOFOLD_TEST_SERVICES=1

echo "== tests (at ${SECONDS}s)"
go test -count=1 ./...

# Stops and starts the machine's pcscd, so it runs alone, after the
# tests that use it (a test built only with this tag).
echo "== pcscd restart (at ${SECONDS}s)"
if [ "$(id -u)" -eq 0 ]; then
	go test -count=1 -tags pcscdrestart -run '^TestPcscdRestart$' ./hardware
else
	echo "scripts/test.sh: the pcscd restart test needs root" >&2
	exit 1
fi

# Fuzzing runs a number of inputs per target, not a time: a time limit
# can end in a spurious "context deadline exceeded" failure when the
# machine is busy (Go's fuzz coordinator, go.dev/issue/75804, fixed in
# Go 1.27). Every target runs at least 100,000 inputs (FUZZ_EXECS sets
# another count, FUZZTIME a count or a duration for all). Minimising a
# new interesting input is capped by count too: by default it may take
# a minute, during which nothing is fuzzed (what made earlier runs of
# FuzzOTPAuth stall at a few thousand inputs).
echo "== fuzz (at ${SECONDS}s)"
fuzz() { # fuzz PACKAGE TARGET
	local out
	if ! out=$(go test -run='^$' -fuzz="^$2\$" -fuzztime="${FUZZTIME:-${FUZZ_EXECS:-100000}x}" -fuzzminimizetime=200x "$1" 2>&1); then
		echo "$out" >&2
		return 1
	fi
	echo "$out" | grep -o 'execs: [0-9]*' | tail -1 | sed "s|^|$2: |"
}
fuzz ./accounts FuzzParseURI
fuzz ./accounts FuzzParseMigration
fuzz ./accounts FuzzDecode
fuzz ./scanner FuzzReadImage
fuzz ./backup FuzzDetect
fuzz ./backup FuzzTwofoldBackup
fuzz ./backup FuzzAegis
fuzz ./backup FuzzTwoFAS
fuzz ./backup FuzzAndOTP
fuzz ./backup FuzzBitwarden
fuzz ./backup FuzzBitwardenCSV
fuzz ./backup FuzzFreeOTP
fuzz ./backup FuzzProton
fuzz ./backup FuzzOTPAuth
# The packages as users get them: built, the .deb installed on a fresh
# Debian 12, the Windows build run under Wine.
echo "== packages (at ${SECONDS}s)"
scripts/package.sh
echo "== the .deb on a fresh Debian 12 (at ${SECONDS}s)"
scripts/deb-test.sh
echo "== the Windows build under Wine (at ${SECONDS}s)"
scripts/wine-test.sh

echo "== all tests passed in ${SECONDS}s"
