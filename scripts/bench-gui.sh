#!/usr/bin/env bash
# Runs bench/guibench under a private Xvfb, D-Bus and gnome-keyring:
# Twofold's window against a do-nothing Fyne window.
#   scripts/bench-gui.sh [-accounts 500] [-idle 60s] [-starts 9]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_go
need_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
. scripts/services.sh
start_services >/dev/null
go run ./bench/guibench -tags "$GO_TAGS" "$@"
