#!/bin/sh
# Measures the shipped Fashion-MNIST models with edgerun on the full test set
# (Debian package dataset-fashion-mnist) and prints the README's table, then
# runs the suite's accuracy test (float vs PyTorch, int8 vs float, clustering
# vs PCA + k-means).
set -e
cd "$(dirname "$0")/.."
go run ./models/cmd/fashioneval "$@"
go test -count=1 -run 'TestFashionAccuracy' -v ./models/builder/ | grep -E 'top-1|k-means|ok|FAIL|---'
