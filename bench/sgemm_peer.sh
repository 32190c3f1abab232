#!/usr/bin/env bash
# Single-thread SGEMM 512x512x512: edgerun's Sgemm against OpenBLAS (through
# Debian's NumPy), run alternately in the same session so both see the same
# machine load. Prints each side's GFLOP/s per round, then the best and the
# median of the rounds with their ratios; exits non-zero if either side
# fails to run.
#
#   bench/sgemm_peer.sh                  # level chosen for this CPU
#   EDGERUN_SIMD=avx2 bench/sgemm_peer.sh # our kernels capped at AVX2
#   ROUNDS=5 SHAPE=256x256x256 bench/sgemm_peer.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SHAPE=${SHAPE:-512x512x512}
PYTHON=${PYTHON:-/usr/bin/python3}
IFS=x read -r M N K <<<"$SHAPE"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/simd.test" ./simd/

# Both sides measure the same way: CHUNKS timed chunks of about 0.3 s, each
# giving its mean GFLOP/s, and report the best chunk; on a shared machine
# that is the figure least disturbed by other load.
CHUNKS=${CHUNKS:-5}

ours() {
	GOMAXPROCS=1 "$tmp/simd.test" -test.run '^$' -test.bench "^BenchmarkSgemm\$/^${SHAPE}\$" \
		-test.benchtime 300ms -test.count "$CHUNKS" |
		awk '/GFLOP\/s/ { for (i = 1; i < NF; i++) if ($(i+1) == "GFLOP/s" && $i > best) best = $i } END { if (best) print best }'
}

peer() {
	# One thread, and OpenBLAS's own choice of kernel and cache sizes.
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 "$PYTHON" - "$M" "$N" "$K" "$CHUNKS" <<'PY'
import sys, time
import numpy as np
m, n, k, chunks = (int(v) for v in sys.argv[1:5])
rng = np.random.default_rng(1)
a = rng.standard_normal((m, k), dtype=np.float32)
b = rng.standard_normal((k, n), dtype=np.float32)
c = np.empty((m, n), dtype=np.float32)
for _ in range(3):
    np.matmul(a, b, out=c)
best = 0.0
for _ in range(chunks):
    t0 = time.perf_counter()
    runs = 0
    while True:
        np.matmul(a, b, out=c)
        runs += 1
        t = time.perf_counter() - t0
        if t >= 0.3:
            break
    best = max(best, 2 * m * n * k * runs / t / 1e9)
print(f"{best:.2f}")
PY
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)"
echo "EDGERUN_SIMD=${EDGERUN_SIMD:-<unset>}  shape ${SHAPE}  rounds ${ROUNDS}"
: >"$tmp/ours"
: >"$tmp/peer"
for r in $(seq "$ROUNDS"); do
	o=$(ours) || { echo "our benchmark failed" >&2; exit 1; }
	[ -n "$o" ] || { echo "our benchmark printed no GFLOP/s" >&2; exit 1; }
	p=$(peer) || { echo "peer (NumPy/OpenBLAS) failed to run" >&2; exit 2; }
	[ -n "$p" ] || { echo "peer printed nothing" >&2; exit 2; }
	echo "round $r: edgerun ${o} GFLOP/s   openblas ${p} GFLOP/s"
	echo "$o" >>"$tmp/ours"
	echo "$p" >>"$tmp/peer"
done
# The ratio of the best rounds compares what each side reaches when the
# machine lets it; the medians show how much the load moved the figures.
for stat in best median; do
	if [ "$stat" = best ]; then
		o=$(sort -g "$tmp/ours" | tail -1)
		p=$(sort -g "$tmp/peer" | tail -1)
	else
		o=$(median <"$tmp/ours")
		p=$(median <"$tmp/peer")
	fi
	awk -v s="$stat" -v o="$o" -v p="$p" 'BEGIN { printf "%s: edgerun %.1f GFLOP/s, openblas %.1f GFLOP/s, ratio %.2f\n", s, o, p, o / p }'
done
