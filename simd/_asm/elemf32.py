#!/usr/bin/python3
"""Generate the float32-lane kernels of Exp, Sigmoid, Silu and Tanh.

Run from simd/:
  _asm/elemf32.py amd64 > elemf32_amd64.s
  _asm/elemf32.py arm64 > _asm/elemf32_arm64.s.in && _asm/a64words.py _asm/elemf32_arm64.s.in elemf32_arm64.s

These stay in float32: e^x by range reduction x = n*ln2 + r (ln2 split so
n*ln2hi is exact), e^r = 1 + r + r^2*E(r) with E fitted by fit_f32.py
(relative error 7e-10 before float32 rounding), and 2^n applied as two
factors so results overflow to +Inf and underflow through the subnormals
with a single rounding. tanh uses x + x^3*T(x^2) below 0.625 (where
(1-e)/(1+e) would cancel) and (1-e^-2|x|)/(1+e^-2|x|) above. Bounds
(checked by the tests): Exp 2 ulp, Sigmoid, Silu and Tanh 3 ulp.
"""
import struct
import sys

E = [0.00019899275503121316, 0.0013933643931522965, 0.0083332983776927, 0.04166646674275398, 0.1666666716337204, 0.5]
T = [-0.006104938220232725, 0.021003631874918938, -0.053852494806051254, 0.13332782685756683, -0.333333283662796]

CONSTS = {}


def const(name, value=None, bits=None):
    if bits is None:
        bits = struct.unpack("<I", struct.pack("<f", value))[0]
    CONSTS[name] = bits


const("one", 1.0)
const("m2", -2.0)
const("half", 0.5)
const("hi", 120.0)
const("lo", -120.0)
const("log2e", 1.4426950408889634)
const("shifter", 1.5 * 2**23)
const("ln2hi", 0.693359375)
const("ln2lo", -2.12194440e-4)
const("bias", bits=127)
const("sign", bits=0x80000000)
const("abs", bits=0x7FFFFFFF)
const("small", 0.625)
const("m110", -110.0)
for i, c in enumerate(E):
    const("e%d" % i, c)
for i, c in enumerate(T):
    const("t%d" % i, c)
NAMES = list(CONSTS)
KERNELS = ("exp", "sigmoid", "silu", "tanh")


