#!/bin/sh
# Records ONNX Runtime's outputs for the ONNX importer's test models
# (models/onnx/testdata/*.onnx with *.inputs.json) as *.ort.json, and for
# the pre-trained Fashion-MNIST classifiers when their inputs exist.
# Needs node and onnxruntime-node (npm install --ignore-scripts onnxruntime-node
# in a directory on NODE_PATH, or ORT_MODULE=/path/to/onnxruntime-node).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
for m in "$root"/models/onnx/testdata/*.onnx; do
	b=${m%.onnx}
	[ -f "$b.inputs.json" ] || continue
	node "$here/onnx_compare.js" "$m" "$b.inputs.json" "$b.ort.json"
done
for m in "$root"/models/pretrained/*.onnx; do
	[ -f "$m" ] || continue
	b="$root/models/onnx/testdata/pretrained/$(basename "${m%.onnx}")"
	[ -f "$b.inputs.json" ] || continue
	node "$here/onnx_compare.js" "$m" "$b.inputs.json" "$b.ort.json"
done
