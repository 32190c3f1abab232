#!/usr/bin/env bash
# The QEMU matrix: the test suite and the edgerun binary under emulated CPUs,
# each asserting the SIMD level dispatch must pick there. Installs
# qemu-user-static with apt when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n=== %s\n' "$*"; }

./scripts/deps.sh
export GOFLAGS="${GOFLAGS:-} -count=1"

# Emulated runs prove correctness and dispatch, never speed. Async preemption
# signals have crashed Go under QEMU user mode (golang/go#36981).
export GODEBUG=asyncpreemptoff=1
qemu_run() { # GOARCH GOARM QEMU CPU EXPECTED_LEVEL
	local arch=$1 goarm=$2 qemu=$3 cpu=$4 level=$5
	log "QEMU $arch${goarm:+ v$goarm}${cpu:+ -cpu $cpu} (expect level $level)"
	local exec="$qemu"
	[ -n "$cpu" ] && exec="$qemu -cpu $cpu"
	EDGERUN_EXPECT_LEVEL=$level GOARCH=$arch GOARM=$goarm \
		go test -short -timeout 30m -exec "$exec" ./...
	local bin
	bin=$(mktemp -d)/edgerun
	CGO_ENABLED=0 GOARCH=$arch GOARM=$goarm go build -o "$bin" ./cmd/edgerun
	local out
	out=$($exec "$bin" info --json)
	echo "$out" | grep -q "\"level\": \"$level\"" || {
		echo "edgerun info under $qemu -cpu $cpu did not report level $level:" >&2
		echo "$out" >&2
		exit 1
	}
	echo "edgerun info: level $level"
	./scripts/qemu-smoke.sh "$exec" "$bin"
}
qemu_run arm64 "" qemu-aarch64-static cortex-a53 neon
qemu_run arm64 "" qemu-aarch64-static max i8mm
qemu_run arm 7 qemu-arm-static "" generic
qemu_run amd64 "" qemu-x86_64-static Nehalem sse4
# QEMU's TCG lacks a few Haswell system features (TSX, PCID...) that no
# kernel of ours uses; removing them keeps its warnings out of the log.
qemu_run amd64 "" qemu-x86_64-static Haswell,-hle,-rtm,-invpcid,-pcid,-x2apic,-tsc-deadline avx2