class Amd:
    """AVX2 (ymm, 8 lanes) or AVX-512 (zmm, 16 lanes)."""

    def __init__(self, isa):
        self.isa, self.out = isa, []

    def r(self, x):
        if isinstance(x, int):
            return ("Y%d" if self.isa == "avx2" else "Z%d") % x
        return "elemf<>+%d(SB)" % (64 * NAMES.index(x))

    def e(self, s):
        self.out.append("\t" + s)

    def op(self, mn, d, a, b):  # d = a op b
        self.e("%s %s, %s, %s" % (mn, self.r(b), self.r(a), self.r(d)))

    def mov(self, d, a):
        self.e("VMOVUPS %s, %s" % (self.r(a), self.r(d)))

    def fma(self, d, a, b):  # d = d*a + b
        self.e("VFMADD213PS %s, %s, %s" % (self.r(b), self.r(a), self.r(d)))

    def fnma(self, d, a, b):  # d = d - a*b
        self.e("VFNMADD231PS %s, %s, %s" % (self.r(b), self.r(a), self.r(d)))

    def exp(self, x, n, r, p, s, split=False):
        """p = e^x; clobbers x, n, r, s. With split, p = e^x / 2^n2 and
        n = 2^n2 are left for the caller to multiply, so a product with e^x
        can round once into the subnormals."""
        # min/max return the second operand on NaN: keep x there.
        self.mov(n, "hi")
        self.op("VMINPS", x, n, x)
        self.mov(n, "lo")
        self.op("VMAXPS", x, n, x)
        self.mov(n, "log2e")
        self.fma(n, x, "shifter")
        self.op("VSUBPS", n, n, "shifter")
        self.mov(r, x)
        self.fnma(r, n, "ln2hi")
        self.fnma(r, n, "ln2lo")
        self.mov(p, "e0")
        for i in range(1, len(E)):
            self.fma(p, r, "e%d" % i)
        self.op("VMULPS", s, r, r)
        self.fma(p, s, r)
        self.op("VADDPS", p, p, "one")
        self.mov(s, "half")
        self.fma(s, n, "shifter")
        self.op("VSUBPS", r, s, "shifter")
        self.op("VSUBPS", n, n, r)
        self.op("VADDPS", n, n, "shifter")
        for f in (s, n):
            self.op("VPADDD", f, f, "bias")
            self.e("VPSLLD $23, %s, %s" % (self.r(f), self.r(f)))
            if not (split and f == n):
                self.op("VMULPS", p, p, f)

    def k_exp(self):
        self.exp(0, 1, 2, 3, 4)
        return 3

    def sig(self, silu):
        """num and 1+e with e = e^-|x|, num = x < 0 ? e : 1 (times x for
        Silu), so nothing overflows; the last power-of-two factor is applied
        after the product with x, so tiny results round once."""
        self.op("VANDPS", 6, 0, "abs")
        self.op("VORPS", 6, 6, "sign")  # -|x|
        self.exp(6, 1, 2, 3, 4, split=True)
        self.op("VMULPS", 7, 3, 1)  # e
        if silu:
            self.op("VMULPS", 3, 3, 0)
            self.op("VMULPS", 3, 3, 1)  # x*e
            # Below -110 (where exp clamps its argument) Silu rounds to -0:
            # take x*e with e = 0, which also makes Silu(-Inf) NaN.
            self.op("VMULPS", 8, 7, 0)
            if self.isa == "avx2":
                self.e("VCMPPS $1, %s, Y0, Y14" % self.r("m110"))
                self.e("VBLENDVPS Y14, Y8, Y3, Y3")
            else:
                self.e("VCMPPS $1, %s, Z0, K2" % self.r("m110"))
                self.e("VBLENDMPS Z8, Z3, K2, Z3")
            self.mov(5, 0)
        else:
            self.mov(3, 7)
            self.mov(5, "one")
        if self.isa == "avx2":
            self.e("VXORPS Y15, Y15, Y15")
            self.e("VCMPPS $1, Y15, Y0, Y15")  # x < 0
            self.e("VBLENDVPS Y15, Y3, Y5, Y5")
        else:
            self.e("VXORPS Z15, Z15, Z15")
            self.e("VCMPPS $1, Z15, Z0, K1")
            self.e("VBLENDMPS Z3, Z5, K1, Z5")
        self.op("VADDPS", 7, 7, "one")
        return 5, 7

    def k_sigmoid(self):
        num, den = self.sig(False)
        self.op("VDIVPS", num, num, den)
        return num

    def k_silu(self):
        num, den = self.sig(True)
        self.op("VDIVPS", num, num, den)
        return num

    def k_tanh(self):
        self.op("VANDPS", 6, 0, "abs")
        self.op("VMULPS", 7, 6, "m2")
        self.exp(7, 1, 2, 3, 4)  # e = e^-2|x|
        self.mov(5, "one")
        self.op("VSUBPS", 5, 5, 3)
        self.op("VADDPS", 3, 3, "one")
        self.op("VDIVPS", 5, 5, 3)
        self.op("VANDPS", 8, 0, "sign")
        self.op("VORPS", 5, 5, 8)
        # Small |x|: x + x*(z*T(z)), z = x*x.
        self.op("VMULPS", 9, 0, 0)
        self.mov(10, "t0")
        for i in range(1, len(T)):
            self.fma(10, 9, "t%d" % i)
        self.op("VMULPS", 10, 10, 9)
        self.fma(10, 0, 0)
        if self.isa == "avx2":
            self.e("VCMPPS $1, %s, %s, Y15" % (self.r("small"), self.r(6)))
            self.e("VBLENDVPS Y15, Y10, Y5, Y5")
        else:
            self.e("VCMPPS $1, %s, %s, K1" % (self.r("small"), self.r(6)))
            self.e("VBLENDMPS Z10, Z5, K1, Z5")
        return 5

    def kernel(self, name):
        w = 8 if self.isa == "avx2" else 16
        fn = "%sF32%sAsm" % (name, "AVX2" if self.isa == "avx2" else "AVX512")
        o = self.out
        o.append("// func %s(dst, src *float32, n int)" % fn)
        o.append("TEXT ·%s(SB), NOSPLIT, $0-24" % fn)
        self.e("MOVQ dst+0(FP), DI")
        self.e("MOVQ src+8(FP), SI")
        self.e("MOVQ n+16(FP), CX")
        o.append("loop:")
        self.e("VMOVUPS (SI), %s" % self.r(0))
        res = getattr(self, "k_" + name)()
        self.e("VMOVUPS %s, (DI)" % self.r(res))
        self.e("ADDQ $%d, SI" % (4 * w))
        self.e("ADDQ $%d, DI" % (4 * w))
        self.e("SUBQ $%d, CX" % w)
        self.e("JNZ loop")
        self.e("VZEROUPPER")
        self.e("RET")
        o.append("")


