#!/bin/sh
# Reproduces the Fashion-MNIST pre-trained models in models/pretrained/ and
# models/train/RESULTS.md. Needs python3 with torch 1.13, numpy, pywt, sklearn,
# scipy and onnx, and the Debian package dataset-fashion-mnist (or
# FASHION_MNIST_DIR pointing at the four idx .gz files). CPU only: about 15
# minutes of CPU time in all, longer on a busy machine.
#
# The thread counts are those the committed models were trained with: float
# sums are ordered differently with another count, which changes the last
# digits of the weights (not the accuracies beyond noise).
set -eu
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
TRAIN_THREADS=2 "$PY" train_codec.py
TRAIN_THREADS=1 "$PY" train_classifiers.py latent
TRAIN_THREADS=1 "$PY" train_classifiers.py pixel
TRAIN_THREADS=1 "$PY" train_cluster.py
TRAIN_THREADS=1 "$PY" export_refs.py
