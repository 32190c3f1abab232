#!/usr/bin/env bash
# Prints int8 GEMM throughput against SGEMM at 512×512×512 (single thread)
# for each SIMD level given (default: the CPU's best, then avx2), and the
# ratio the acceptance criteria name (≥ 2.5× with VNNI, ≥ 1.5× on AVX2).
# Both benchmarks run alternately in the same process, ROUNDS times, and the
# best figure of each counts, so a busy machine penalises both alike.
#   bench/int8_vs_sgemm.sh [level...]      ROUNDS=5 BENCHTIME=40x by default
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}
benchtime=${BENCHTIME:-40x}
levels=("$@")
[ ${#levels[@]} -eq 0 ] && levels=("" avx2)
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //')"
for lvl in "${levels[@]}"; do
	out=$(EDGERUN_SIMD=$lvl GOMAXPROCS=1 go test -run '^$' \
		-bench '^Benchmark(Sgemm|SgemmPacked|GemmI8)/512x512x512$' \
		-benchtime "$benchtime" -count "$rounds" ./simd/)
	echo "$out" | awk -v lvl="${lvl:-best}" '
		/^BenchmarkGemmI8\// { for (i = 1; i < NF; i++) if ($(i+1) == "GOP/s" && $i > i8) i8 = $i }
		/^BenchmarkSgemm(Packed)?\// { for (i = 1; i < NF; i++) if ($(i+1) == "GFLOP/s" && $i > f32) f32 = $i }
		END {
			if (f32 > 0) printf "level %-8s int8 %7.1f GOP/s   sgemm %7.1f GFLOP/s   ratio %.2fx\n", lvl, i8, f32, i8 / f32
			else printf "level %-8s int8 %7.1f GOP/s   (no SGEMM benchmark in this tree)\n", lvl, i8
		}'
done
