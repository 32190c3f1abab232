"""PyWavelets peer for bench/wpt_peer.sh.

Usage: wpt_peer.py make INPUT.npy     writes the shared 1x3x1024x1024 input
       wpt_peer.py run INPUT.npy      times PyWavelets' full packet transform

The input is the real photo of testdata/walloc/rgb16x_input.png tiled to
1024x1024, scaled as WaLLoC does (x/255 - 0.5). The peer is pywt.dwt2 with
mode="periodization" applied to every band, J=3 times (the full wavelet
packet transform), on float32 data, single-threaded. Prints
"<wall> MP/s <cpu> MP/cpu-s <best> MP/best-cpu-s": per wall second, per
process CPU second, and the fastest iteration in thread CPU time.
"""
import os
import sys
import time

import numpy as np
import pywt

J = 3
SIDE = 1024


def make(path):
    here = os.path.dirname(os.path.abspath(__file__))
    png = os.path.join(here, "..", "testdata", "walloc", "rgb16x_input.png")
    try:
        from PIL import Image
        img = np.asarray(Image.open(png).convert("RGB"))
    except ImportError:
        import skimage.io
        img = skimage.io.imread(png)[..., :3]
    reps = (SIDE // img.shape[0] + 1, SIDE // img.shape[1] + 1, 1)
    tiled = np.tile(img, reps)[:SIDE, :SIDE, :]
    x = tiled.transpose(2, 0, 1)[None].astype(np.float32) / 255 - 0.5
    np.save(path, np.ascontiguousarray(x, dtype=np.float32))


def wpt(x):
    bands = [x]
    for _ in range(J):
        nxt = []
        for b in bands:
            a, (h, v, d) = pywt.dwt2(b, "bior4.4", mode="periodization")
            nxt += [a, h, v, d]
        bands = nxt
    return bands


def run(path):
    x = np.load(path)[0]  # 3x1024x1024: dwt2 transforms the last two axes
    out = wpt(x)
    assert len(out) == 4 ** J and out[0].shape == (3, SIDE >> J, SIDE >> J), out[0].shape
    n, w0, c0 = 0, time.perf_counter(), time.process_time()
    best = float("inf")
    while n < 5 or time.perf_counter() - w0 < 3:
        t0 = time.thread_time()
        wpt(x)
        best = min(best, time.thread_time() - t0)
        n += 1
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    mp = SIDE * SIDE * n / 1e6
    print(f"{mp / wall:.3f} MP/s {mp / cpu:.3f} MP/cpu-s {SIDE * SIDE / 1e6 / best:.3f} MP/best-cpu-s")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "run"):
        sys.exit(__doc__)
    {"make": make, "run": run}[sys.argv[1]](sys.argv[2])
