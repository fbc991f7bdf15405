#!/usr/bin/env bash
# Runs Twofold's Windows build (the zip scripts/package.sh windows makes)
# under Wine on an X display (DISPLAY; scripts/test.sh starts Xvfb):
#   - the command line (twofold.com): --version; a vault in Windows'
#     Credential Manager (Wine implements it) and one with a password;
#     add; code --json --at T equal to oathtool's codes; export of an
#     encrypted backup and its import into a new vault
#   - the app (twofold.exe): its window opens and draws; a screenshot of
#     it is left in dist/windows-under-wine.png
#   - the installer (…-setup.exe /S): a per-user install that runs, is on
#     the PATH and in the Start menu, and an uninstall that removes it all
# Wine 8 lacks bcryptprimitives.dll, whose ProcessPrng Go's runtime
# needs: a stand-in (scripts/wine/bcryptprimitives.c) is built into the
# test's own Wine prefix. It is never shipped.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_packages wine64 gcc-mingw-w64-x86-64 oathtool unzip imagemagick x11-utils
[ -n "${DISPLAY:-}" ] || { echo "scripts/wine-test.sh: needs an X display (DISPLAY)" >&2; exit 1; }

zip=$(ls -t dist/twofold-*-windows-amd64.zip 2>/dev/null | head -1)
[ -n "$zip" ] || { echo "scripts/wine-test.sh: no dist/twofold-*-windows-amd64.zip: run scripts/package.sh windows first" >&2; exit 1; }
work=$(mktemp -d)
app_pid=
trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; WINEPREFIX="$work/prefix" /usr/lib/wine/wineserver -k 2>/dev/null || true; rm -rf "$work"' EXIT
unzip -q "$zip" -d "$work"
dir=$(echo "$work"/twofold-*)

export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wine=/usr/lib/wine/wine64
fail() { echo "wine-test: $*" >&2; exit 1; }

echo "== Wine prefix"
start=$SECONDS
# One wineserver for the whole test (the trap ends it): by default it
# quits 3 s after the last program, and a program started as it quits
# can fail to start on a busy machine.
mkdir -p "$WINEPREFIX"
/usr/lib/wine/wineserver -p
timeout 300 "$wine" wineboot -i >/dev/null 2>&1 || fail "wineboot did not make the prefix within 5 minutes"
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
	scripts/wine/bcryptprimitives.c -ladvapi32
echo "prefix ready in $((SECONDS - start)) s"

# Every Wine run gets a time limit, so that a hang fails the test.
tf() { timeout 120 "$wine" "$dir/twofold.com" "$@" 2>"$work/stderr" | tr -d '\r'; }

echo "== command line"
out=$(tf --version)
version=${out%%$'\n'*}
[[ $version == "Twofold "* ]] || fail "--version printed: $version"
echo "$version"
file "$dir/twofold.exe" | grep 'PE32+ executable (GUI) x86-64' >/dev/null || fail "twofold.exe is not a 64-bit GUI program: $(file "$dir/twofold.exe")"
file "$dir/twofold.com" | grep 'PE32+ executable (console) x86-64' >/dev/null || fail "twofold.com is not a 64-bit console program: $(file "$dir/twofold.com")"
# Its resources' top-level types: RT_ICON (3), RT_GROUP_ICON (0xe) and
# RT_VERSION (0x10), what Explorer shows as its icon and version.
types=$(x86_64-w64-mingw32-objdump -p "$dir/twofold.exe" | sed -n '/The .rsrc Resource Directory section/,/^$/p' |
	sed -n 's/^0[0-9a-f]\{2\}   Entry: ID: \(0x[0-9a-f]*\),.*/\1/p' | tr '\n' ' ')
for want in 0x000003 0x00000e 0x000010; do
	[[ " $types" == *" $want "* ]] || fail "twofold.exe lacks resource type $want (has: $types)"
done

