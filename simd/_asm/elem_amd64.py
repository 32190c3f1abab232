#!/usr/bin/python3
"""Generate simd/elem_amd64.s: the AVX2 and AVX-512 NormCDF, Gelu and
NormPPF kernels (Exp, Sigmoid, Silu and Tanh come from elemf32.py).

Run from simd/: _asm/elem_amd64.py > elem_amd64.s

These kernels widen float32 to float64, evaluate there and round once on
the way back, which keeps them within 1 ulp of the correctly
rounded float32 result. One description below is emitted twice: with ymm
registers (4 doubles) for AVX2 and zmm (8 doubles) for AVX-512, where masks
live in K registers.
"""
import math
import struct

# erfc(z) = t*exp(-z*z + P(u)), t = 2/(2+z), u = k1*t + k0; from fit_erfc.py 14.
ERFC_T0 = 2 / (2 + 10.6)
ERFC_P = [
    -9.644697762137262e-07, -3.0292147091800796e-07, 9.0710930463711027e-06,
    -4.8855268323625199e-06, -4.5964277016956637e-05, 7.6542863895369208e-05,
    0.00015534442369394551, -0.00059580698890618084, -0.0002636328284513522,
    0.003909112340219862, -0.0012676366626529839, -0.0302770378606282,
    0.016903756706442487, 0.57542779835413083, -0.56402539426632714,
]

CONSTS = {}


def const(name, value, bits=None):
    if name not in CONSTS:
        CONSTS[name] = bits if bits is not None else struct.unpack("<Q", struct.pack("<d", value))[0]
    return name


const("one", 1.0)
const("two", 2.0)
const("half", 0.5)
const("m2", -2.0)
const("zero", 0.0)
const("hi", 1400.0)
const("lo", -1400.0)
const("log2e", 1 / math.log(2))
const("shifter", 1.5 * 2**52)
const("ln2hi", 0, 0x3FE62E42FEE00000)  # fdlibm: low 32 bits clear, n*ln2hi exact
const("ln2lo", 1.90821492927058770002e-10)
const("bias", 0, 1023)
const("sign", 0, 0x8000000000000000)
const("abs", 0, 0x7FFFFFFFFFFFFFFF)
const("tiny", 2.0**-13)
const("rsqrt2", 1 / math.sqrt(2))
const("k1", 2 / (1 - ERFC_T0))
const("k0", -(1 + ERFC_T0) / (1 - ERFC_T0))
for k in range(11):
    const("e%d" % k, 1 / math.factorial(k))
for i, c in enumerate(ERFC_P):
    const("p%d" % i, c)

# Φ⁻¹: P. J. Acklam's rational approximation (relative error < 1.15e-9).
ACKLAM = {
    "a": [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00],
    "b": [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01],
    "c": [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00],
    "d": [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00],
}
for key, cs in ACKLAM.items():
    for i, c in enumerate(cs):
        const("%s%d" % (key, i), c)
const("plow", 0.02425)
const("sqrt2", math.sqrt(2))
const("mant", 0, 0x000FFFFFFFFFFFFF)
const("two52", 2.0**52)
const("c1023", 1023.0)
const("ln2", math.log(2))
for k in range(3, 19, 2):
    const("l%d" % k, 1 / k)
const("minf", 0, 0xFFF0000000000000)
const("nan", 0, 0x7FF8000000000000)


