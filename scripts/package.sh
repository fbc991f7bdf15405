#!/usr/bin/env bash
# Builds the packages this machine can make into dist/ (macOS's .app is
# built on a Mac: see README.md):
#   twofold_VERSION_amd64.deb            Debian 12+, Ubuntu 22.04+
#   twofold-VERSION-linux-amd64.tar.xz   other Linux: Fyne's layout and Makefile
#   twofold-VERSION-windows-amd64.zip    twofold.exe (the app) and
#                                        twofold.com (the command line)
# Each holds two programs: the app (the window, which also runs every
# command) and the command line built without the GUI toolkit (-tags
# nogui), which starts in a third of the time and starts the app for the
# window. On Linux the command is bin/twofold and the app
# lib/twofold/twofold-app.
#   twofold-VERSION-windows-amd64-setup.exe  the same, installed per user
#                                        (NSIS: Start menu, PATH, uninstall)
#   scripts/package.sh [linux|windows]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_go
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(linux windows)
need_packages "${BUILD_PACKAGES[@]}" "${PACKAGE_PACKAGES[@]}"

version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
work=$(mktemp -d)
# fyne package --release raises FyneApp.toml's build number and rewrites
# the file: the build number is ours to raise, so the file is put back.
cp FyneApp.toml "$work/FyneApp.toml"
trap 'cp "$work/FyneApp.toml" FyneApp.toml; rm -f fyne.syso; rm -rf "$work"' EXIT
GOBIN="$work/bin" go install fyne.io/tools/cmd/fyne@v1.7.4
# fyne_package ARGS: Fyne's packaging tool, FyneApp.toml put back after
# each run (else the next build would embed the raised build number).
fyne_package() {
	"$work/bin/fyne" package "$@"
	cp "$work/FyneApp.toml" FyneApp.toml
}
mkdir -p dist
# As fyne package builds (its release mode): no symbol tables (a third
# smaller), and the tags it adds. The Linux binary is built here without
# -trimpath, so it reuses the C code the tests' builds compiled.
ldflags="-s -w"
tags="$GO_TAGS,release,migrated_fynedo"

# The libraries GLFW opens at run time (dlopen, so not in the binary's
# NEEDED list that dpkg-shlibdeps reads): X11 and its extensions, and
# Wayland's. From glfw/src/x11_init.c and wl_init.c.
dlopened=(libX11.so.6 libX11-xcb.so.1 libXcursor.so.1 libXrandr.so.2 libXinerama.so.1
	libXi.so.6 libXext.so.6 libXrender.so.1 libXxf86vm.so.1 libxkbcommon.so.0
	libwayland-cursor.so.0 libwayland-egl.so.1)

