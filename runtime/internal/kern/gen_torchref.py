#!/usr/bin/python3
"""Writes the PyTorch reference vectors for the kern package's tests.

Run from the repository root:  /usr/bin/python3 runtime/internal/kern/gen_torchref.py
Outputs runtime/testdata/torchref/CASE.TENSOR.npy and cases.json, which lists
for every case its op, its parameters (named as the Go parameter structs'
fields) and its tensors. Everything is seeded: reruns give identical files.
Float references come from torch 1.13 (float32 on the CPU); integer ops from
NumPy, written to mirror the Go integer paths exactly.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata", "torchref")
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

cases = []


def t2n(t):
    return t.detach().cpu().numpy()


def add(name, op, params, **tensors):
    """Saves tensors (name -> array) and records the case."""
    names = []
    for k, v in tensors.items():
        if isinstance(v, torch.Tensor):
            v = t2n(v)
        v = np.ascontiguousarray(v)
        if v.dtype == np.float64:
            v = v.astype(np.float32)
        np.save(os.path.join(OUT, f"{name}.{k}.npy"), v)
        names.append(k)
    cases.append({"name": name, "op": op, "params": params, "tensors": names})


def rng(seed):
    return np.random.default_rng(seed)


def randn(r, *shape, scale=1.0):
    return torch.from_numpy(np.asarray(r.standard_normal(shape) * scale, dtype=np.float32))


# ---------------------------------------------------------------- conv
def conv2d_case(name, seed, N, C, H, W, OutC, KH, KW, s=(1, 1), pads=(0, 0, 0, 0), d=(1, 1), groups=1, bias=True):
    """pads = (top, bottom, left, right)."""
    r = rng(seed)
    x = randn(r, N, C, H, W)
    w = randn(r, OutC, C // groups, KH, KW, scale=1 / np.sqrt(C // groups * KH * KW))
    b = randn(r, OutC) if bias else None
    xp = F.pad(x, (pads[2], pads[3], pads[0], pads[1]))
    y = F.conv2d(xp, w, b, stride=s, dilation=d, groups=groups)
    p = dict(N=N, C=C, H=H, W=W, OutC=OutC, KH=KH, KW=KW, StrideH=s[0], StrideW=s[1],
             PadTop=pads[0], PadBottom=pads[1], PadLeft=pads[2], PadRight=pads[3],
             DilationH=d[0], DilationW=d[1], Groups=groups)
    t = dict(x=x, w=w, y=y)
    if bias:
        t["b"] = b
    add(name, "conv2d", p, **t)


def conv1d_case(name, seed, N, C, L, OutC, K, s=1, pads=(0, 0), d=1, groups=1, bias=True):
    r = rng(seed)
    x = randn(r, N, C, L)
    w = randn(r, OutC, C // groups, K, scale=1 / np.sqrt(C // groups * K))
    b = randn(r, OutC) if bias else None
    y = F.conv1d(F.pad(x, pads), w, b, stride=s, dilation=d, groups=groups)
    p = dict(N=N, C=C, L=L, OutC=OutC, K=K, Stride=s, PadLeft=pads[0], PadRight=pads[1], Dilation=d, Groups=groups)
    t = dict(x=x, w=w, y=y)
    if bias:
        t["b"] = b
    add(name, "conv1d", p, **t)


def gen_conv():
    conv2d_case("conv2d_grouped_s2_d2", 1, 2, 3, 7, 9, 6, 3, 3, s=(2, 2), pads=(1, 1, 1, 1), d=(2, 2), groups=3)
    conv2d_case("conv2d_depthwise", 2, 2, 4, 7, 9, 4, 3, 3, pads=(1, 1, 1, 1), groups=4)
    conv2d_case("conv2d_depthwise_mult2_s2", 3, 1, 3, 8, 7, 6, 3, 3, s=(2, 2), pads=(1, 1, 1, 1), groups=3, bias=False)
    conv2d_case("conv2d_depthwise_d2_asym", 4, 1, 2, 9, 10, 2, 3, 2, s=(1, 3), pads=(2, 0, 1, 2), d=(2, 3), groups=2)
    conv2d_case("conv2d_1x1", 5, 2, 5, 6, 7, 3, 1, 1)
    conv2d_case("conv2d_1x1_grouped", 6, 1, 4, 5, 5, 6, 1, 1, groups=2, bias=False)
    conv2d_case("conv2d_1x1_s2", 7, 1, 3, 7, 7, 4, 1, 1, s=(2, 2))
    conv2d_case("conv2d_3x3", 8, 1, 8, 10, 11, 16, 3, 3, pads=(1, 1, 1, 1))
    conv2d_case("conv2d_3x3_b3_nopad", 9, 3, 5, 6, 5, 7, 3, 3, bias=False)
    conv2d_case("conv2d_asym_pad", 10, 2, 3, 6, 8, 5, 2, 3, s=(1, 2), pads=(0, 1, 2, 1))
    conv2d_case("conv2d_5x5_wide", 11, 1, 16, 14, 13, 8, 5, 5, pads=(2, 2, 2, 2))
    conv1d_case("conv1d_s2_d2", 12, 2, 3, 17, 5, 3, s=2, pads=(1, 1), d=2)
    conv1d_case("conv1d_depthwise", 13, 1, 4, 16, 4, 5, pads=(2, 2), groups=4)
    conv1d_case("conv1d_causal", 14, 3, 2, 11, 3, 3, pads=(2, 0), bias=False)
    conv1d_case("conv1d_grouped_1x1", 15, 2, 6, 9, 4, 1, groups=2)


# ---------------------------------------------------------------- dense
def gen_dense():
    for name, seed, B, I, O, bias in [("dense_3x17x5", 20, 3, 17, 5, True), ("dense_1x64x10_nobias", 21, 1, 64, 10, False),
                                     ("dense_7x33x19", 22, 7, 33, 19, True)]:
        r = rng(seed)
        x, w = randn(r, B, I), randn(r, O, I, scale=1 / np.sqrt(I))
        b = randn(r, O) if bias else None
        t = dict(x=x, w=w, y=F.linear(x, w, b))
        if bias:
            t["b"] = b
        add(name, "dense", dict(Batch=B, In=I, Out=O), **t)
    for name, seed, M, N, K, ta, tb, alpha, beta in [("gemm_tt", 23, 5, 7, 6, True, True, 0.5, 2.0),
                                                     ("gemm_nt", 24, 4, 9, 11, False, True, 1.0, 1.0),
                                                     ("gemm_tn", 25, 6, 3, 5, True, False, -1.5, 0.0),
                                                     ("gemm_nn", 26, 9, 10, 13, False, False, 1.0, 0.5)]:
        r = rng(seed)
        a = randn(r, *((K, M) if ta else (M, K)))
        b = randn(r, *((N, K) if tb else (K, N)))
        c = randn(r, N)
        y = alpha * ((a.T if ta else a) @ (b.T if tb else b)) + beta * c
        add(name, "gemm", dict(M=M, N=N, K=K, TransA=ta, TransB=tb, Alpha=alpha, Beta=beta), a=a, b=b, bias=c, y=y)
    r = rng(27)
    a, b = randn(r, 3, 4, 5), randn(r, 3, 5, 6)
    add("matmul_batched", "matmul", dict(Batch=3, M=4, K=5, N=6, BroadcastB=False), a=a, b=b, y=torch.matmul(a, b))
    a, b = randn(r, 2, 7, 3), randn(r, 3, 5)
    add("matmul_broadcast", "matmul", dict(Batch=2, M=7, K=3, N=5, BroadcastB=True), a=a, b=b, y=torch.matmul(a, b))


# ---------------------------------------------------------------- elementwise
def gen_elementwise():
    r = rng(30)
    x = randn(r, 3, 7, 5, scale=4.0)
    x[0, 0, :] = torch.tensor([-30.0, -12.0, 0.0, 12.0, 30.0])
    add("relu", "relu", {}, x=x, y=F.relu(x))
    add("gelu", "gelu", {}, x=x, y=F.gelu(x))
    add("silu", "silu", {}, x=x, y=F.silu(x))
    add("sigmoid", "sigmoid", {}, x=x, y=torch.sigmoid(x))
    add("tanh", "tanh", {}, x=x, y=torch.tanh(x))
    add("clip", "clip", dict(Min=-1.5, Max=2.25), x=x, y=torch.clamp(x, -1.5, 2.25))
    shapes = [([2, 3, 4], [2, 3, 4]), ([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([1], [2, 5]),
              ([5, 1, 3, 1], [1, 4, 1, 2]), ([], [3, 2]), ([3, 1, 1], [1, 1, 6])]
    ops = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
    i = 0
    for sa, sb in shapes:
        for opname, fn in ops.items():
            i += 1
            a, b = randn(r, *sa), randn(r, *sb)
            if opname == "div":
                b = torch.where(b.abs() < 0.1, torch.full_like(b, 0.5), b)
            add(f"binary_{i:02d}_{opname}", opname, dict(A=sa, B=sb), a=a, b=b, y=fn(a, b))


# ---------------------------------------------------------------- softmax
def gen_softmax():
    r = rng(40)
    x = randn(r, 2, 3, 5, scale=3.0)
    add("softmax_axis1", "softmax", dict(Shape=[2, 3, 5], Axis=1), x=x, y=torch.softmax(x, 1))
    x = randn(r, 4, 13, scale=5.0) + 100.0
    add("softmax_last_large", "softmax", dict(Shape=[4, 13], Axis=-1), x=x, y=torch.softmax(x, -1))
    x = randn(r, 3, 1, 2)
    add("softmax_len1", "softmax", dict(Shape=[3, 1, 2], Axis=1), x=x, y=torch.softmax(x, 1))


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".npy") or f == "cases.json":
            os.remove(os.path.join(OUT, f))
    torch.manual_seed(0)
    gen_conv()
    gen_dense()
    gen_elementwise()
    gen_softmax()
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{len(cases)} cases, {total} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
