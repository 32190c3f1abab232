#!/usr/bin/env bash
# Compares edgerun's J=3 bior4.4 wavelet packet transform of a 1024x1024 RGB
# image with PyWavelets (pywt.dwt2, mode="periodization", every band, J
# times) on the same input in the same run, both single-threaded. Prints
# megapixels per second for each, per wall second and per CPU second (the
# CPU figure is the fair one on a shared machine), and the ratios.
# Exits non-zero if either side fails. Usage: bench/wpt_peer.sh [benchtime]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/usr/bin/python3}
BENCHTIME=${1:-3s}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

OMP_NUM_THREADS=1 "$PY" bench/wpt_peer.py make "$tmp/input.npy"
peer=$(OMP_NUM_THREADS=1 "$PY" bench/wpt_peer.py run "$tmp/input.npy")
ours=$(EDGERUN_WPT_INPUT="$tmp/input.npy" go test -run '^$' -cpu 1 -benchtime "$BENCHTIME" \
	-bench '^BenchmarkWPT2D$/^1024x1024x3$/^J3$' ./codec/ | grep -E '^BenchmarkWPT2D/1024x1024x3/J3\s')

field() { # value preceding unit $2 in line $1
	awk -v u="$2" '{for (i = 2; i <= NF; i++) if ($i == u) print $(i-1)}' <<<"$1"
}
ow=$(field "$ours" "MP/s"); oc=$(field "$ours" "MP/cpu-s"); ob=$(field "$ours" "MP/best-cpu-s")
pw=$(field "$peer" "MP/s"); pc=$(field "$peer" "MP/cpu-s"); pb=$(field "$peer" "MP/best-cpu-s")
if [[ -z "$ow" || -z "$oc" || -z "$ob" || -z "$pw" || -z "$pc" || -z "$pb" ]]; then
	echo "wpt_peer: could not parse results: ours='$ours' peer='$peer'" >&2
	exit 1
fi
ratio() { echo "$1 / $2" | bc -l; }
printf '%-34s %9s %10s %15s\n' "2D WPT bior4.4 J=3 1024x1024 RGB" "MP/s" "MP/cpu-s" "MP/best-cpu-s"
printf '%-34s %9.2f %10.2f %15.2f\n' "edgerun (Go, 1 thread, $(go env GOARCH))" "$ow" "$oc" "$ob"
printf '%-34s %9.2f %10.2f %15.2f\n' "PyWavelets dwt2 on every band" "$pw" "$pc" "$pb"
printf '%-34s %8.1fx %9.1fx %14.1fx\n' "ratio" "$(ratio "$ow" "$pw")" "$(ratio "$oc" "$pc")" "$(ratio "$ob" "$pb")"
