#!/usr/bin/env bash
# Refreshes docs/screenshot.png: the real app under Xvfb with the seven
# fixture accounts (run after scripts/test.sh has installed everything).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
start_services >/dev/null
TWOFOLD_TEST_SERVICES=1 TWOFOLD_SCREENSHOT="$PWD/docs/screenshot.png" go test -count=1 -run '^TestGUISmoke$' .
echo "wrote docs/screenshot.png"
