#!/usr/bin/python3
"""Fit the float32 polynomials of the fast exp-family kernels.

exp(r) = 1 + r + r^2 * E(r) on |r| <= ln2/2, E of degree 5;
tanh(x) = x + x^3 * T(x^2) on |x| <= 0.625, T of degree 4.
Weighted least squares on Chebyshev nodes (relative error), coefficients
rounded to float32; prints them highest degree first with the max relative
error of the float64 evaluation of the rounded coefficients.
"""
import math

import numpy as np


def f32(v):
    return float(np.float32(v))


def fit(fn, lo, hi, deg, var):
    nodes = np.cos(np.pi * (np.arange(2000) + 0.5) / 2000)
    xs = (nodes * (hi - lo) + hi + lo) / 2
    xs = xs[xs != 0]
    ys = np.array([fn(x) for x in xs])
    vs = np.array([var(x) for x in xs])
    a = np.vstack([vs ** k for k in range(deg + 1)]).T
    c = np.linalg.lstsq(a, ys, rcond=None)[0]
    return [f32(v) for v in c[::-1]]


def horner(cs, v):
    p = 0.0
    for c in cs:
        p = p * v + c
    return p


h = math.log(2) / 2
E = fit(lambda r: (math.expm1(r) - r) / (r * r), -h, h, 5, lambda r: r)
err = max(abs(1 + r + r * r * horner(E, r) - math.exp(r)) / math.exp(r) for r in np.linspace(-h, h, 100001))
print("E", E, "max rel %.3g" % err)
# Fit T in z = x*x directly (nodes spread over z).
zs = (np.cos(np.pi * (np.arange(2000) + 0.5) / 2000) + 1) / 2 * 0.625 ** 2
cheb = np.polynomial.chebyshev.Chebyshev.fit(zs, [(math.tanh(math.sqrt(z)) - math.sqrt(z)) / z ** 1.5 for z in zs], 4)
T = [f32(v) for v in cheb.convert(kind=np.polynomial.Polynomial).coef[::-1]]
err = max(abs(x + x ** 3 * horner(T, x * x) - math.tanh(x)) / math.tanh(x) for x in np.linspace(1e-4, 0.625, 100001))
print("T", T, "max rel %.3g" % err)
