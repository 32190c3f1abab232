#!/usr/bin/env bash
# gofmt and go vet, including the assembly frame checks of the ARM builds.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$bad" ]; then
	echo "gofmt would change:" >&2
	echo "$bad" >&2
	exit 1
fi
go vet ./...
GOARCH=arm64 go vet ./...
GOARCH=arm GOARM=7 go vet ./...
go vet -tags noasm ./...
echo "lint: ok"
