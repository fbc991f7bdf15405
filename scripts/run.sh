#!/usr/bin/env bash
# Builds and starts Twofold on a Debian/Ubuntu machine, installing the
# build dependencies it lacks. Arguments go to twofold (none: the GUI).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_go
need_packages "${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}" dbus gnome-keyring
mkdir -p bin
echo "Building Twofold (the first build compiles the GUI toolkit's C code and takes a few minutes)..."
go build -tags "$GO_TAGS" -o bin/twofold .
exec bin/twofold "$@"
