#!/usr/bin/env bash
# Installs dist/twofold_*.deb (scripts/package.sh linux) on a fresh
# Debian 12: a minimal system made here with debootstrap, entered with
# chroot (no container engine runs on these machines). apt must pull in
# every library the package needs: then `twofold --version` runs, and the
# app opens its window on this machine's X display (DISPLAY, whose socket
# is bound into the chroot). Needs root. It also times the installed
# binary's start-up to a mapped window against a build from source.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
[ "$(id -u)" -eq 0 ] || { echo "scripts/deb-test.sh: needs root (debootstrap, chroot, mount)" >&2; exit 1; }
[ -n "${DISPLAY:-}" ] || { echo "scripts/deb-test.sh: needs an X display (DISPLAY)" >&2; exit 1; }
need_go
need_packages debootstrap x11-utils imagemagick
deb=$(ls -t dist/twofold_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "scripts/deb-test.sh: no dist/twofold_*_amd64.deb: run scripts/package.sh linux first" >&2; exit 1; }

# The machine's own Debian mirror, as apt uses it.
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "scripts/deb-test.sh: no Debian mirror in the apt sources" >&2; exit 1; }

root=$(mktemp -d /var/tmp/twofold-debian12.XXXXXX)
app_pid=
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null
	for m in tmp/.X11-unix dev/pts dev proc; do
		mountpoint -q "$root/$m" && umount -l "$root/$m"
	done
	rm -rf "$root"
}
trap cleanup EXIT

echo "== a fresh Debian 12 (debootstrap, minbase)"
start=$SECONDS
# Network steps get a time limit: a stalled mirror fails the run, not hangs it.
timeout 600 debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; exit 1; }
rm -f "$root.log"
echo "made in $((SECONDS - start)) s"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
# A plain command (no shell function), so that a background one's PID is
# the program's own: chroot and env exec it.
in_root=(chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8)

echo "== apt install ./$(basename "$deb")"
cp "$deb" "$root/tmp/"
start=$SECONDS
apt=(apt-get -qq -o APT::Sandbox::User=root) # the chroot has no _apt user's rights to its cache
timeout 300 "${in_root[@]}" "${apt[@]}" update
timeout 600 "${in_root[@]}" DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "/tmp/$(basename "$deb")" >/dev/null
echo "installed with its dependencies in $((SECONDS - start)) s"
out=$("${in_root[@]}" twofold --version)
version=${out%%$'\n'*}
[[ $version == "Twofold "* ]] || { echo "deb-test: twofold --version printed: $version" >&2; exit 1; }
echo "$version"
"${in_root[@]}" test -f /usr/share/applications/app.twofold.Twofold.desktop
"${in_root[@]}" test -f /usr/share/icons/hicolor/48x48/apps/app.twofold.Twofold.png

echo "== the window"
mkdir -p "$root/tmp/.X11-unix"
mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix"
# mapped BIN...: sets ms to the milliseconds from start to a mapped
# window named Twofold; the app is left running in app_pid.
mapped() {
	local t0 now
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 &
	app_pid=$!
	for _ in $(seq 600); do
		if xwininfo -name Twofold 2>/dev/null | grep -q 'IsViewable'; then
			now=$(date +%s%N)
			ms=$(((now - t0) / 1000000))
			return 0
		fi
		kill -0 "$app_pid" 2>/dev/null || { echo "deb-test: twofold exited before its window showed" >&2; return 1; }
		sleep 0.05
	done
	echo "deb-test: no Twofold window after 30 s" >&2
	return 1
}
stop_app() { kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null || true; app_pid=; }
installed=("${in_root[@]}" DISPLAY="$DISPLAY" TWOFOLD_VAULT=/tmp/v.twofold TWOFOLD_NTP_SERVER=127.0.0.1:9 twofold)
mapped "${installed[@]}"
shot="$root/tmp/shot.png"
for _ in $(seq 100); do
	import -window root "$shot" 2>/dev/null || true
	[ "$(convert "$shot" -format '%k' info: 2>/dev/null || echo 0)" -ge 20 ] && break
	sleep 0.2
done
colours=$(convert "$shot" -format '%k' info:)
[ "$colours" -ge 20 ] || { echo "deb-test: the window drew nothing ($colours colours)" >&2; exit 1; }
stop_app
cp "$shot" dist/deb-on-debian12.png
echo "the installed app's window opened and drew ($colours colours): dist/deb-on-debian12.png"

# Start-up to a mapped window: the installed .deb against the binary
# scripts/run.sh builds, interleaved, 3 runs each.
go build -tags "$GO_TAGS" -o "$root/src-twofold" .
deb_ms=() src_ms=()
for _ in 1 2 3; do
	mapped "${installed[@]}"
	deb_ms+=("$ms")
	stop_app
	mapped env TWOFOLD_VAULT="$root/none.twofold" TWOFOLD_NTP_SERVER=127.0.0.1:9 "$root/src-twofold"
	src_ms+=("$ms")
	stop_app
done
echo "start-up to mapped window, ms: installed .deb ${deb_ms[*]}; scripts/run.sh's build ${src_ms[*]}"
echo "== .deb on a fresh Debian 12: passed"