linux() {
	echo "== Linux: binaries and Fyne's tar.xz"
	# (fyne package names the tarball's folder, program, Makefile and
	# desktop entry after the file it is given: the app, as "twofold".)
	mkdir -p "$work/app"
	go build -tags "$tags" -ldflags "$ldflags" -o "$work/app/twofold" .
	go build -tags "$tags,nogui" -ldflags "$ldflags" -o "$work/twofold" .
	fyne_package --target linux --release --executable "$work/app/twofold"
	local tarball="dist/twofold-$version-linux-amd64.tar.xz" tree="$work/tar"
	# Fyne's tarball holds one program as usr/local/bin/twofold: the
	# command goes there, the app beside it in lib, and its Makefile
	# installs (and removes) the app the way it does the command.
	mkdir -p "$tree" && tar -xJf Twofold.tar.xz -C "$tree" && rm Twofold.tar.xz
	install -Dm755 "$work/twofold" "$tree/twofold/usr/local/bin/twofold"
	install -Dm755 "$work/app/twofold" "$tree/twofold/usr/local/lib/twofold/twofold-app"
	sed -i -e 's|^\(\tinstall -Dm00755 usr/local/bin/$(Exec) \(.*\)/bin/$(Exec)\)$|\1\n\tinstall -Dm00755 usr/local/lib/twofold/twofold-app \2/lib/twofold/twofold-app|' \
		-e 's|^\(\t-rm \(.*\)/bin/$(Exec)\)$|\1\n\t-rm -r \2/lib/twofold|' "$tree/twofold/Makefile"
	[ "$(grep -c 'lib/twofold' "$tree/twofold/Makefile")" -eq 4 ] || {
		echo "scripts/package.sh: Fyne's Makefile changed; the app's install lines were not added" >&2
		exit 1
	}
	(cd "$tree" && tar -cJf "$OLDPWD/$tarball" twofold)

	echo "== Linux: .deb from the same files"
	local root="$work/deb"
	install -Dm755 "$tree/twofold/usr/local/bin/twofold" "$root/usr/bin/twofold"
	install -Dm755 "$tree/twofold/usr/local/lib/twofold/twofold-app" "$root/usr/lib/twofold/twofold-app"
	install -Dm644 "$tree/twofold/usr/local/share/applications/app.twofold.Twofold.desktop" \
		"$root/usr/share/applications/app.twofold.Twofold.desktop"
	for png in assets/icons/twofold-*.png; do
		local px=${png##*-}
		px=${px%.png}
		install -Dm644 "$png" "$root/usr/share/icons/hicolor/${px}x${px}/apps/app.twofold.Twofold.png"
	done
	install -d "$root/usr/share/doc/twofold"
	cat >"$root/usr/share/doc/twofold/copyright" <<-EOF
		Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
		Upstream-Name: Twofold

		Files: *
		Copyright: the Twofold authors
		License: Apache-2.0
		 On Debian systems the full text of the Apache License 2.0 is in
		 /usr/share/common-licenses/Apache-2.0.
	EOF
	local depends
	depends=$(deb_depends "$root/usr/lib/twofold/twofold-app")
	install -d "$root/DEBIAN"
	cat >"$root/DEBIAN/control" <<-EOF
		Package: twofold
		Version: $version
		Architecture: amd64
		Maintainer: Twofold developers <packages@twofold.invalid>
		Installed-Size: $(du -sk "$root/usr" | cut -f1)
		Depends: $depends
		Recommends: pcscd, gnome-keyring | kwalletmanager | keepassxc
		Section: utils
		Priority: optional
		Description: desktop authenticator for two-factor codes
		 Twofold shows the rolling 6- or 8-digit codes of two-factor accounts,
		 added from QR codes in images, on the screen or the clipboard, or from
		 the key a site shows. It reads codes computed on a YubiKey, keeps the
		 secrets encrypted under a key held by the system keyring, and imports
		 and exports other authenticator apps' backups.
	EOF
	dpkg-deb --root-owner-group -Zxz --build "$root" "dist/twofold_${version}_amd64.deb" >/dev/null
}

# deb_depends BINARY: the packages of the libraries it links
# (dpkg-shlibdeps, with versions) and of those GLFW opens at run time.
deb_depends() {
	local src="$work/shlibs" deps pkgs=()
	mkdir -p "$src/debian"
	printf 'Source: twofold\n\nPackage: twofold\nArchitecture: any\n' >"$src/debian/control"
	deps=$(cd "$src" && dpkg-shlibdeps -O -e"$1" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
	for so in "${dlopened[@]}"; do
		local p
		p=$(dpkg -S "*/x86_64-linux-gnu/$so" 2>/dev/null | head -1 | cut -d: -f1)
		if [ -z "$p" ]; then
			echo "scripts/package.sh: no installed package has $so, which GLFW needs at run time" >&2
			exit 1
		fi
		pkgs+=("$p")
	done
	printf '%s, %s\n' "$deps" "$(printf '%s\n' "${pkgs[@]}" | sort -u | paste -sd, | sed 's/,/, /g')"
}

windows() {
	echo "== Windows: twofold.exe (the app) and twofold.com (the command line)"
	# The .exe is the app, a GUI program (no console window when started
	# from the menu), with its icon and version from FyneApp.toml.
	export CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc
	fyne_package --target windows --release --tags "$GO_TAGS"
	local dir="$work/win/twofold-$version"
	mkdir -p "$dir"
	mv Twofold.exe "$dir/twofold.exe"
	# The .com is the command line (-tags nogui, pure Go: PC/SC on
	# Windows needs no cgo), a console program, which cmd and PowerShell
	# pick for "twofold ARGS" before the .exe (PATHEXT lists .COM
	# first), so the shell waits for it and its output and prompts reach
	# the console; with no command it starts twofold.exe and returns.
	CGO_ENABLED=0 go build -tags "$tags,nogui" -ldflags "$ldflags" -o "$dir/twofold.com" .
	unset CGO_ENABLED GOOS GOARCH CC
	file "$dir/twofold.com" | grep -q 'PE32+ executable (console)' || {
		echo "scripts/package.sh: twofold.com is not a console program: $(file "$dir/twofold.com")" >&2
		exit 1
	}
	cp LICENSE "$dir/LICENSE.txt"
	local zip="$PWD/dist/twofold-$version-windows-amd64.zip"
	rm -f "$zip"
	(cd "$work/win" && zip -qr9 "$zip" "twofold-$version")

	echo "== Windows: the installer"
	convert assets/icons/twofold-{16,24,32,48,64,256}.png "$dir/twofold.ico"
	makensis -V2 -DVERSION="$version" -DSRC="$dir" -DOUT="$PWD/dist/twofold-$version-windows-amd64-setup.exe" \
		scripts/windows/twofold.nsi
}

for t in "${targets[@]}"; do
	case $t in
	linux | windows) "$t" ;;
	*)
		echo "scripts/package.sh: unknown target $t (linux or windows)" >&2
		exit 2
		;;
	esac
done
ls -l dist/
