"""Reference outputs of WaLLoC's ToUniform and ToNormal (PyTorch float32).

Run with /usr/bin/python3 (numpy, torch); writes compand_x.npy,
compand_uniform.npy and compand_normal.npy next to this script. The classes
below restate walloc.walloc.ToUniform/ToNormal, whose source is public.
"""
import os
import numpy as np
import torch
from torch.distributions import Normal

here = os.path.dirname(os.path.abspath(__file__))


def to_uniform(x, scale, latent_max):
    x = x / scale
    x = Normal(loc=0, scale=1).cdf(x)
    x = x - 0.5
    return 2 * latent_max * x


def to_normal(x, scale, latent_max):
    x = x / (2 * latent_max)
    x = x + 0.5
    x = torch.nn.Hardtanh(min_val=0.0001, max_val=0.9999)(x)
    x = Normal(loc=0, scale=1).icdf(x)
    return scale * x


rng = np.random.default_rng(7)
x = np.concatenate([np.linspace(-5, 5, 1001), rng.standard_normal(3000) * 1.5]).astype(np.float32)
lat = np.arange(-127, 128, dtype=np.float32)
uni, nor = [], []
for bits in range(2, 9):
    scale = (2 ** (bits - 1) - 1) / 1.85
    lm = 2 ** (bits - 1) - 1 + 0.5 - 1e-3
    uni.append(to_uniform(torch.from_numpy(x * np.float32(scale)), scale, lm).numpy())
    nor.append(to_normal(torch.from_numpy(lat), scale, lm).numpy())
np.save(os.path.join(here, "compand_x.npy"), x)
np.save(os.path.join(here, "compand_uniform.npy"), np.stack(uni))
np.save(os.path.join(here, "compand_normal.npy"), np.stack(nor))