# The fixtures' accounts: three TOTP, three HOTP (Steam has no oathtool mode).
grep -v '^otpauth://steam' accounts/testdata/plain.txt >"$work/plain.txt"
at=1234567890
check_codes() { # check_codes VAULT [--password-file F]
	local json
	json=$(tf --vault "$@" code --json --at "$at")
	while read -r uri; do
		local issuer secret alg digits period counter want got
		issuer=$(sed -E 's/.*[?&]issuer=([^&]*).*/\1/; s/\+/ /g' <<<"$uri")
		secret=$(sed -E 's/.*[?&]secret=([^&]*).*/\1/' <<<"$uri")
		alg=$(sed -E 's/.*[?&]algorithm=([^&]*).*/\1/' <<<"$uri")
		digits=$(sed -E 's/.*[?&]digits=([^&]*).*/\1/' <<<"$uri")
		case $uri in
		otpauth://totp/*)
			period=$(sed -E 's/.*[?&]period=([^&]*).*/\1/' <<<"$uri")
			want=$(oathtool --totp="$alg" -b -d "$digits" -s "${period}s" -N "@$at" "$secret") ;;
		*)
			counter=$(sed -E 's/.*[?&]counter=([^&]*).*/\1/' <<<"$uri")
			want=$(oathtool --hotp -b -d "$digits" -c "$counter" "$secret")
			[ "$alg" = SHA1 ] || continue ;; # oathtool's HOTP is SHA-1 only
		esac
		got=$(/usr/bin/python3 -c 'import json,sys; print(next(e["code"] for e in json.load(sys.stdin) if e["issuer"]==sys.argv[1]))' "$issuer" <<<"$json")
		[ "$got" = "$want" ] || fail "$issuer at $at: twofold.com under Wine says $got, oathtool $want"
	done <"$work/plain.txt"
}

# Windows' Credential Manager holds the vault's key (what a Windows user
# gets by default).
tf --vault 'C:\cred.twofold' add - <"$work/plain.txt" >/dev/null || fail "add to a Credential Manager vault: $(cat "$work/stderr")"
grep -q 'kept in the OS keyring' "$work/stderr" || fail "the new vault's key is not in Credential Manager: $(cat "$work/stderr")"
check_codes 'C:\cred.twofold'
echo "Credential Manager vault: codes equal oathtool's"

# A password slot beside it; an encrypted backup (its password from the
# same file); then the Credential Manager slot dropped, so only the
# password opens the vault; the backup imported into a new vault.
printf 'correct horse battery staple' >"$work/pw"
tf --vault 'C:\cred.twofold' --password-file "$work/pw" vault protect --password >/dev/null || fail "vault protect --password: $(cat "$work/stderr")"
tf --vault 'C:\cred.twofold' --password-file "$work/pw" export --format twofold --out 'C:\backup.twofold' >/dev/null ||
	fail "export: $(cat "$work/stderr")"
tf --vault 'C:\cred.twofold' --password-file "$work/pw" vault unprotect --keyring >/dev/null || fail "vault unprotect --keyring: $(cat "$work/stderr")"
info=$(tf --vault 'C:\cred.twofold' vault info)
grep -qi 'password' <<<"$info" && ! grep -qi 'keyring' <<<"$info" || fail "vault info after unprotect --keyring: $info"
check_codes 'C:\cred.twofold' --password-file "$work/pw"
echo "password vault: codes equal oathtool's"
tf --vault 'C:\restored.twofold' --password-file "$work/pw" import 'C:\backup.twofold' >/dev/null || fail "import: $(cat "$work/stderr")"
check_codes 'C:\restored.twofold'
echo "backup exported and imported into a new vault: codes equal oathtool's"
times=()
for _ in 1 2 3; do
	t0=$(date +%s%N)
	tf --vault 'C:\restored.twofold' code --at "$at" >/dev/null
	times+=("$((($(date +%s%N) - t0) / 1000000))")
done
echo "twofold.com code under Wine (a warm prefix): ${times[*]} ms"

echo "== the app"
# A window of that name left by an earlier test would pass for ours.
for _ in $(seq 100); do
	xwininfo -root -tree 2>/dev/null | grep '"Twofold"' >/dev/null || break
	sleep 0.1
done
xwininfo -root -tree 2>/dev/null | grep '"Twofold"' >/dev/null && fail "a Twofold window is already on the display"
"$wine" "$dir/twofold.exe" --vault 'C:\restored.twofold' >"$work/app.log" 2>&1 &
app_pid=$!
# (xwininfo -tree fails now and then when a window goes away while it
# walks the tree: only a found window counts.)
found=
for _ in $(seq 600); do
	if xwininfo -root -tree 2>/dev/null | grep '"Twofold"' >/dev/null; then
		found=1
		break
	fi
	kill -0 "$app_pid" 2>/dev/null || fail "twofold.exe exited before showing a window; it printed: $(tail -c 2000 "$work/app.log")"
	sleep 0.1
done
[ -n "$found" ] || fail "no Twofold window after 60 s"
shot=dist/windows-under-wine.png
for _ in $(seq 300); do
	import -window root "$work/shot.png" 2>/dev/null || true
	[ "$(convert "$work/shot.png" -format '%k' info: 2>/dev/null || echo 0)" -ge 20 ] && break
	sleep 0.2
