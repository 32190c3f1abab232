#!/usr/bin/env bash
# The whole edgerun test suite, as CI runs it, on a fresh Debian machine with
# Go and gcc: lint, unit tests, the race detector, the pure-Go build, and the
# QEMU matrix (arm64 cortex-a53 and max, arm v7, x86-64 Nehalem and Haswell).
# It installs what it needs with apt when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n=== %s\n' "$*"; }

./scripts/deps.sh
export GOFLAGS="${GOFLAGS:-} -count=1"

log "lint"
./scripts/lint.sh

log "unit tests (native, $(go env GOARCH))"
go test -timeout 20m ./...

log "race detector (packages with concurrency)"
race_pkgs=()
for d in runtime simd codec cmd; do [ -d "$d" ] && race_pkgs+=("./$d/..."); done
go test -race -short -timeout 20m "${race_pkgs[@]}"

log "pure-Go build (noasm)"
go test -tags noasm -short -timeout 20m ./...

./scripts/test-qemu.sh

log "all tests passed"
