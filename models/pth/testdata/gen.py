"""Generates the expected values for the pth tests (run from the repository root):

    /usr/bin/python3 models/pth/testdata/gen.py

Writes models/pth/testdata/expected.json (names, shapes, dtypes, a few exact values
and the float64 sum of every tensor of the WaLLoC golden checkpoints and of
mixed.pth) and mixed.pth, a checkpoint exercising the cases WaLLoC's files do not:
half, bfloat16 and integer storages, parameters, views with offsets and strides
into shared storages, a plain (unwrapped) state dict.
"""
import collections
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

torch.manual_seed(0)


def describe(sd):
    out = []
    for k, v in sd.items():
        f = v.detach().contiguous().reshape(-1)
        vals = f.to(torch.float64).tolist()
        out.append({"name": k, "dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                    "head": vals[:3], "last": vals[-1] if vals else None,
                    "sum": float(f.to(torch.float64).sum())})
    return out


def main():
    exp = {}
    for name in ["rgb16x", "linear4x", "stereo"]:
        ck = torch.load(os.path.join(ROOT, "testdata", "walloc", name + ".pth"))
        exp[name] = describe(ck["model_state_dict"])

    base = torch.randn(6, 5)
    sd = collections.OrderedDict()
    sd["w"] = torch.nn.Parameter(torch.randn(3, 4))
    sd["half"] = torch.randn(2, 3).half()
    sd["bf16"] = torch.randn(4).bfloat16()
    sd["long"] = torch.tensor([1, -2, 3 << 40])
    sd["int8"] = torch.tensor([-128, 0, 127], dtype=torch.int8)
    sd["t_view"] = base.t()              # strided view of a shared storage
    sd["row_view"] = base[2:4, 1:4]       # offset + strides into the same storage
    sd["scalar"] = torch.tensor(2.5)
    sd["empty"] = torch.zeros(0, 3)
    sd["f64"] = torch.randn(2, dtype=torch.float64)
    torch.save(sd, os.path.join(HERE, "mixed.pth"))
    exp["mixed"] = describe(sd)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(exp, f, indent=1)


if __name__ == "__main__":
    main()
