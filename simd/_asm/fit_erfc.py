#!/usr/bin/python3
"""Fit the polynomial the NormCDF/Gelu kernels use for erfc.

erfc(z) = t * exp(-z*z + P(t)), t = 2/(2+z), z >= 0. P is fitted on
t in [T0, 1] (z from 0 to 2/T0-2, past where float32 Φ underflows) as a
Chebyshev series in u = (2t - 1 - T0)/(1 - T0), then written in the power
basis of u for Horner evaluation. Prints the coefficients, highest first,
and the worst relative error of erfc over a dense grid (in float64).
"""
import math
import sys

import numpy as np

T0 = 2 / (2 + 10.6)  # z = 10.6 <=> x = -15: float32 Φ(x) is 0 well before
DEG = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def f(t):
    z = 2 / t - 2
    return math.log(math.erfc(z)) + z * z - math.log(t)


nodes = np.cos(np.pi * (np.arange(400) + 0.5) / 400)
ts = (nodes * (1 - T0) + 1 + T0) / 2
ys = np.array([f(t) for t in ts])
cheb = np.polynomial.chebyshev.Chebyshev.fit(nodes, ys, DEG, domain=[-1, 1])
power = cheb.convert(kind=np.polynomial.Polynomial).coef  # in u, lowest first

worst = 0
for z in np.linspace(0, 10.5, 200001):
    t = 2 / (2 + z)
    u = (2 * t - 1 - T0) / (1 - T0)
    p = 0.0
    for c in power[::-1]:
        p = p * u + c
    e = t * math.exp(-z * z + p)
    ref = math.erfc(z)
    worst = max(worst, abs(e - ref) / ref)
print("T0 = %.17g" % T0)
print("max rel err %.3g" % worst)
for c in power[::-1]:
    print("%.17g" % c)
