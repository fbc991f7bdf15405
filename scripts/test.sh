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

echo "== fuzz (${FUZZTIME:=20s} each)"
go test -run='^$' -fuzz='^FuzzParseURI$' -fuzztime="$FUZZTIME" ./accounts
go test -run='^$' -fuzz='^FuzzParseMigration$' -fuzztime="$FUZZTIME" ./accounts
go test -run='^$' -fuzz='^FuzzReadImage$' -fuzztime="$FUZZTIME" ./scanner
# The backup readers: one target per importer, each briefly.
: "${BACKUP_FUZZTIME:=6s}"
for target in FuzzDetect FuzzTwofoldBackup FuzzAegis FuzzTwoFAS FuzzAndOTP FuzzBitwarden FuzzBitwardenCSV FuzzFreeOTP FuzzProton FuzzOTPAuth; do
	go test -run='^$' -fuzz="^$target\$" -fuzztime="$BACKUP_FUZZTIME" ./backup
done
echo "== all tests passed"