done
colours=$(convert "$work/shot.png" -format '%k' info:)
[ "$colours" -ge 20 ] || fail "the window drew nothing ($colours colours)"
cp "$work/shot.png" "$shot"
echo "window drawn ($colours colours): $shot"
kill "$app_pid" 2>/dev/null || true
wait "$app_pid" 2>/dev/null || true
app_pid=
"$wine" wineboot -e >/dev/null 2>&1 || true # end what the app left running in the prefix

# twofold.com with no command (a console user typing "twofold") starts
# twofold.exe and returns at once.
gone=
for _ in $(seq 100); do
	xwininfo -root -tree 2>/dev/null | grep '"Twofold"' >/dev/null || { gone=1; break; }
	sleep 0.1
done
[ -n "$gone" ] || fail "the app's window stayed after the app was ended"
timeout 30 "$wine" "$dir/twofold.com" --vault 'C:\restored.twofold' >"$work/com.log" 2>&1 ||
	fail "twofold.com with no command failed or did not return: $(tail -c 2000 "$work/com.log")"
found=
for _ in $(seq 600); do
	if xwininfo -root -tree 2>/dev/null | grep '"Twofold"' >/dev/null; then
		found=1
		break
	fi
	sleep 0.1
done
[ -n "$found" ] || fail "twofold.com with no command returned, but no Twofold window showed within 60 s"
echo "twofold.com with no command started the app and returned"
"$wine" wineboot -e >/dev/null 2>&1 || true

# winenv VAR: a Windows environment variable, as Windows programs see it.
winenv() {
	local v
	v=$("$wine" cmd /c echo "%$1%" 2>/dev/null | tr -d '\r') || true
	[ -n "$v" ] && [ "$v" != "%$1%" ] || fail "cmd under Wine did not give %$1%"
	printf '%s' "$v"
}
# unixpath WINPATH: where Wine keeps it.
unixpath() {
	local p
	p=$("$wine" winepath -u "$1" 2>/dev/null) || true
	[ -n "$p" ] || fail "winepath did not map $1"
	printf '%s' "$p"
}

echo "== the installer"
setup=$(ls -t dist/twofold-*-windows-amd64-setup.exe 2>/dev/null | head -1)
[ -n "$setup" ] || fail "no dist/twofold-*-windows-amd64-setup.exe"
file "$setup" | grep 'PE32+ executable (GUI) x86-64' >/dev/null || fail "the installer is not a 64-bit program: $(file "$setup")"
timeout 120 "$wine" "$setup" /S >/dev/null 2>&1 || fail "the installer failed or took over 2 minutes"
local_app=$(winenv LOCALAPPDATA)
inst=$(unixpath "$local_app\Programs\Twofold")
for f in twofold.exe twofold.com uninstall.exe; do
	[ -f "$inst/$f" ] || fail "the installer left no $f in $inst"
done
start_menu=$(unixpath "$(winenv APPDATA)\Microsoft\Windows\Start Menu\Programs\Twofold.lnk")
[ -f "$start_menu" ] || fail "no Start menu entry ($start_menu)"
# The user's PATH in the registry (reg's whole answer, read to the end,
# so that no early-closing reader leaves it a broken pipe).
path_value() { "$wine" reg query 'HKCU\Environment' /v Path 2>/dev/null | tr -d '\r' || true; }
path_value | grep -iF "$local_app\Programs\Twofold" >/dev/null || fail "the install folder is not on the user's PATH: $(path_value)"
out=$("$wine" "$inst/twofold.com" --version 2>/dev/null | tr -d '\r') || true
[[ $out == "Twofold "* ]] || fail "the installed twofold.com --version printed: $out"
echo "installed per user in $local_app\Programs\Twofold, on the PATH, in the Start menu; it runs"
# NSIS's uninstaller copies itself away and returns at once: wait for it.
timeout 120 "$wine" "$inst/uninstall.exe" /S >/dev/null 2>&1 || fail "the uninstaller failed or took over 2 minutes"
for _ in $(seq 300); do
	[ ! -e "$inst/twofold.exe" ] && [ ! -e "$start_menu" ] && ! path_value | grep -iF "$local_app\Programs\Twofold" >/dev/null && break
	sleep 0.1
done
[ ! -e "$inst/twofold.exe" ] || fail "the uninstaller left twofold.exe"
[ ! -e "$start_menu" ] || fail "the uninstaller left the Start menu entry"
! path_value | grep -iF "$local_app\Programs\Twofold" >/dev/null || fail "the uninstaller left the folder on the PATH: $(path_value)"
echo "uninstalled: the programs, the Start menu entry and the PATH entry are gone"
echo "== Windows build under Wine: all passed"
