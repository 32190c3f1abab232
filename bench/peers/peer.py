"""Peers for bench/peers.sh, run with Debian's /usr/bin/python3.

  peer.py gemm M N K THREADS SECONDS        NumPy float32 matmul (OpenBLAS)
  peer.py input PNG H W CHANNELS OUT.npy    the shared encoder input
  peer.py encode PTH INPUT.npy THREADS SECONDS [LATENT_OUT.npy]
                                            WaLLoC encoder in PyTorch
  peer.py matmul-onnx KIND M N K OUT.onnx   MatMul (f32) / MatMulInteger (u8i8)
  peer.py resnet-onnx OUT.onnx              ResNet-like CNN exported from PyTorch
  peer.py compare A.npy B.npy               counts differing latents

Timed commands print one JSON line with the median wall time per call and
the process CPU time per call (all threads), the figure least moved by
other load on a shared machine. Thread counts for OpenBLAS come from the
environment (OPENBLAS_NUM_THREADS, set by the harness before NumPy loads).
"""
import json
import sys
import time

import numpy as np


def measure(f, seconds):
    f()
    f()
    t = []
    c0, w0 = time.process_time(), time.perf_counter()
    while len(t) < 5 or time.perf_counter() - w0 < seconds:
        a = time.perf_counter()
        f()
        t.append((time.perf_counter() - a) * 1e3)
    cpu = (time.process_time() - c0) * 1e3 / len(t)
    t.sort()
    return {"median_ms": t[len(t) // 2], "min_ms": t[0], "cpu_ms_per_call": cpu, "calls": len(t)}


def gemm(m, n, k, threads, seconds):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    r = measure(lambda: np.matmul(a, b, out=c), seconds)
    r.update(what="numpy-matmul-f32", threads=threads, work_per_call=2.0 * m * n * k)
    print(json.dumps(r))


def make_input(png, h, w, channels, out):
    try:
        from PIL import Image
        img = np.asarray(Image.open(png).convert("RGB"))
    except ImportError:
        import skimage.io
        img = skimage.io.imread(png)[..., :3]
    reps = (h // img.shape[0] + 1, w // img.shape[1] + 1, 1)
    x = np.tile(img, reps)[:h, :w, :].astype(np.float32) / 255 - 0.5
    if channels == 1:
        x = x.mean(axis=2, keepdims=True)
    elif channels != 3:
        sys.exit("channels must be 1 or 3")
    np.save(out, np.ascontiguousarray(x.transpose(2, 0, 1)[None], dtype=np.float32))


class Encoder:
    """WaLLoC's lightweight encoder as PyTorch runs it: the packet transform
    as separable strided conv2d with the bior4.4 analysis filters on
    circularly padded input (pytorch_wavelets' periodization), a 1x1 conv,
    and ToUniform companding with rounding."""

    def __init__(self, pth):
        import pywt
        import torch
        self.torch = torch
        sd = torch.load(pth, map_location="cpu")["model_state_dict"]
        self.w = sd["encoder.0.weight"].float()
        self.b = sd["encoder.0.bias"].float()
        self.bits = 8 if "latent_bits" not in sd else int(sd["latent_bits"])
        wav = pywt.Wavelet("bior4.4")
        lo = np.array(wav.dec_lo[::-1], dtype=np.float32)
        hi = np.array(wav.dec_hi[::-1], dtype=np.float32)
        self.L = len(lo)
        self.filt = torch.tensor(np.stack([lo, hi]))  # [2, L]
        self.shift = self._find_shift()

    def _dwt1(self, x, dim, shift):
        # x [N, C, H, W]; filter along dim (2 or 3), stride 2, periodization.
        torch = self.torch
        n, c, h, w = x.shape
        L = self.L
        if dim == 3:
            k = self.filt.view(2, 1, 1, L).repeat(c, 1, 1, 1)
            xp = torch.roll(x, shifts=shift, dims=3)
            xp = torch.cat([xp, xp[..., : L - 2]], dim=3)
            return torch.nn.functional.conv2d(xp, k, stride=(1, 2), groups=c)
        k = self.filt.view(2, 1, L, 1).repeat(c, 1, 1, 1)
        xp = torch.roll(x, shifts=shift, dims=2)
        xp = torch.cat([xp, xp[:, :, : L - 2]], dim=2)
        return torch.nn.functional.conv2d(xp, k, stride=(2, 1), groups=c)

    def _find_shift(self):
        import pywt
        x = np.random.default_rng(3).standard_normal((1, 1, 16, 16)).astype(np.float32)
        want = pywt.dwt(x[0, 0, 0], "bior4.4", mode="periodization")[0]
        for s in range(-self.L, self.L):
            got = self._dwt1(self.torch.tensor(x[:, :, :1]), 3, s)[0, 0, 0].numpy()
            if np.allclose(got, want, atol=1e-5):
                return s
        raise SystemExit("could not align the conv2d DWT with PyWavelets")

    def level(self, x):
        # channel c -> c*4 + f, f in (LL, LH, HL, HH) = pywt (cA, cH, cV, cD):
        # cH is low-pass along W, high-pass along H.
        r = self._dwt1(x, 3, self.shift)  # [n, 2c] = c*2 + (lo_w, hi_w)
        return self._dwt1(r, 2, self.shift)  # [n, 4c] = (c*2 + aw)*2 + ah

    def __call__(self, x):
        torch = self.torch
        for _ in range(self.J):
            x = self.level(x)
        y = torch.nn.functional.conv2d(x, self.w, self.b)
        M = 2 ** (self.bits - 1) - 1 + 0.5 - 1e-3
        s = (2 ** (self.bits - 1) - 1) / 1.85
        y = 2 * M * (torch.special.ndtr(y / s) - 0.5)
        return torch.round(y).to(torch.int8)


def encode(pth, inp, threads, seconds, out=None):
    import torch
    torch.set_num_threads(threads)
    enc = Encoder(pth)
    x0 = torch.tensor(np.load(inp))
    enc.J = int(round(np.log(enc.w.shape[1] / x0.shape[1]) / np.log(4)))
    # sanity: the packet transform agrees with PyWavelets
    import pywt
    xs = x0[:, :, :64, :64]
    t = xs
    for _ in range(enc.J):
        t = enc.level(t)
    ref = [xs[0].numpy()]
    for _ in range(enc.J):
        nxt = []
        for bnd in ref:
            a, (h, v, d) = pywt.dwt2(bnd, "bior4.4", mode="periodization")
            nxt += [a, h, v, d]
        ref = nxt
    ref = np.stack(ref, axis=1).reshape(-1, *ref[0].shape[1:])  # c*4^J order
    if not np.allclose(t[0].numpy(), ref, atol=1e-4):
        raise SystemExit("PyTorch packet transform disagrees with PyWavelets")
    x = x0.repeat(threads, 1, 1, 1)  # one image per thread, batched
    with torch.no_grad():
        if out:
            np.save(out, enc(x0).numpy())
        r = measure(lambda: enc(x), seconds)
    for key in ("median_ms", "min_ms", "cpu_ms_per_call"):
        r[key] /= threads
    r.update(what="torch-walloc-encode", threads=threads, torch=torch.__version__,
             work_per_call=float(x0.shape[2] * x0.shape[3]))
    print(json.dumps(r))


def matmul_onnx(kind, m, n, k, out):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(2)
    if kind == "f32":
        b = numpy_helper.from_array(rng.standard_normal((k, n)).astype(np.float32), "B")
        a = helper.make_tensor_value_info("A", TensorProto.FLOAT, [m, k])
        y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [m, n])
        node = helper.make_node("MatMul", ["A", "B"], ["Y"])
    else:
        b = numpy_helper.from_array(rng.integers(-127, 128, (k, n)).astype(np.int8), "B")
        a = helper.make_tensor_value_info("A", TensorProto.UINT8, [m, k])
        y = helper.make_tensor_value_info("Y", TensorProto.INT32, [m, n])
        node = helper.make_node("MatMulInteger", ["A", "B"], ["Y"])
    g = helper.make_graph([node], "gemm", [a], [y], initializer=[b])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)


def resnet_onnx(out):
    """A ResNet-18-like CNN (basic blocks, widths 32-256) on 3x128x128:
    about 0.3 GMAC, 0.6 GFLOP. Weights random (seeded), batch norm folded
    by the exporter in eval mode."""
    import torch
    from torch import nn
    torch.manual_seed(0)

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.down = None
            if stride != 1 or cin != cout:
                self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            y = torch.relu(self.b1(self.c1(x)))
            y = self.b2(self.c2(y))
            return torch.relu(y + (x if self.down is None else self.down(x)))

    layers = [nn.Conv2d(3, 32, 7, 2, 3, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 32
    for cout, stride in ((32, 1), (64, 2), (128, 2), (256, 2)):
        layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, 10)]
    net = nn.Sequential(*layers).eval()
    x = torch.zeros(1, 3, 128, 128)
    torch.onnx.export(net, x, out, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "n"}, "logits": {0: "n"}}, opset_version=13)
    macs = 0

    def hook(mod, inp, outp):
        nonlocal macs
        if isinstance(mod, nn.Conv2d):
            macs += outp.numel() * mod.in_channels // mod.groups * mod.kernel_size[0] * mod.kernel_size[1]
        elif isinstance(mod, nn.Linear):
            macs += mod.in_features * mod.out_features
    for mod in net.modules():
        mod.register_forward_hook(hook)
    with torch.no_grad():
        net(x)
    print(f"{2 * macs / 1e6:.0f}")


def compare(a, b):
    x, y = np.load(a).astype(np.int32), np.load(b).astype(np.int32)
    if x.shape != y.shape:
        raise SystemExit(f"shapes differ: {x.shape} {y.shape}")
    d = np.abs(x - y)
    print(f"{int((d > 0).sum())} {int(d.max())} {x.size}")


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    cmd = a[0]
    if cmd == "gemm":
        gemm(int(a[1]), int(a[2]), int(a[3]), int(a[4]), float(a[5]))
    elif cmd == "input":
        make_input(a[1], int(a[2]), int(a[3]), int(a[4]), a[5])
    elif cmd == "encode":
        encode(a[1], a[2], int(a[3]), float(a[4]), a[5] if len(a) > 5 else None)
    elif cmd == "matmul-onnx":
        matmul_onnx(a[1], int(a[2]), int(a[3]), int(a[4]), a[5])
    elif cmd == "resnet-onnx":
        resnet_onnx(a[1])
    elif cmd == "compare":
        compare(a[1], a[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
