#!/usr/bin/python3
"""Generate simd/_asm/elem_arm64.s.in, the NEON elementwise kernels.

Run from simd/:
  _asm/elem_arm64.py > _asm/elem_arm64.s.in
  _asm/a64words.py _asm/elem_arm64.s.in elem_arm64.s

Same float64 scheme as the amd64 kernels (see elem_amd64.py, whose
constants this reuses): four float32 values per iteration, widened into two
float64 chains (v1.. and v14..) interleaved instruction by instruction so
in-order cores such as the Cortex-A53 overlap them.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import elem_amd64 as amd  # noqa: E402

CONSTS = amd.CONSTS
NAMES = list(CONSTS)
ERFC_P = amd.ERFC_P


class Gen:
    def __init__(self):
        self.out = []

    def a(self, s):
        self.out.append("\tA64 " + s)

    def v(self, chain, i):
        return "v%d" % ((1 if chain == 0 else 14) + i)

    def k(self, name, reg="v31"):
        self.a("ldr q%s, [x3, #%d]" % (reg[1:], 16 * NAMES.index(name)))
        return reg

    def op2(self, mn, d, a, b, t="2d"):
        """d = a op b on both chains; a, b logical regs or constant names."""
        kregs = {}
        for x in (a, b):
            if isinstance(x, str) and x not in kregs:
                kregs[x] = self.k(x, "v31" if not kregs else "v30")
        for c in (0, 1):
            ra = kregs.get(a) if isinstance(a, str) else self.v(c, a)
            rb = kregs.get(b) if isinstance(b, str) else self.v(c, b)
            self.a("%s %s.%s, %s.%s, %s.%s" % (mn, self.v(c, d), t, ra, t, rb, t))

    def mov(self, d, a):
        for c in (0, 1):
            self.a("mov %s.16b, %s.16b" % (self.v(c, d), self.v(c, a)))

    def ldk(self, d, name):
        for c in (0, 1):
            self.k(name, self.v(c, d))

    def exp64(self, x, n, r, p, s):
        """p = e^x (NaN kept); clobbers x, n, r, s. Returns the register
        that holds the result (p or s)."""
        self.op2("fmin", x, x, "hi")
        self.op2("fmax", x, x, "lo")
        self.ldk(n, "shifter")
        self.k("log2e")
        for c in (0, 1):
            self.a("fmla %s.2d, %s.2d, v31.2d" % (self.v(c, n), self.v(c, x)))
        self.op2("fsub", n, n, "shifter")  # n = round(x*log2e)
        self.mov(r, x)
        for name in ("ln2hi", "ln2lo"):
            self.k(name)
            for c in (0, 1):
                self.a("fmls %s.2d, %s.2d, v31.2d" % (self.v(c, r), self.v(c, n)))
        cur, nxt = p, s
        self.ldk(cur, "e10")
        for kk in range(9, -1, -1):
            self.ldk(nxt, "e%d" % kk)
            for c in (0, 1):
                self.a("fmla %s.2d, %s.2d, %s.2d" % (self.v(c, nxt), self.v(c, cur), self.v(c, r)))
            cur, nxt = nxt, cur
        # cur holds the polynomial; nxt is free. 2^n = 2^n1 * 2^n2.
        f = nxt
        self.ldk(f, "shifter")
        self.k("half")
        for c in (0, 1):
            self.a("fmla %s.2d, %s.2d, v31.2d" % (self.v(c, f), self.v(c, n)))
        self.op2("fsub", r, f, "shifter")
        self.op2("fsub", n, n, r)
        self.op2("fadd", n, n, "shifter")
        for g in (f, n):
            self.op2("add", g, g, "bias")
            for c in (0, 1):
                self.a("shl %s.2d, %s.2d, #52" % (self.v(c, g), self.v(c, g)))
            self.op2("fmul", cur, cur, g)
        return cur

    def normcdf(self, x):
        self.op2("and", 1, x, "abs", "16b")
        self.op2("fmul", 1, 1, "rsqrt2")  # z
        self.op2("fadd", 2, 1, "two")
        self.ldk(3, "two")
        self.op2("fdiv", 2, 3, 2)  # t
        self.ldk(3, "k0")
        self.k("k1")
        for c in (0, 1):
            self.a("fmla %s.2d, %s.2d, v31.2d" % (self.v(c, 3), self.v(c, 2)))  # u
        cur, nxt = 4, 10
        self.ldk(cur, "p0")
        for i in range(1, len(ERFC_P)):
            self.ldk(nxt, "p%d" % i)
            for c in (0, 1):
                self.a("fmla %s.2d, %s.2d, %s.2d" % (self.v(c, nxt), self.v(c, cur), self.v(c, 3)))
            cur, nxt = nxt, cur
        for c in (0, 1):
            self.a("fmls %s.2d, %s.2d, %s.2d" % (self.v(c, cur), self.v(c, 1), self.v(c, 1)))  # P - z*z
        e = self.exp64(cur, 5, 7, 6, 8)
        self.op2("fmul", e, e, 2)
        self.op2("fmul", e, e, "half")  # Φ(-|x|)
        self.ldk(9, "one")
        self.op2("fsub", 9, 9, e)
        for c in (0, 1):
            self.a("fcmlt %s.2d, %s.2d, #0.0" % (self.v(c, 11), self.v(c, x)))
            self.a("bit %s.16b, %s.16b, %s.16b" % (self.v(c, 9), self.v(c, e), self.v(c, 11)))
        return 9

    def horner(self, d, x, first, rest, spare):
        """Horner polynomial in x into d or spare; returns which."""
        cur, nxt = d, spare
        self.ldk(cur, first)
        for c in rest:
            self.ldk(nxt, c)
            for ch in (0, 1):
                self.a("fmla %s.2d, %s.2d, %s.2d" % (self.v(ch, nxt), self.v(ch, cur), self.v(ch, x)))
            cur, nxt = nxt, cur
        return cur

    def k_normppf(self):
        self.ldk(1, "one")
        self.op2("fsub", 1, 1, 0)
        self.op2("fmin", 1, 0, 1)  # pt = min(p, 1-p), NaN kept
        # Central region: x = q*A(r)/B(r), q = p - 1/2, r = q*q.
        self.op2("fsub", 2, 0, "half")
        self.op2("fmul", 3, 2, 2)
        num = self.horner(4, 3, "a0", ["a1", "a2", "a3", "a4", "a5"], 5)
        self.op2("fmul", 4, num, 2)
        den = self.horner(5, 3, "b0", ["b1", "b2", "b3", "b4", "one"], 6)
        self.op2("fdiv", 4, 4, den)
        # Tails: x = C(q)/D(q), q = sqrt(-2 ln pt). ln pt = e*ln2 + ln m,
        # m in (√2/2, √2], ln m = 2 atanh(s), s = (m-1)/(m+1).
        self.op2("and", 6, 1, "mant", "16b")
        self.op2("orr", 6, 6, "one", "16b")
        for c in (0, 1):
            self.a("ushr %s.2d, %s.2d, #52" % (self.v(c, 7), self.v(c, 1)))
        self.op2("orr", 7, 7, "two52", "16b")
        self.op2("fsub", 7, 7, "two52")
        self.op2("fsub", 7, 7, "c1023")
        self.op2("fcmgt", 9, 6, "sqrt2")  # m > √2
        self.op2("fmul", 8, 6, "half")
        for c in (0, 1):
            self.a("bit %s.16b, %s.16b, %s.16b" % (self.v(c, 6), self.v(c, 8), self.v(c, 9)))
        self.op2("and", 9, 9, "one", "16b")
        self.op2("fadd", 7, 7, 9)
        self.op2("fsub", 8, 6, "one")
        self.op2("fadd", 9, 6, "one")
        self.op2("fdiv", 8, 8, 9)  # s
        self.op2("fmul", 9, 8, 8)
        lm = self.horner(10, 9, "l17", ["l15", "l13", "l11", "l9", "l7", "l5", "l3", "one"], 11)
        self.op2("fmul", 10, lm, 8)
        self.op2("fadd", 10, 10, 10)  # ln m
        self.k("ln2")
        for c in (0, 1):
            self.a("fmla %s.2d, %s.2d, v31.2d" % (self.v(c, 10), self.v(c, 7)))  # ln pt
        self.op2("fmul", 10, 10, "m2")
        for c in (0, 1):
            self.a("fsqrt %s.2d, %s.2d" % (self.v(c, 10), self.v(c, 10)))
        cn = self.horner(11, 10, "c0", ["c1", "c2", "c3", "c4", "c5"], 12)
        cd = self.horner(5, 10, "d0", ["d1", "d2", "d3", "one"], 6)
        self.op2("fdiv", 11, cn, cd)  # lower-tail x
        self.k("minf")
        for c in (0, 1):
            self.a("fcmeq %s.2d, %s.2d, #0.0" % (self.v(c, 9), self.v(c, 1)))
            self.a("bit %s.16b, v31.16b, %s.16b" % (self.v(c, 11), self.v(c, 9)))
        self.ldk(12, "half")
        self.op2("fsub", 12, 12, 0)
        self.op2("and", 12, 12, "sign", "16b")
        self.op2("eor", 11, 11, 12, "16b")  # upper tail: negate
        self.k("plow")
        for c in (0, 1):
            self.a("fcmgt %s.2d, v31.2d, %s.2d" % (self.v(c, 9), self.v(c, 1)))  # pt < plow
            self.a("bit %s.16b, %s.16b, %s.16b" % (self.v(c, 4), self.v(c, 11), self.v(c, 9)))
        self.k("nan")
        for c in (0, 1):
            self.a("fcmge %s.2d, %s.2d, #0.0" % (self.v(c, 9), self.v(c, 1)))  # 0 <= p <= 1
            self.a("bif %s.16b, v31.16b, %s.16b" % (self.v(c, 4), self.v(c, 9)))
        return 4

    def k_normcdf(self):
        return self.normcdf(0)

    def k_gelu(self):
        r = self.normcdf(0)
        self.op2("fmul", r, r, 0)
        return r

    def kernel(self, name):
        fn = "%sNEONAsm" % name
        o = self.out
        o.append("// func %s(dst, src *float32, n int)" % fn)
        o.append("TEXT ·%s(SB), NOSPLIT, $0-24" % fn)
        o.append("\tMOVD dst+0(FP), R0")
        o.append("\tMOVD src+8(FP), R1")
        o.append("\tMOVD n+16(FP), R2")
        o.append("\tMOVD $elemk<>(SB), R3")
        o.append("loop:")
        o.append("\tVLD1.P 16(R1), [V0.S4]")
        self.a("fcvtl v1.2d, v0.2s")
        self.a("fcvtl2 v14.2d, v0.4s")
        res = getattr(self, "k_" + name)()
        self.a("fcvtn v0.2s, %s.2d" % self.v(0, res))
        self.a("fcvtn2 v0.4s, %s.2d" % self.v(1, res))
        o.append("\tVST1.P [V0.S4], 16(R0)")
        o.append("\tSUBS $4, R2, R2")
        o.append("\tBNE loop")
        o.append("\tRET")
        o.append("")


def main():
    print("//go:build !noasm && !purego")
    print()
    print('#include "textflag.h"')
    print()
    print("// Each kernel maps n float32 values, n a positive multiple of 4; the Go")
    print("// wrappers pass tails through a padded block. FPCR as Go leaves it:")
    print("// round to nearest even, subnormals kept.")
    print()
    for i, (name, bits) in enumerate(CONSTS.items()):
        for j in range(2):
            print("DATA elemk<>+%d(SB)/8, $0x%016x // %s" % (16 * i + 8 * j, bits, name))
    print("GLOBL elemk<>(SB), RODATA|NOPTR, $%d" % (16 * len(CONSTS)))
    print()
    for kname in ("normcdf", "gelu", "normppf"):
        g = Gen()
        g.kernel(kname)
        print("\n".join(g.out))
    print(RELU_RS8)


RELU_RS8 = """// func reluNEONAsm(dst, src *float32, n int), n a multiple of 16
TEXT ·reluNEONAsm(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2
loop:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	// Clear exactly the lanes with x < 0: -0 and NaN pass through.
	A64 fcmlt v4.4s, v0.4s, #0.0
	A64 fcmlt v5.4s, v1.4s, #0.0
	A64 fcmlt v6.4s, v2.4s, #0.0
	A64 fcmlt v7.4s, v3.4s, #0.0
	A64 bic v0.16b, v0.16b, v4.16b
	A64 bic v1.16b, v1.16b, v5.16b
	A64 bic v2.16b, v2.16b, v6.16b
	A64 bic v3.16b, v3.16b, v7.16b
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS $16, R2, R2
	BNE loop
	RET

// func scaleAddNEONAsm(dst, src *float32, n int, a, b float32), n a multiple of 16
TEXT ·scaleAddNEONAsm(SB), NOSPLIT, $0-32
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2
	FMOVS a+24(FP), F30
	FMOVS b+28(FP), F31
	A64 dup v30.4s, v30.s[0]
	A64 dup v31.4s, v31.s[0]
loop:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	// Separate multiply and add: the same two roundings as the generic twin.
	A64 fmul v0.4s, v0.4s, v30.4s
	A64 fmul v1.4s, v1.4s, v30.4s
	A64 fmul v2.4s, v2.4s, v30.4s
	A64 fmul v3.4s, v3.4s, v30.4s
	A64 fadd v0.4s, v0.4s, v31.4s
	A64 fadd v1.4s, v1.4s, v31.4s
	A64 fadd v2.4s, v2.4s, v31.4s
	A64 fadd v3.4s, v3.4s, v31.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS $16, R2, R2
	BNE loop
	RET

// func roundS8NEONAsm(dst *int8, src *float32, n int), n a multiple of 16
TEXT ·roundS8NEONAsm(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2
loop:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	// FCVTNS rounds ties to even, saturates, and turns NaN into 0; the
	// saturating narrows clamp to int16, then int8.
	A64 fcvtns v0.4s, v0.4s
	A64 fcvtns v1.4s, v1.4s
	A64 fcvtns v2.4s, v2.4s
	A64 fcvtns v3.4s, v3.4s
	A64 sqxtn v4.4h, v0.4s
	A64 sqxtn2 v4.8h, v1.4s
	A64 sqxtn v5.4h, v2.4s
	A64 sqxtn2 v5.8h, v3.4s
	A64 sqxtn v6.8b, v4.8h
	A64 sqxtn2 v6.16b, v5.8h
	VST1.P [V6.B16], 16(R0)
	SUBS $16, R2, R2
	BNE loop
	RET
"""

if __name__ == "__main__":
    main()
