# Shared by scripts/run.sh and scripts/test.sh: check Go, install Debian
# packages that are missing.

# Build tags of the app as users get it. no_emoji leaves out Fyne's
# bundled colour-emoji font: 4 MB that Fyne parses once per text style,
# 14 MB of memory in all; an emoji in a name is drawn with the system's
# emoji font instead (every desktop OS has one).
GO_TAGS=no_emoji

need_go() {
	if ! command -v go >/dev/null 2>&1; then
		echo "Twofold needs Go 1.26 or newer, and no 'go' command was found: install Go 1.26+ and try again." >&2
		exit 1
	fi
	local v
	v=$(go env GOVERSION | sed 's/^go//')
	local major=${v%%.*} rest=${v#*.}
	local minor=${rest%%[^0-9]*}
	if [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "${minor:-0}" -lt 26 ]; }; then
		echo "Twofold needs Go 1.26 or newer, and this machine has Go $v: install Go 1.26+ and try again." >&2
		exit 1
	fi
}

# need_packages PKG...: apt-get installs those not yet installed.
need_packages() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "Twofold's scripts install packages with apt-get (Debian/Ubuntu); install these by hand: ${missing[*]}" >&2
		exit 1
	fi
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		if ! command -v sudo >/dev/null 2>&1; then
			echo "Installing ${missing[*]} needs root: run as root or install sudo." >&2
			exit 1
		fi
		sudo=(sudo)
	fi
	echo "Installing: ${missing[*]}"
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building the app needs (cgo: Fyne's GLFW on X11/Wayland).
BUILD_PACKAGES=(gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev libpcsclite-dev)
# What running it needs on a bare machine (GL drivers, the keyring).
RUN_PACKAGES=(libgl1-mesa-dri ca-certificates libpcsclite1)
# What scripts/package.sh builds packages with (Windows: cross-built
# with MinGW-w64, cgo on).
PACKAGE_PACKAGES=(gcc-mingw-w64-x86-64 dpkg-dev zip xz-utils file nsis imagemagick)
# What the tests run against.
TEST_PACKAGES=(xvfb xauth x11-utils xdotool xclip dbus gnome-keyring libsecret-tools oathtool imagemagick poppler-utils
	pcscd vsmartcard-vpcd pcsc-tools yubikey-manager yubico-piv-tool syncthing zbar-tools zxing-cpp-tools)
