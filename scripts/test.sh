#!/usr/bin/env bash
# Runs every Twofold test on a Debian/Ubuntu machine: installs what is
# missing, starts the services (Xvfb, a D-Bus session with an unlocked
# gnome-keyring), then runs checks, unit, integration, GUI and fuzz tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/services.sh

need_go
need_packages "${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
export LANG=C.UTF-8

echo "== format and vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change: $unformatted" >&2
	exit 1
fi
go vet ./...
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
# The packages below the GUI build without cgo (DESIGN.md).
CGO_ENABLED=0 go build ./accounts/... ./scanner/... ./cli/...

echo "== services"
start_services
export TWOFOLD_TEST_SERVICES=1

echo "== tests"
go test -count=1 ./...

# Fuzzing runs a number of inputs per target, not a time: a time limit
# can end in a spurious "context deadline exceeded" failure when the
# machine is busy (Go's fuzz coordinator, go.dev/issue/75804, fixed in
# Go 1.27). The counts are what each target ran in about 20 s (the URI,
# transfer and image parsers) or 5 s (the backup readers) on a 2-core
# machine; the slowest per input (Aegis, otpauth lists) get few. FUZZTIME (a count like 1000x, or a duration) overrides
# them all.
echo "== fuzz"
fuzz() { # fuzz PACKAGE TARGET COUNT
	go test -run='^$' -fuzz="^$2\$" -fuzztime="${FUZZTIME:-$3}" "$1"
}
fuzz ./accounts FuzzParseURI 300000x
fuzz ./accounts FuzzParseMigration 300000x
fuzz ./scanner FuzzReadImage 4000x
fuzz ./backup FuzzDetect 40000x
fuzz ./backup FuzzTwofoldBackup 5000x
fuzz ./backup FuzzAegis 10x
fuzz ./backup FuzzTwoFAS 60000x
fuzz ./backup FuzzAndOTP 80000x
fuzz ./backup FuzzBitwarden 40000x
fuzz ./backup FuzzBitwardenCSV 60000x
fuzz ./backup FuzzFreeOTP 25000x
fuzz ./backup FuzzProton 50000x
fuzz ./backup FuzzOTPAuth 4x
echo "== all tests passed"
