"""Writes rgb16x_heavy.pth: the golden rgb16x checkpoint plus small stand-ins for the
diffusers decoder's weights (decoder.1.*), saved the way a released checkpoint is, so
the importer is tested on a file that holds them. Run from the repository root:

    /usr/bin/python3 models/walloc/testdata/gen.py
"""
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

torch.manual_seed(0)
sd = torch.load(os.path.join(ROOT, "testdata", "walloc", "rgb16x.pth"))["model_state_dict"]
sd["decoder.1.conv_in.weight"] = torch.randn(8, 12, 3, 3)
sd["decoder.1.conv_in.bias"] = torch.randn(8)
sd["decoder.1.mid_block.resnets.0.norm1.weight"] = torch.ones(8)
sd["decoder.1.mid_block.resnets.0.norm1.num_batches_tracked"] = torch.tensor(3)
torch.save({"model_state_dict": sd}, os.path.join(HERE, "rgb16x_heavy.pth"))
