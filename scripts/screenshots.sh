#!/usr/bin/env bash
# Saves the README's pictures of the main views, in light and dark, and
# in French (light), to docs/screenshots/: the real app under Xvfb, driven by the keyboard
# through xdotool, on a password vault with the demo accounts in
# docs/screenshots/demo-accounts.txt (made-up secrets).
#   scripts/screenshots.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_go
need_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
out=${1:-docs/screenshots}
mkdir -p "$out"
. scripts/services.sh
start_services >/dev/null
work=$(mktemp -d)
trap '{ [ -n "${app:-}" ] && kill "$app"; [ -n "${demo:-}" ] && kill "$demo"; } 2>/dev/null || true; stop_services; rm -rf "$work"' EXIT

go build -tags "$GO_TAGS" -o "$work/twofold" .
go build -o "$work/demo" ./hardware/cardsim/demo
export TWOFOLD_VAULT="$work/vault.twofold" TWOFOLD_STATE="$work/state"
printf 'correct horse battery staple\n' >"$work/pw"
"$work/twofold" add - <docs/screenshots/demo-accounts.txt >/dev/null
"$work/twofold" vault protect --password --password-file "$work/pw" >/dev/null
"$work/twofold" vault unprotect --keyring >/dev/null 2>&1 || true
prefs="$XDG_CONFIG_HOME/fyne/$(sed -n 's/^ *ID *= *"\(.*\)"/\1/p' FyneApp.toml)"
mkdir -p "$prefs"

settle() { sleep "${1:-1}"; }
key() { xdotool key --clearmodifiers "$@"; settle 0.6; }
shot() { import -window "$win" "$out/$pass-$1.png"; echo "  $out/$pass-$1.png"; }

# start_app: a fresh window on the lock screen, focused.
start_app() {
	"$work/twofold" &
	app=$!
	win=$(xdotool search --sync --onlyvisible --name '^Twofold$' | head -1)
	xdotool windowfocus --sync "$win"
	settle 1.5
}
stop_app() {
	kill "$app"
	wait "$app" 2>/dev/null || true
	app=
}
unlock() {
	xdotool type --delay 20 "$(cat "$work/pw")"
	key Return
	settle 2
}

# Each view from a fresh start: Fyne 2.8's dialogs do not close on Escape.
for pass in light dark fr; do
	echo "$pass:"
	theme=$pass lang=en
	if [ "$pass" = fr ]; then
		theme=light lang=fr
	fi
	printf '{"theme":"%s","language":"%s","clockCheck":false,"lockAfterMinutes":0}' "$theme" "$lang" >"$prefs/preferences.json"
	start_app
	shot lock
	unlock
	shot main
	xdotool mousemove --window "$win" 40 53 click 1 # the Add button
	settle
	shot add-menu
	stop_app

	start_app
	unlock
	key ctrl+n
	xdotool type --delay 20 "Example"
	key Tab
	xdotool type --delay 20 "ada@example.com"
	key Tab
	xdotool type --delay 20 "JBSW Y3DP EHPK 3PX"
	settle
	shot manual-entry
	stop_app

	start_app
	unlock
	key Down Down Down Down
	key ctrl+i
	settle
	shot details
	xdotool mousemove --window "$win" 355 397 click 1 # Show QR code…
	settle
	shot qr
	stop_app

	start_app
	unlock
	key ctrl+comma
	settle
	shot settings
	stop_app

	start_app
	unlock
	key ctrl+b
	xdotool type --delay 20 "correct horse battery"
	settle
	shot backup
	stop_app

	# A software YubiKey with a password, in vpcd's first reader.
	"$work/demo" -password "demo key" >/dev/null &
	demo=$!
	settle 2
	start_app
	unlock
	shot yubikey-unlock
	xdotool type --delay 20 "demo key"
	key Return
	settle 1.5
	for _ in $(seq 16); do xdotool key Down; done
	settle
	shot yubikey
	stop_app
	kill "$demo"
	wait "$demo" 2>/dev/null || true
	demo=
done
