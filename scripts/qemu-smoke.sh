#!/usr/bin/env bash
# Runs the edgerun binary's device-facing subcommands under an emulator and
# checks what they print:
#   scripts/qemu-smoke.sh "qemu-aarch64-static -cpu max" path/to/edgerun
set -euo pipefail
exec_cmd=$1
bin=$2
$exec_cmd "$bin" info >/dev/null
echo "edgerun info: ok"
out=$($exec_cmd "$bin" run)
echo "$out" | grep -q "16 of 16 sample images classified as labelled" || {
	echo "edgerun run under emulation did not classify the samples:" >&2
	echo "$out" >&2
	exit 1
}
echo "edgerun run: 16 of 16 samples"
out=$($exec_cmd "$bin" bench --runs 3 --json)
echo "$out" | grep -q '"runs": 3' || {
	echo "edgerun bench --runs 3 under emulation failed:" >&2
	echo "$out" >&2
	exit 1
}
echo "edgerun bench --runs 3: $(echo "$out" | grep -m1 '"simd_level"')"
