#!/usr/bin/env bash
# Time and peak memory of exporting N accounts (default 5,000), each
# export in a process of its own (bench/exportbench), three runs of each:
# the PDF recovery sheet against the otpauth list, the baseline of the
# same run. scripts/bench-export.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
bin=$(mktemp)
trap 'rm -f "$bin"' EXIT
go build -o "$bin" ./bench/exportbench
for run in 1 2 3; do
	for format in otpauth pdf qr; do
		echo "run $run	$("$bin" -format "$format" -n "$n")"
	done
done
