#!/bin/sh
# Reproduces the Fashion-MNIST pre-trained models in models/pretrained/ and
# models/train/RESULTS.md. Needs python3 with torch 1.13, numpy, pywt, sklearn,
# scipy and onnx, and the Debian package dataset-fashion-mnist (or
# FASHION_MNIST_DIR pointing at the four idx .gz files). CPU only; about an
# hour on two cores. TRAIN_THREADS sets torch's thread count (default 2).
set -eu
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
"$PY" train_codec.py
"$PY" train_classifiers.py latent
"$PY" train_classifiers.py pixel
"$PY" train_cluster.py
"$PY" export_refs.py
