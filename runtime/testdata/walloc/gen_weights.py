"""Extract the 1x1 projection weights of the WaLLoC reference checkpoints
(../../../testdata/walloc/*.pth) into .npy files, so the runtime's tests can
build the WaLLoC encoder and decoder graphs without a checkpoint importer.

Run from this directory with python3 (torch, numpy); the outputs are
committed and tests do not need Python.
"""
import numpy as np
import torch

SRC = "../../../testdata/walloc/"

for case in ("linear4x", "rgb16x", "stereo"):
    sd = torch.load(SRC + case + ".pth", map_location="cpu")["model_state_dict"]
    for key, name in (("encoder.0.weight", "enc_w"), ("encoder.0.bias", "enc_b"),
                      ("decoder.1.weight", "dec_w"), ("decoder.1.bias", "dec_b")):
        if key in sd:
            np.save("%s_%s.npy" % (case, name), sd[key].numpy().astype("<f4"))