class Neon:
    """Eight values per iteration as two interleaved .4s chains."""

    def __init__(self):
        self.out = []

    def a(self, s):
        self.out.append("\tA64 " + s)

    def v(self, c, i):
        return "v%d" % ((1 if c == 0 else 14) + i)

    def k(self, name, reg="v31"):
        self.a("ldr q%s, [x3, #%d]" % (reg[1:], 16 * NAMES.index(name)))
        return reg

    def op(self, mn, d, a, b, t="4s"):
        kregs = {}
        for x in (a, b):
            if isinstance(x, str) and x not in kregs:
                kregs[x] = self.k(x, "v31" if not kregs else "v30")
        for c in (0, 1):
            ra = kregs.get(a) if isinstance(a, str) else self.v(c, a)
            rb = kregs.get(b) if isinstance(b, str) else self.v(c, b)
            self.a("%s %s.%s, %s.%s, %s.%s" % (mn, self.v(c, d), t, ra, t, rb, t))

    def ldk(self, d, name):
        for c in (0, 1):
            self.k(name, self.v(c, d))

    def mla(self, mn, d, a, b):  # d += a*b (fmla) or d -= a*b (fmls); b may be a constant
        if isinstance(b, str):
            self.k(b)
        for c in (0, 1):
            rb = "v31" if isinstance(b, str) else self.v(c, b)
            self.a("%s %s.4s, %s.4s, %s.4s" % (mn, self.v(c, d), self.v(c, a), rb))

    def poly(self, d, spare, x, cs):
        cur, nxt = d, spare
        self.ldk(cur, cs[0])
        for c in cs[1:]:
            self.ldk(nxt, c)
            self.mla("fmla", nxt, cur, x)
            cur, nxt = nxt, cur
        return cur

    def exp(self, x, n, r, p, s, split=False):
        """e^x into the returned register; clobbers x, n, r, p, s. With
        split, returns (e^x / 2^n2, 2^n2) as Amd.exp does."""
        self.op("fmin", x, x, "hi")
        self.op("fmax", x, x, "lo")
        self.ldk(n, "shifter")
        self.mla("fmla", n, x, "log2e")
        self.op("fsub", n, n, "shifter")
        for c in (0, 1):
            self.a("mov %s.16b, %s.16b" % (self.v(c, r), self.v(c, x)))
        self.mla("fmls", r, n, "ln2hi")
        self.mla("fmls", r, n, "ln2lo")
        q = self.poly(p, s, r, ["e%d" % i for i in range(len(E))])
        t = s if q == p else p
        self.op("fmul", x, r, r)  # x is free now
        for c in (0, 1):  # t = r + q*r^2
            self.a("mov %s.16b, %s.16b" % (self.v(c, t), self.v(c, r)))
        self.mla("fmla", t, q, x)
        self.op("fadd", t, t, "one")
        self.ldk(q, "shifter")
        self.mla("fmla", q, n, "half")
        self.op("fsub", r, q, "shifter")
        self.op("fsub", n, n, r)
        self.op("fadd", n, n, "shifter")
        for f in (q, n):
            self.op("add", f, f, "bias")
            for c in (0, 1):
                self.a("shl %s.4s, %s.4s, #23" % (self.v(c, f), self.v(c, f)))
            if not (split and f == n):
                self.op("fmul", t, t, f)
        return (t, n) if split else t

    def k_exp(self):
        return self.exp(0, 1, 2, 3, 4)

    def sig(self, silu):
        """num and 1+e as in Amd.sig."""
        for c in (0, 1):
            self.a("fabs %s.4s, %s.4s" % (self.v(c, 6), self.v(c, 0)))
            self.a("fneg %s.4s, %s.4s" % (self.v(c, 6), self.v(c, 6)))
        pe, f2 = self.exp(6, 1, 2, 3, 4, split=True)
        self.op("fmul", 7, pe, f2)  # e
        if silu:
            self.op("fmul", pe, pe, 0)
            self.op("fmul", pe, pe, f2)  # x*e
            # Below -110 Silu rounds to -0: x*e with e = 0 (NaN for -Inf).
            self.op("fmul", 9, 7, 0)
            self.k("m110")
            for c in (0, 1):
                self.a("fcmgt %s.4s, v31.4s, %s.4s" % (self.v(c, 8), self.v(c, 0)))
                self.a("bit %s.16b, %s.16b, %s.16b" % (self.v(c, pe), self.v(c, 9), self.v(c, 8)))
            for c in (0, 1):
                self.a("mov %s.16b, %s.16b" % (self.v(c, 5), self.v(c, 0)))
        else:
            for c in (0, 1):
                self.a("mov %s.16b, %s.16b" % (self.v(c, pe), self.v(c, 7)))
            self.ldk(5, "one")
        for c in (0, 1):
            self.a("fcmlt %s.4s, %s.4s, #0.0" % (self.v(c, 8), self.v(c, 0)))
            self.a("bit %s.16b, %s.16b, %s.16b" % (self.v(c, 5), self.v(c, pe), self.v(c, 8)))
        self.op("fadd", 7, 7, "one")
        return 5, 7

    def k_sigmoid(self):
        num, den = self.sig(False)
        self.op("fdiv", num, num, den)
        return num

    def k_silu(self):
        num, den = self.sig(True)
        self.op("fdiv", num, num, den)
        return num

    def k_tanh(self):
        for c in (0, 1):
            self.a("fabs %s.4s, %s.4s" % (self.v(c, 6), self.v(c, 0)))
        self.op("fmul", 7, 6, "m2")
        e = self.exp(7, 1, 2, 3, 4)
        self.ldk(5, "one")
        self.op("fsub", 5, 5, e)
        self.op("fadd", e, e, "one")
        self.op("fdiv", 5, 5, e)
        self.op("and", 8, 0, "sign", "16b")
        self.op("orr", 5, 5, 8, "16b")
        self.op("fmul", 9, 0, 0)
        t = self.poly(10, 11, 9, ["t%d" % i for i in range(len(T))])
        self.op("fmul", t, t, 9)
        for c in (0, 1):  # y = x + x*t
            self.a("mov %s.16b, %s.16b" % (self.v(c, 12), self.v(c, 0)))
        self.mla("fmla", 12, t, 0)
        self.k("small")
        for c in (0, 1):
            self.a("fcmgt %s.4s, v31.4s, %s.4s" % (self.v(c, 9), self.v(c, 6)))
            self.a("bit %s.16b, %s.16b, %s.16b" % (self.v(c, 5), self.v(c, 12), self.v(c, 9)))
        return 5

    def kernel(self, name):
        fn = "%sF32NEONAsm" % name
        o = self.out
        o.append("// func %s(dst, src *float32, n int)" % fn)
        o.append("TEXT ·%s(SB), NOSPLIT, $0-24" % fn)
        o.append("\tMOVD dst+0(FP), R0")
        o.append("\tMOVD src+8(FP), R1")
        o.append("\tMOVD n+16(FP), R2")
        o.append("\tMOVD $elemf<>(SB), R3")
        o.append("loop:")
        o.append("\tVLD1.P 16(R1), [V1.S4]")
        o.append("\tVLD1.P 16(R1), [V14.S4]")
        res = getattr(self, "k_" + name)()
        o.append("\tVST1.P [V%d.S4], 16(R0)" % (1 + res))
        o.append("\tVST1.P [V%d.S4], 16(R0)" % (14 + res))
        o.append("\tSUBS $8, R2, R2")
        o.append("\tBNE loop")
        o.append("\tRET")
        o.append("")


def main(arch):
    if arch == "amd64":
        print("// Code generated by simd/_asm/elemf32.py amd64. DO NOT EDIT.")
        print()
    print("//go:build !noasm && !purego")
    print()
    print('#include "textflag.h"')
    print()
    per = 64 if arch == "amd64" else 16
    print("// Each kernel maps n float32 values, n a positive multiple of %s; the Go" % ("8 (AVX2) or 16 (AVX-512)" if arch == "amd64" else "8"))
    print("// wrappers pass tails through a padded block.")
    print()
    for i, (name, bits) in enumerate(CONSTS.items()):
        for j in range(per // 4):
            print("DATA elemf<>+%d(SB)/4, $0x%08x // %s" % (per * i + 4 * j, bits, name))
    print("GLOBL elemf<>(SB), RODATA|NOPTR, $%d" % (per * len(CONSTS)))
    print()
    for k in KERNELS:
        if arch == "amd64":
            for isa in ("avx2", "avx512"):
                g = Amd(isa)
                g.kernel(k)
                print("\n".join(g.out))
        else:
            g = Neon()
            g.kernel(k)
            print("\n".join(g.out))


if __name__ == "__main__":
    main(sys.argv[1])
