#!/usr/bin/env bash
# Prints int8 GEMM throughput against SGEMM at 512×512×512 (single thread,
# packed weights) for each SIMD level given (default: the CPU's best, then
# avx2), and their ratio, which the acceptance criteria bound (≥ 2.5× with
# VNNI, ≥ 1.5× on AVX2). It runs BenchmarkGemmI8VsSgemm, which alternates
# the two in one thread and measures that thread's CPU time, so a busy
# machine distorts the ratio little; the median of ROUNDS runs is shown.
#   bench/int8_vs_sgemm.sh [level...]      ROUNDS=5 BENCHTIME=40x by default
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}
benchtime=${BENCHTIME:-40x}
levels=("$@")
[ ${#levels[@]} -eq 0 ] && levels=("" avx2)
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //')"
for lvl in "${levels[@]}"; do
	EDGERUN_SIMD=$lvl go test -run '^$' -bench '^BenchmarkGemmI8VsSgemm/512x512x512$' \
		-benchtime "$benchtime" -count "$rounds" ./simd/ |
		awk -v lvl="${lvl:-best}" '
		BEGIN { n = 0 } # a numeric first key: n is used as an array index
		/^BenchmarkGemmI8VsSgemm\// {
			for (i = 1; i < NF; i++) {
				if ($(i+1) == "int8-GOP/cpu-s") i8[n] = $i
				if ($(i+1) == "sgemm-GFLOP/cpu-s") f32[n] = $i
				if ($(i+1) == "ratio") r[n] = $i
			}
			n++
		}
		END {
			if (n == 0) { print "level " lvl ": no result"; exit 1 }
			# median by ratio
			for (i = 0; i < n; i++) idx[i] = i
			for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (r[idx[j]] < r[idx[i]]) { t = idx[i]; idx[i] = idx[j]; idx[j] = t }
			m = idx[int(n / 2)]
			printf "level %-8s int8 %7.1f GOP/s   sgemm %7.1f GFLOP/s   ratio %.2fx   (median of %d, per CPU-second)\n", lvl, i8[m], f32[m], r[m], n
		}'
done
