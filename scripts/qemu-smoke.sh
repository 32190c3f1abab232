#!/usr/bin/env bash
# Runs the edgerun binary's device-facing subcommands under an emulator:
# scripts/qemu-smoke.sh "qemu-aarch64-static -cpu max" path/to/edgerun
set -euo pipefail
exec_cmd=$1
bin=$2
$exec_cmd "$bin" info >/dev/null
echo "edgerun info: ok"
