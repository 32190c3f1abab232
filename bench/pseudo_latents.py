#!/usr/bin/env python3
"""Stand-in latents for bench/entropy_vs_webp.sh until a trained codec exists.

A trained WaLLoC image codec (RGB_16x) projects the 192 channels of a J=3
bior4.4 wavelet packet transform to 12 channels and compands them to int8.
Its learned projection is close to the principal components of wavelet
packet coefficients, so this script stands in for it with PCA fitted on a
set of real photographs (scikit-image's sample images), then applies
Gaussian-CDF companding to 8 bits with round-half-even, as the reference
does. Writes one [1, 12, h/8, w/8] int8 .npy per image into OUT.

    python3 bench/pseudo_latents.py OUT
"""
import os
import sys

import numpy as np
import pywt
import skimage.data as data
from math import erf, sqrt

IMAGES = ["astronaut", "coffee", "chelsea", "rocket", "retina", "hubble_deep_field"]
J, LATENT, BITS = 3, 12, 8


def wpt(x):
    """x: [C, H, W] -> [C*4^J, H/2^J, W/2^J], channel order c*4+f per level."""
    bands = x
    for _ in range(J):
        out = []
        for b in bands:
            a, (h, v, d) = pywt.dwt2(b, "bior4.4", mode="periodization")
            out += [a, h, v, d]
        bands = np.stack(out)
    return bands


def load(name):
    img = getattr(data, name)()
    if img.ndim == 2:
        img = np.stack([img] * 3, -1)
    img = img[..., :3]
    H, W = img.shape[0] // 8 * 8, img.shape[1] // 8 * 8
    return img[:H, :W].transpose(2, 0, 1).astype(np.float64) / 255 - 0.5


def main(out):
    os.makedirs(out, exist_ok=True)
    coeffs = {n: wpt(load(n)) for n in IMAGES}
    X = np.concatenate([c.reshape(c.shape[0], -1) for c in coeffs.values()], 1)
    mean = X.mean(1, keepdims=True)
    U, S, _ = np.linalg.svd((X - mean) @ (X - mean).T)
    P = U[:, :LATENT].T  # [12, 192]
    Y = P @ (X - mean)
    std = Y.std(1, keepdims=True)
    qmax = 2 ** (BITS - 1) - 0.5 - 1e-3
    cdf = np.vectorize(lambda v: 0.5 * (1 + erf(v / sqrt(2))))
    for n, c in coeffs.items():
        y = P @ (c.reshape(c.shape[0], -1) - mean) / std
        u = (2 * cdf(y) - 1) * qmax
        z = np.round(u).clip(-128, 127).astype(np.int8).reshape(1, LATENT, *c.shape[1:])
        np.save(os.path.join(out, f"{n}_latent.npy"), z)
        print(n, z.shape, int(z.min()), int(z.max()))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "pseudo_latents")
