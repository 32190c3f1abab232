"""Shared pieces of the Fashion-MNIST training scripts: data, the wavelet packet
transform, WaLLoC companding, the model definitions and the safetensors writer.

Everything is deterministic: fixed seeds, one code path, CPU only.
"""
import gzip
import json
import os
import struct

import numpy as np
import pywt
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
# Exported models and samples; checkpoints and result files of the steps.
OUT = os.environ.get("TRAIN_OUT", os.path.normpath(os.path.join(HERE, "..", "pretrained")))
WORK = os.environ.get("TRAIN_WORK", HERE)
DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

WAVELET = "bior4.4"
J = 3              # wavelet packet levels: 32x32 -> 64 channels of 4x4
LATENT_DIM = 8     # latent channels: 8x4x4 = 128 int8 values for 784 pixels (6.1x)
LATENT_BITS = 8
PAD = 2            # reflect padding on each side: 28 -> 32


def setup(seed=0):
    threads = int(os.environ.get("TRAIN_THREADS", "2"))
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(split):
    """Returns (uint8 images [N,28,28], int64 labels [N]) of 'train' or 't10k'."""
    x = _read_idx(os.path.join(DATA, f"{split}-images-idx3-ubyte.gz"))
    y = _read_idx(os.path.join(DATA, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    n = int(os.environ.get("TRAIN_SUBSET", "0"))  # smoke tests of the scripts only
    if n:
        x, y = x[:n], y[:n]
    return x, y


def to_input(u8):
    """uint8 [N,28,28] -> float32 [N,1,28,28] in [-0.5, 0.5] (WaLLoC's x/255 - 0.5)."""
    return torch.from_numpy(u8.astype(np.float32) / 255.0 - 0.5).unsqueeze(1)


def dwt_matrices(n):
    """Analysis matrices (lo, hi), each [n/2, n], of the one-level periodized DWT,
    taken from pywt itself so that the transform is pywt's by construction."""
    eye = np.eye(n)
    lo = np.zeros((n // 2, n))
    hi = np.zeros((n // 2, n))
    for i in range(n):
        a, d = pywt.dwt(eye[i], WAVELET, mode="periodization")
        lo[:, i] = a
        hi[:, i] = d
    return lo, hi


class WPT2D(nn.Module):
    """J-level 2D wavelet packet transform (bior4.4, periodization) in WaLLoC's order:
    at each level every channel c becomes channels c*4+f, f in (LL, LH, HL, HH) as
    pywt.dwt2's (cA, cH, cV, cD). forward() analyses, inverse() synthesises."""

    def __init__(self, size, levels):
        super().__init__()
        self.levels = levels
        self.sizes = [size >> l for l in range(levels)]
        for n in self.sizes:
            lo, hi = dwt_matrices(n)
            a = np.concatenate([lo, hi], 0)  # orthogonal? no: biorthogonal, so keep the inverse
            self.register_buffer(f"lo{n}", torch.tensor(lo, dtype=torch.float32))
            self.register_buffer(f"hi{n}", torch.tensor(hi, dtype=torch.float32))
            inv = np.linalg.inv(a)
            self.register_buffer(f"ilo{n}", torch.tensor(inv[:, : n // 2], dtype=torch.float32))
            self.register_buffer(f"ihi{n}", torch.tensor(inv[:, n // 2:], dtype=torch.float32))

    def _one(self, x):
        n = x.shape[-1]
        lo, hi = getattr(self, f"lo{n}"), getattr(self, f"hi{n}")
        # rows (axis -2) then columns (axis -1)
        rl = torch.matmul(lo, x)
        rh = torch.matmul(hi, x)
        ll = torch.matmul(rl, lo.t())
        lh = torch.matmul(rh, lo.t())   # pywt cH: high along rows, low along columns
        hl = torch.matmul(rl, hi.t())   # pywt cV
        hh = torch.matmul(rh, hi.t())
        b, c, h, w = ll.shape
        return torch.stack([ll, lh, hl, hh], 2).reshape(b, c * 4, h, w)

    def _one_inv(self, X):
        b, c4, h, w = X.shape
        n = 2 * h
        X = X.reshape(b, c4 // 4, 4, h, w)
        ll, lh, hl, hh = X[:, :, 0], X[:, :, 1], X[:, :, 2], X[:, :, 3]
        ilo, ihi = getattr(self, f"ilo{n}"), getattr(self, f"ihi{n}")
        rl = torch.matmul(ll, ilo.t()) + torch.matmul(hl, ihi.t())
        rh = torch.matmul(lh, ilo.t()) + torch.matmul(hh, ihi.t())
        return torch.matmul(ilo, rl) + torch.matmul(ihi, rh)

    def forward(self, x):
        for _ in range(self.levels):
            x = self._one(x)
        return x

    def inverse(self, X):
        for _ in range(self.levels):
            X = self._one_inv(X)
        return X


LATENT_MAX = 2 ** (LATENT_BITS - 1) - 1 + 0.5 - 1e-3
COMPAND_SCALE = (2 ** (LATENT_BITS - 1) - 1) / 1.85
_SQRT2 = 2.0 ** 0.5


def to_uniform(x):
    """WaLLoC ToUniform: Gaussian CDF companding to (-latent_max, latent_max)."""
    cdf = 0.5 * (1.0 + torch.erf(x / COMPAND_SCALE / _SQRT2))
    return 2 * LATENT_MAX * (cdf - 0.5)


def to_normal(y):
    """WaLLoC ToNormal: the inverse companding, clamped as the reference does."""
    u = torch.clamp(y / (2 * LATENT_MAX) + 0.5, 0.0001, 0.9999)
    return COMPAND_SCALE * _SQRT2 * torch.erfinv(2 * u - 1)


class Codec(nn.Module):
    """LinearCodec2D-style codec for 28x28 grayscale: reflect pad to 32x32, WPT J=3
    (64 channels of 4x4), 1x1 conv 64->8, companding, rounding -> int8 latent [8,4,4];
    decoder: decompanding, 1x1 conv 8->64, inverse WPT, clamp, crop to 28x28."""

    def __init__(self):
        super().__init__()
        self.wpt = WPT2D(32, J)
        self.enc = nn.Conv2d(4 ** J, LATENT_DIM, 1)
        self.dec = nn.Conv2d(LATENT_DIM, 4 ** J, 1)

    def analysis(self, x):
        x = F.pad(x, (PAD, PAD, PAD, PAD), mode="reflect")
        return self.wpt(x)

    def encode_float(self, x):
        return to_uniform(self.enc(self.analysis(x)))

    def encode(self, x):
        """float input [N,1,28,28] -> integer-valued float latent (round half to even)."""
        return torch.round(self.encode_float(x))

    def decode(self, y):
        X = self.dec(to_normal(y))
        x = self.wpt.inverse(X)
        x = torch.clamp(x, -0.5, 0.5)
        return x[:, :, PAD:-PAD, PAD:-PAD]

    def forward(self, x, noise=True):
        y = self.encode_float(x)
        if noise:
            y = y + (torch.rand_like(y) - 0.5)
        else:
            y = torch.round(y)
        X_in = self.analysis(x)
        X_hat = self.dec(to_normal(y))
        x_hat = self.wpt.inverse(X_hat)[:, :, PAD:-PAD, PAD:-PAD]
        return x_hat, X_in, X_hat


def psnr(x, x_hat):
    """PSNR in dB of images in [-0.5, 0.5] (peak 1), averaged over images."""
    mse = ((x - x_hat) ** 2).flatten(1).mean(1)
    return float((10 * torch.log10(1.0 / mse)).mean())


def save_safetensors(path, tensors, metadata):
    """Writes the safetensors format: u64 LE header length, JSON header, raw LE data.
    Tensors are written in name order; metadata values must be strings."""
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs = []
    off = 0
    dtypes = {np.dtype("float32"): "F32", np.dtype("int8"): "I8", np.dtype("int32"): "I32",
              np.dtype("int64"): "I64", np.dtype("uint8"): "U8", np.dtype("float16"): "F16"}
    for name in sorted(tensors):
        t = tensors[name]
        if isinstance(t, torch.Tensor):
            t = t.detach().cpu().numpy()
        a = np.ascontiguousarray(t)
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        b = a.tobytes()
        header[name] = {"dtype": dtypes[a.dtype], "shape": list(a.shape),
                        "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)  # keep data 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def count_macs(model, shape):
    """MACs of Conv2d and Linear layers for one input of the given shape (hooks)."""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
            total[0] += out.numel() // out.shape[0] * k
        elif isinstance(m, nn.Linear):
            total[0] += m.in_features * m.out_features

    hs = [m.register_forward_hook(hook) for m in model.modules()
          if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    for h in hs:
        h.remove()
    return total[0]