class Gen:
    def __init__(self, isa):
        self.isa = isa
        self.out = []

    def r(self, x):
        if isinstance(x, int):
            return ("Y%d" if self.isa == "avx2" else "Z%d") % x
        return "elemk<>+%d(SB)" % (64 * list(CONSTS).index(x))

    def m(self, i):
        return "Y%d" % (14 + i) if self.isa == "avx2" else "K%d" % (1 + i)

    def emit(self, s):
        self.out.append("\t" + s)

    def op(self, mn, d, a, b):  # d = a <op> b (Intel operand order)
        self.emit("%s %s, %s, %s" % (mn, self.r(b), self.r(a), self.r(d)))

    def mov(self, d, a):
        self.emit("VMOVUPD %s, %s" % (self.r(a), self.r(d)))

    def clamp(self, x, t):
        # min/max return their second operand when either is NaN: put x
        # there so a NaN passes through.
        self.mov(t, "hi")
        self.op("VMINPD", x, t, x)
        self.mov(t, "lo")
        self.op("VMAXPD", x, t, x)

    def exp64(self, x, n, r, p, s):
        """p = e^x for any float64 x (NaN kept); clobbers x, n, r, s."""
        self.clamp(x, n)
        self.mov(n, "log2e")
        self.emit("VFMADD213PD %s, %s, %s" % (self.r("shifter"), self.r(x), self.r(n)))
        self.op("VSUBPD", n, n, "shifter")  # n = round(x*log2e)
        self.mov(r, x)
        self.emit("VFNMADD231PD %s, %s, %s" % (self.r("ln2hi"), self.r(n), self.r(r)))
        self.emit("VFNMADD231PD %s, %s, %s" % (self.r("ln2lo"), self.r(n), self.r(r)))
        self.mov(p, "e10")
        for k in range(9, -1, -1):
            self.emit("VFMADD213PD %s, %s, %s" % (self.r("e%d" % k), self.r(r), self.r(p)))
        # 2^n as 2^n1 * 2^n2 so both factors stay normal for |n| <= 2020.
        self.mov(s, "half")
        self.emit("VFMADD213PD %s, %s, %s" % (self.r("shifter"), self.r(n), self.r(s)))
        self.op("VSUBPD", r, s, "shifter")
        self.op("VSUBPD", n, n, r)
        self.op("VADDPD", n, n, "shifter")
        for f in (s, n):
            self.op("VPADDQ", f, f, "bias")
            self.emit("VPSLLQ $52, %s, %s" % (self.r(f), self.r(f)))
            self.op("VMULPD", p, p, f)

    def cmp(self, m, a, b, pred):
        self.emit("VCMPPD $%d, %s, %s, %s" % (pred, self.r(b), self.r(a), self.m(m)))

    def blend(self, d, a, b, m):  # d = m ? b : a
        if self.isa == "avx2":
            self.emit("VBLENDVPD %s, %s, %s, %s" % (self.m(m), self.r(b), self.r(a), self.r(d)))
        else:
            self.emit("VBLENDMPD %s, %s, %s, %s" % (self.r(b), self.r(a), self.m(m), self.r(d)))

    def normcdf(self, x):
        """v6 = Φ(x) for x in register x (kept)."""
        self.op("VANDPD", 1, x, "abs")
        self.op("VMULPD", 1, 1, "rsqrt2")  # z
        self.op("VADDPD", 2, 1, "two")
        self.mov(3, "two")
        self.op("VDIVPD", 2, 3, 2)  # t = 2/(2+z)
        self.mov(3, "k1")
        self.emit("VFMADD213PD %s, %s, %s" % (self.r("k0"), self.r(2), self.r(3)))  # u
        self.mov(4, "p0")
        for i in range(1, len(ERFC_P)):
            self.emit("VFMADD213PD %s, %s, %s" % (self.r("p%d" % i), self.r(3), self.r(4)))
        self.emit("VFNMADD231PD %s, %s, %s" % (self.r(1), self.r(1), self.r(4)))  # P - z*z
        self.exp64(4, 5, 7, 6, 8)
        self.op("VMULPD", 6, 6, 2)
        self.op("VMULPD", 6, 6, "half")  # erfc(|x|/√2)/2 = Φ(-|x|)
        self.mov(9, "one")
        self.op("VSUBPD", 9, 9, 6)
        self.cmp(0, x, "zero", 1)  # x < 0
        self.blend(6, 9, 6, 0)

    # Whole kernels: load 4 (8) floats as doubles into v0, leave the result
    # in the returned register.
    def fmas(self, d, x, first, rest):
        """d = Horner polynomial in x: first, then d = d*x + c for c in rest."""
        self.mov(d, first)
        for c in rest:
            self.emit("VFMADD213PD %s, %s, %s" % (self.r(c), self.r(x), self.r(d)))

    def k_normppf(self):
        self.mov(1, "one")
        self.op("VSUBPD", 1, 1, 0)
        self.op("VMINPD", 1, 0, 1)  # pt = min(p, 1-p), NaN kept
        # Central region: x = q*A(r)/B(r), q = p - 1/2, r = q*q.
        self.op("VSUBPD", 2, 0, "half")
        self.op("VMULPD", 3, 2, 2)
        self.fmas(4, 3, "a0", ["a1", "a2", "a3", "a4", "a5"])
        self.op("VMULPD", 4, 4, 2)
        self.fmas(5, 3, "b0", ["b1", "b2", "b3", "b4", "one"])
        self.op("VDIVPD", 4, 4, 5)
        # Tails: x = C(q)/D(q), q = sqrt(-2 ln pt). ln pt = e*ln2 + ln m,
        # m in (√2/2, √2], ln m = 2 atanh(s), s = (m-1)/(m+1).
        self.op("VANDPD", 6, 1, "mant")
        self.op("VORPD", 6, 6, "one")
        self.emit("VPSRLQ $52, %s, %s" % (self.r(1), self.r(7)))
        self.op("VORPD", 7, 7, "two52")
        self.op("VSUBPD", 7, 7, "two52")
        self.op("VSUBPD", 7, 7, "c1023")
        self.cmp(0, 6, "sqrt2", 14)  # m > √2
        self.op("VMULPD", 8, 6, "half")
        self.blend(6, 6, 8, 0)
        self.mov(9, "zero")
        self.blend(9, 9, "one", 0)
        self.op("VADDPD", 7, 7, 9)
        self.op("VSUBPD", 8, 6, "one")
        self.op("VADDPD", 9, 6, "one")
        self.op("VDIVPD", 8, 8, 9)  # s
        self.op("VMULPD", 9, 8, 8)
        self.fmas(10, 9, "l17", ["l15", "l13", "l11", "l9", "l7", "l5", "l3", "one"])
        self.op("VMULPD", 10, 10, 8)
        self.op("VADDPD", 10, 10, 10)  # ln m
        self.mov(11, "ln2")
        self.emit("VFMADD213PD %s, %s, %s" % (self.r(10), self.r(7), self.r(11)))  # ln pt
        self.op("VMULPD", 11, 11, "m2")
        self.emit("VSQRTPD %s, %s" % (self.r(11), self.r(11)))
        self.fmas(12, 11, "c0", ["c1", "c2", "c3", "c4", "c5"])
        self.fmas(13, 11, "d0", ["d1", "d2", "d3", "one"])
        self.op("VDIVPD", 12, 12, 13)  # lower-tail x
        self.cmp(1, 1, "zero", 0)  # pt == 0: -Inf
        self.blend(12, 12, "minf", 1)
        self.mov(13, "half")
        self.op("VSUBPD", 13, 13, 0)
        self.op("VANDPD", 13, 13, "sign")
        self.op("VXORPD", 12, 12, 13)  # upper tail: negate
        self.cmp(0, 1, "plow", 1)  # pt < plow: tail
        self.blend(4, 4, 12, 0)
        self.cmp(1, 1, "zero", 13)  # pt >= 0, i.e. 0 <= p <= 1
        self.mov(5, "nan")
        self.blend(4, 5, 4, 1)
        return 4

    def k_normcdf(self):
        self.normcdf(0)
        return 6

    def k_gelu(self):
        self.normcdf(0)
        self.op("VMULPD", 6, 6, 0)
        return 6

    def kernel(self, name):
        w = 4 if self.isa == "avx2" else 8
        fn = "%s%sAsm" % (name, "AVX2" if self.isa == "avx2" else "AVX512")
        self.out.append("// func %s(dst, src *float32, n int)" % fn)
        self.out.append("TEXT ·%s(SB), NOSPLIT, $0-24" % fn)
        self.emit("MOVQ dst+0(FP), DI")
        self.emit("MOVQ src+8(FP), SI")
        self.emit("MOVQ n+16(FP), CX")
        self.out.append("loop:")
        self.emit("VCVTPS2PD (SI), %s" % self.r(0))
        res = getattr(self, "k_" + name)()
        if self.isa == "avx2":
            self.emit("VCVTPD2PSY Y%d, X0" % res)
            self.emit("VMOVUPS X0, (DI)")
        else:
            self.emit("VCVTPD2PS Z%d, Y0" % res)
            self.emit("VMOVUPS Y0, (DI)")
        self.emit("ADDQ $%d, SI" % (4 * w))
        self.emit("ADDQ $%d, DI" % (4 * w))
        self.emit("SUBQ $%d, CX" % w)
        self.emit("JNZ loop")
        self.emit("VZEROUPPER")
        self.emit("RET")
        self.out.append("")


def main():
    body = []
    for isa in ("avx2", "avx512"):
        for k in ("normcdf", "gelu", "normppf"):
            g = Gen(isa)
            g.kernel(k)
            body += g.out
    print("// Code generated by simd/_asm/elem_amd64.py. DO NOT EDIT.")
    print()
    print("//go:build !noasm && !purego")
    print()
    print('#include "textflag.h"')
    print()
    print("// Each kernel maps n float32 values, n a positive multiple of 4 (AVX2) or")
    print("// 8 (AVX-512); the Go wrappers pass tails through a padded block.")
    print()
    for i, (name, bits) in enumerate(CONSTS.items()):
        for j in range(8):
            print("DATA elemk<>+%d(SB)/8, $0x%016x // %s" % (64 * i + 8 * j, bits, name))
    print("GLOBL elemk<>(SB), RODATA|NOPTR, $%d" % (64 * len(CONSTS)))
    print()
    print("\n".join(body))


if __name__ == "__main__":
    main()
