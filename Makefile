# edgerun build entry points. The test suite itself lives in scripts/test.sh
# so that a machine without make runs the same thing.
GO        ?= go
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
FUZZTIME  ?= 10s
BENCHTIME ?= 1s

.PHONY: build test cross test-qemu bench fuzz lint clean models fashion-eval quant-table onnx-compare

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/edgerun ./cmd/edgerun

test:
	./scripts/test.sh

cross:
	@mkdir -p dist
	@set -e; for t in linux/arm64 linux/arm/7 linux/amd64; do \
		os=$$(echo $$t | cut -d/ -f1); arch=$$(echo $$t | cut -d/ -f2); arm=$$(echo $$t | cut -d/ -f3); \
		out=dist/edgerun-$$os-$$arch$${arm:+v$$arm}; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch GOARM=$$arm $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out ./cmd/edgerun; \
		printf '%-32s %8d bytes\n' $$out $$(stat -c %s $$out); \
	done

test-qemu:
	./scripts/test-qemu.sh

bench:
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) ./...

fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

lint:
	./scripts/lint.sh

clean:
	rm -rf dist

# Retrain the Fashion-MNIST models (PyTorch from Debian, fixed seeds; about
# 15 CPU-minutes) and regenerate the deployment files from their weights.
models:
	models/train/train_all.sh
	$(GO) generate ./models

# Accuracy, latency and size of the shipped models on the full test set.
fashion-eval:
	bench/fashion-eval.sh

# Every weight encoding on the default pipeline: bytes, bits/weight, top-1.
quant-table:
	$(GO) run ./models/cmd/quanttable

# ONNX import checked against ONNX Runtime (needs node and npm).
onnx-compare:
	bench/onnx_compare.sh

# edgerun beside NumPy/OpenBLAS, PyWavelets, PyTorch and ONNX Runtime (docs/BENCHMARKS.md).
.PHONY: bench-peers
bench-peers:
	./bench/peers.sh
