#!/usr/bin/env bash
# Peak memory and CPU time of a twofold binary on each hostile input
# (bench/hostile): scripts/bench-hostile.sh [path/to/twofold]
# Each run is capped at 4 GiB of address space and 150 s, so an unbounded
# input ends as "killed" instead of taking the machine down.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
	go build -tags nogui -o "$work/twofold" . && bin=$work/twofold # the command line users run
fi
h=$work/hostile
secret=JBSWY3DPEHPK3PXPJBSWY3DP # hostile.Secret
go run ./bench/hostile -out "$h"
mkfifo "$h/fifo"
export TWOFOLD_VAULT=$work/vault.twofold TWOFOLD_STATE=$work/state DBUS_SESSION_BUS_ADDRESS=unix:path=$work/no-bus
"$bin" vault protect --password --password-file "$h/password" >/dev/null 2>&1 ||
	"$bin" vault protect --password --weak-password --password-file "$h/password" >/dev/null 2>&1

run() { # run NAME ARGS...
	local name=$1
	shift
	( ulimit -v 4194304; exec /usr/bin/time -f '%M %U %S %e' -o "$work/t" timeout 150 "$bin" "$@" ) >"$work/out" 2>"$work/err"
	local rc=$? said kb user sys wall
	read -r kb user sys wall < <(tail -1 "$work/t")
	said=$(grep -v '^Command' "$work/err" | head -1 | cut -c1-100)
	if grep -q "$secret" "$work/err" "$work/out"; then said="SECRET SHOWN: $said"; fi
	[ "$rc" = 124 ] && said="killed after 150 s"
	printf '%-18s exit %3s %6s MB  cpu %6s s  wall %6s s  %s\n' "$name" "$rc" "$((kb / 1024))" \
		"$(awk "BEGIN{printf \"%.2f\", $user + $sys}")" "$wall" "$said"
}
run transfer-size import --dry-run --vault-password-file "$h/password" "$h/transfer-2147483647.png"
run costly-slot import --dry-run --password-file "$h/password" "$h/costly-slot.twofold"
run many-slots import --dry-run --password-file "$h/password" "$h/many-slots.twofold"
run short-key import --dry-run --password-file "$h/password" "$h/short-key.twofold"
run aegis-4gib import --dry-run --password-file "$h/password" "$h/aegis-4gib.json"
run png16-100mp scan "$h/png16-100mp.png"
run thin-200000x499 scan "$h/thin-200000x499.png"
run import-dev-zero import --dry-run --vault-password-file "$h/password" /dev/zero
run password-dev-zero list --password-file /dev/zero
run fifo-no-writer import --dry-run --vault-password-file "$h/password" "$h/fifo"
run bad-otpauth import --dry-run --vault-password-file "$h/password" "$h/bad-otpauth.txt"
