"""Reference outputs of WaLLoC's pad (centred reflect padding to a multiple).

Run with /usr/bin/python3 (numpy, torch); writes pad_in_K.npy and
pad_out_K.npy. compute_padding and pad restate walloc.walloc's public code.
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))


def compute_padding(in_h, in_w, min_div):
    out_h = (in_h + min_div - 1) // min_div * min_div
    out_w = (in_w + min_div - 1) // min_div * min_div
    left = (out_w - in_w) // 2
    right = out_w - in_w - left
    top = (out_h - in_h) // 2
    bottom = out_h - in_h - top
    return (left, right, top, bottom)


rng = np.random.default_rng(11)
cases = [((1, 2, 5, 7), 8), ((2, 1, 12, 3), 4), ((1, 3, 9, 16), 8), ((1, 1, 30, 17), 16)]
for k, (shape, m) in enumerate(cases):
    x = rng.standard_normal(shape).astype(np.float32)
    y = F.pad(torch.from_numpy(x), compute_padding(shape[2], shape[3], m), mode="reflect").numpy()
    np.save(os.path.join(here, f"pad_in_{k}.npy"), x)
    np.save(os.path.join(here, f"pad_out_{k}.npy"), y)
    print(k, shape, m, y.shape)
