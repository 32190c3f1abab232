"""Writes the inputs for comparing the pre-trained Fashion-MNIST ONNX models
(models/pretrained/*.onnx) between edgerun and ONNX Runtime: the 16 sample
images as the models expect them (see models/pretrained/README.md).
Run: /usr/bin/python3 models/onnx/testdata/gen_pretrained.py, then
bench/onnx_compare.sh."""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "..", "pretrained", "samples")


def save(name, inp, x):
    x = np.asarray(x, np.float32)
    with open(os.path.join(HERE, "pretrained", name + ".inputs.json"), "w") as f:
        json.dump({inp: {"dtype": "float32", "shape": list(x.shape), "data": [float(v) for v in x.ravel()]}}, f)


images = np.load(os.path.join(SAMPLES, "images.npy"))
latent = np.load(os.path.join(SAMPLES, "latent.npy")).astype(np.float32) / np.float32(127)
save("pixel_classifier", "image", (images.astype(np.float32) / np.float32(255) - np.float32(0.5))[:, None])
save("latent_classifier", "latent", latent)
save("sae_encoder", "latent", latent.reshape(len(latent), -1))
