# Sourced by scripts/test.sh (and usable by hand: `. scripts/services.sh;
# start_services`). Starts what the tests run against, each private to
# this run, and stops them on exit:
#   - Xvfb on a free display (DISPLAY)
#   - a D-Bus session bus (DBUS_SESSION_BUS_ADDRESS), started without
#     DISPLAY so no invisible unlock prompt can appear on the X server
#   - gnome-keyring-daemon's Secret Service, unlocked non-interactively,
#     with a fresh XDG_DATA_HOME so the password always matches
#   - pcscd with vsmartcard's vpcd driver (its two virtual readers listen
#     on TCP 35963 and 35964 for the tests' software YubiKey). pcscd is
#     one per machine: an already running one is used as it is.
# Pitfalls are in docs/testing.md.

services_pids=()

stop_services() {
	# A service may already be gone (the pcscd restart test replaces pcscd):
	# under set -e a failed kill here would fail the whole run.
	for pid in "${services_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	[ -n "${services_dir:-}" ] && rm -rf "$services_dir"
	return 0
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
	local limit=$(( $1 * 10 )) what=$2 i=0
	shift 2
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ "$i" -ge "$limit" ]; then
			echo "services: $what did not come up" >&2
			return 1
		fi
		sleep 0.1
	done
}

start_services() {
	services_dir=$(mktemp -d /tmp/twofold-services.XXXXXX)
	chmod 700 "$services_dir"
	trap stop_services EXIT

	# Xvfb picks a free display and writes its number to fd 3.
	Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$services_dir/display" 2>"$services_dir/xvfb.log" &
	services_pids+=($!)
	wait_for 10 Xvfb test -s "$services_dir/display" || return 1
	export DISPLAY=":$(head -1 "$services_dir/display")"

	export XDG_RUNTIME_DIR="$services_dir/run" XDG_DATA_HOME="$services_dir/data" XDG_CONFIG_HOME="$services_dir/config"
	mkdir -m 700 -p "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
	export DBUS_SESSION_BUS_ADDRESS="unix:path=$XDG_RUNTIME_DIR/bus"
	env -u DISPLAY dbus-daemon --session --address="$DBUS_SESSION_BUS_ADDRESS" --nofork --nopidfile --syslog-only &
	services_pids+=($!)
	wait_for 10 "the D-Bus session" dbus-send --session --dest=org.freedesktop.DBus --print-reply / org.freedesktop.DBus.ListNames || return 1

	# --unlock reads the login password on stdin and creates the collection.
	printf %s twofold-test | env -u DISPLAY gnome-keyring-daemon --unlock --components=secrets >"$services_dir/keyring.env" 2>"$services_dir/keyring.log"
	local pid
	pid=$(sed -n 's/^GNOME_KEYRING_PID=//p' "$services_dir/keyring.env")
	[ -n "$pid" ] && services_pids+=("$pid")
	wait_for 10 "the Secret Service" dbus-send --session --dest=org.freedesktop.DBus --print-reply / org.freedesktop.DBus.GetNameOwner string:org.freedesktop.secrets || return 1
	# A wrong password still exits 0: check the collection is really open.
	wait_for 10 "an unlocked login keyring" sh -c 'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets/aliases/default org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked | grep -q "boolean false"' || return 1
	start_pcscd || return 1
	echo "services: Xvfb on $DISPLAY, D-Bus session, unlocked gnome-keyring, pcscd with vpcd; in $services_dir"
}

# vpcd_listening: vpcd's first reader port (35963 = 0x8C7B) is in LISTEN
# state. Probing it with a connection would look like a card to vpcd.
vpcd_listening() { grep -q ':8C7B 00000000:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null; }

start_pcscd() {
	if ! [ -S /run/pcscd/pcscd.comm ] || ! pgrep -r R,S,D,I -x pcscd >/dev/null; then
		if [ "$(id -u)" -ne 0 ]; then
			echo "services: pcscd is not running and starting it needs root" >&2
			return 1
		fi
		pcscd --foreground >"$services_dir/pcscd.log" 2>&1 &
		services_pids+=($!)
	fi
	wait_for 10 "pcscd with vpcd" vpcd_listening
}
