#!/usr/bin/env python3
"""Writes the golden latents as tiled PNGs in the WaLLoC reference's layout.

Reimplements walloc.walloc.latent_to_pil with numpy (the reference uses
einops: 'b (c nh nw) h w -> b (nh h) (nw w) c'), saved by PIL as the
reference does. 1D latents [1, N, n] are treated as [1, N, 1, n].
Run from this directory: python3 gen.py
"""
import numpy as np
from PIL import Image

CASES = [  # (case, colour planes, PIL mode)
    ("rgb16x", 3, "RGB"),
    ("linear4x", 3, "RGB"),
    ("stereo", 1, "L"),
    ("stereo", 4, "RGBA"),
]

for name, C, mode in CASES:
    z = np.load(f"../../../testdata/walloc/{name}_latent.npy").astype(np.int16)
    if z.ndim == 3:
        z = z[:, :, None, :]
    b, N, h, w = z.shape
    n = int(round((N // C) ** 0.5))
    assert C * n * n == N
    u8 = (z + 128).astype(np.uint8)  # to_bytes with n_bits = 8
    t = u8.reshape(b, C, n, n, h, w).transpose(0, 2, 4, 3, 5, 1).reshape(b, n * h, n * w, C)
    img = t[0, :, :, 0] if C == 1 else t[0]
    Image.fromarray(img, mode=mode).save(f"{name}_{C}.png")
    print(name, C, img.shape)
