//go:build !noasm && !purego

#include "textflag.h"

// SEGARGS loads the row kernels' arguments: the rows at R8, their bands
// at DI and SI (DX bytes each, n = R11 pairs), R12 rows, and α, β, γ, δ
// in Y0-Y3.
#define SEGARGS \
	MOVQ         dst+0(FP), DI     \
	MOVQ         x+8(FP), R8       \
	MOVQ         n+16(FP), R11     \
	MOVQ         rows+24(FP), R12  \
	MOVQ         c+32(FP), AX      \
	VBROADCASTSS 0(AX), Y0         \
	VBROADCASTSS 4(AX), Y1         \
	VBROADCASTSS 8(AX), Y2         \
	VBROADCASTSS 12(AX), Y3        \
	MOVQ         R11, DX           \
	SHLQ         $5, DX            \
	LEAQ         (DI)(DX*1), SI

// The lane rotations that bring a lane-segmented row's samples past each
// stretch's ends: up gives lane l what lane l-1 holds, down what lane l+1
// holds (the lanes wrap: the row is one period).
DATA segRot<>+0(SB)/4, $7
DATA segRot<>+4(SB)/4, $0
DATA segRot<>+8(SB)/4, $1
DATA segRot<>+12(SB)/4, $2
DATA segRot<>+16(SB)/4, $3
DATA segRot<>+20(SB)/4, $4
DATA segRot<>+24(SB)/4, $5
DATA segRot<>+28(SB)/4, $6
DATA segRot<>+32(SB)/4, $1
DATA segRot<>+36(SB)/4, $2
DATA segRot<>+40(SB)/4, $3
DATA segRot<>+44(SB)/4, $4
DATA segRot<>+48(SB)/4, $5
DATA segRot<>+52(SB)/4, $6
DATA segRot<>+56(SB)/4, $7
DATA segRot<>+60(SB)/4, $0
GLOBL segRot<>(SB), RODATA|NOPTR, $64

// SEGSTEP is output k of a lane-segmented row from e(k+2) and o(k+1)
// (memory or registers): Y4 = e(k+1), Y5 = d1(k), Y6 = s1(k) and
// Y7 = d2(k-1) on entry, advanced by one on exit; Y0-Y3 hold α, β, γ, δ.
// Every step is an addition, then a multiply-add, as Lift97Steps does.
#define SEGSTEP(E2, O1) \
	VMOVUPS     E2, Y8       \
	VADDPS      Y8, Y4, Y9   \
	VFMADD213PS O1, Y0, Y9   \ // d1(k+1)
	VADDPS      Y9, Y5, Y10  \
	VFMADD213PS Y4, Y1, Y10  \ // s1(k+1)
	VADDPS      Y10, Y6, Y11 \
	VFMADD213PS Y5, Y2, Y11  \ // d2(k), the high band
	VADDPS      Y11, Y7, Y12 \
	VFMADD213PS Y6, Y3, Y12  \ // s2(k), the low band
	VMOVUPS     Y12, (DI)    \
	VMOVUPS     Y11, (SI)    \
	ADDQ        $32, DI      \
	ADDQ        $32, SI      \
	VMOVAPS     Y8, Y4       \
	VMOVAPS     Y9, Y5       \
	VMOVAPS     Y10, Y6      \
	VMOVAPS     Y11, Y7

// func lift97SegRowsAVX2(dst, x *float32, n, rows int, c *[4]float32)
TEXT ·lift97SegRowsAVX2(SB), NOSPLIT, $0-40
	SEGARGS

segrow:
	MOVQ R11, CX

	// The samples before each stretch: the previous lane's last two pairs.
	VMOVUPS segRot<>+0(SB), Y15
	LEAQ    -128(R8)(DX*2), R9
	VPERMPS (R9), Y15, Y8    // e(-2)
	VPERMPS 32(R9), Y15, Y9  // o(-2)
	VPERMPS 64(R9), Y15, Y10 // e(-1)
	VPERMPS 96(R9), Y15, Y11 // o(-1)
	VMOVUPS (R8), Y4         // e(0)
	VMOVUPS 32(R8), Y12      // o(0)
	VMOVUPS 64(R8), Y13      // e(1)
	VADDPS      Y10, Y8, Y8
	VFMADD213PS Y9, Y0, Y8   // d1(-2)
	VADDPS      Y4, Y10, Y9
	VFMADD213PS Y11, Y0, Y9  // d1(-1)
	VADDPS      Y13, Y4, Y5
	VFMADD213PS Y12, Y0, Y5  // d1(0)
	VADDPS      Y9, Y8, Y8
	VFMADD213PS Y10, Y1, Y8  // s1(-1)
	VADDPS      Y5, Y9, Y6
	VFMADD213PS Y4, Y1, Y6   // s1(0)
	VADDPS      Y6, Y8, Y7
	VFMADD213PS Y9, Y2, Y7   // d2(-1)
	VMOVAPS     Y13, Y4      // e(1)

	// Outputs 0 .. n-3 read their samples in place: o(k+1) at R10,
	// e(k+2) after it.
	LEAQ 96(R8), R10
	SUBQ $2, CX
	JZ   segtail

segloop:
	SEGSTEP(32(R10), (R10))
	ADDQ $64, R10
	DECQ CX
	JNZ  segloop

segtail:
	// The last two outputs read past the stretch: the next lane's first
	// samples.
	VMOVUPS segRot<>+32(SB), Y15
	VPERMPS (R8), Y15, Y13   // e(n)
	SEGSTEP(Y13, (R10))
	VPERMPS 32(R8), Y15, Y14 // o(n)
	VPERMPS 64(R8), Y15, Y13 // e(n+1)
	SEGSTEP(Y13, Y14)

	// The next row: past this one's input and both its bands.
	LEAQ (R8)(DX*2), R8
	ADDQ DX, DI
	ADDQ DX, SI
	DECQ R12
	JNZ  segrow
	VZEROUPPER
	RET

// TR4 transposes the four rows a, b, c, d within each 128-bit half, with
// t0-t3 for temporaries.
#define TR4(a, b, c, d, t0, t1, t2, t3) \
	VUNPCKLPS b, a, t0        \
	VUNPCKHPS b, a, t1        \
	VUNPCKLPS d, c, t2        \
	VUNPCKHPS d, c, t3        \
	VSHUFPS   $0x44, t2, t0, a \
	VSHUFPS   $0xEE, t2, t0, b \
	VSHUFPS   $0x44, t3, t1, c \
	VSHUFPS   $0xEE, t3, t1, d

// ROWS loads columns off .. off+3 of rows 0-3 into the low halves and of
// rows 4-7 into the high halves of a, b, c, d.
#define ROWS(off, xa, a, xb, b, xc, c, xd, d) \
	VMOVUPS     off(SI), xa                 \
	VINSERTF128 $1, off(AX), a, a           \
	VMOVUPS     off(SI)(R8*1), xb           \
	VINSERTF128 $1, off(AX)(R8*1), b, b     \
	VMOVUPS     off(SI)(R8*2), xc           \
	VINSERTF128 $1, off(AX)(R8*2), c, c     \
	VMOVUPS     off(SI)(R12*1), xd          \
	VINSERTF128 $1, off(AX)(R12*1), d, d

// func transpose8AVX2(dst, src *float32, blocks, srow, sstep, drow, dstep, pf int)
//
// Each block's eight rows of eight floats, srow bytes apart from src, go
// to dst as its eight columns, drow bytes apart; the blocks lie sstep and
// dstep bytes apart. Each block also asks for the cache lines pf bytes past
// its rows, where a stream of such transpositions will read next.
TEXT ·transpose8AVX2(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ blocks+16(FP), CX
	MOVQ srow+24(FP), R8
	MOVQ sstep+32(FP), R9
	MOVQ drow+40(FP), R10
	MOVQ dstep+48(FP), R11
	LEAQ (R8)(R8*2), R12
	LEAQ (R10)(R10*2), R13

	MOVQ pf+56(FP), DX

tloop:
	LEAQ    (SI)(R8*4), AX
	LEAQ    (SI)(DX*1), R14
	LEAQ    (AX)(DX*1), R15
	PREFETCHT0 (R14)
	PREFETCHT0 (R14)(R8*1)
	PREFETCHT0 (R14)(R8*2)
	PREFETCHT0 (R14)(R12*1)
	PREFETCHT0 (R15)
	PREFETCHT0 (R15)(R8*1)
	PREFETCHT0 (R15)(R8*2)
	PREFETCHT0 (R15)(R12*1)
	ROWS(0, X0, Y0, X1, Y1, X2, Y2, X3, Y3)
	ROWS(16, X4, Y4, X5, Y5, X6, Y6, X7, Y7)
	TR4(Y0, Y1, Y2, Y3, Y8, Y9, Y10, Y11)
	TR4(Y4, Y5, Y6, Y7, Y12, Y13, Y14, Y15)
	LEAQ    (DI)(R10*4), BX
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, (DI)(R10*1)
	VMOVUPS Y2, (DI)(R10*2)
	VMOVUPS Y3, (DI)(R13*1)
	VMOVUPS Y4, (BX)
	VMOVUPS Y5, (BX)(R10*1)
	VMOVUPS Y6, (BX)(R10*2)
	VMOVUPS Y7, (BX)(R13*1)
	ADDQ    R9, SI
	ADDQ    R11, DI
	DECQ    CX
	JNZ     tloop
	VZEROUPPER
	RET

// The skewed row step. Iteration t computes s2(t-1), d2(t), s1(t+2) and
// d1(t+3), each from values earlier iterations left in registers, so an
// iteration is four chains of an addition and a multiply-add instead of one
// chain of eight: the plain kernel above waits on its chain, this one keeps
// the vector units busy (1.5 → 1.25 ns a pair in L1 on Zen 3). The values a
// stretch's ends need from the next stretch are lane rotations of values
// computed at its start (the row is one period): d1(-1) and s1(-1) rotate
// d1(n-1) and s1(n-1), d2(n-1) rotates d2(-1),
// so no value is computed twice.
//
// The iteration's registers rotate with period three: D1 holds d1(t),
// d1(t+1), d1(t+2); S1 s1(t-1), s1(t), s1(t+1); D2 d2(t-2), d2(t-1) and a
// free register. BX is 32·t: e(t) lies at 2·BX from the row, lo(t) and
// hi(t) at BX from their bands. Y13 holds d1(n-2), Y14 s1(n-1) and Y15
// d2(n-1) for the last iterations.

// SKOUT writes lo(t-1) = s2(t-1) and hi(t) = d2(t), which lands in f.
#define SKOUT(d1t, s1m, s1t, s1t1, d2o, d2n, f, lo, hi) \
	VADDPS      d2n, d2o, f      \
	VFMADD213PS s1m, Y3, f       \
	VMOVUPS     f, lo(DI)(BX*1)  \
	VADDPS      s1t1, s1t, f     \
	VFMADD213PS d1t, Y2, f       \
	VMOVUPS     f, hi(SI)(BX*1)

// SKS1 computes s1(t+2) into s1m, which s2(t-1) has done with.
#define SKS1(d1t1, d1t2, s1m, e2) \
	VADDPS      d1t2, d1t1, s1m \
	VFMADD213PS e2(R8)(BX*2), Y1, s1m

// SKD1 computes d1(t+3) into d1t, which d2(t) has done with.
#define SKD1(d1t, e4, e3, o3) \
	VMOVUPS     e4(R8)(BX*2), d1t      \
	VADDPS      e3(R8)(BX*2), d1t, d1t \
	VFMADD213PS o3(R8)(BX*2), Y0, d1t

// The three register assignments (d1t, d1t1, d1t2, s1m, s1t, s1t1, d2o,
// d2n, f) are A0 = Y4 Y5 Y6 Y7 Y8 Y9 Y11 Y12 Y10, A1 = Y5 Y6 Y4 Y8 Y9 Y7
// Y12 Y10 Y11 and A2 = Y6 Y4 Y5 Y9 Y7 Y8 Y10 Y11 Y12; copy i of the
// unrolled loop runs with Ai at BX + 32·i.
#define SKSTEP0 \
	SKOUT(Y4, Y7, Y8, Y9, Y11, Y12, Y10, -32, 0) \
	SKS1(Y5, Y6, Y7, 128)                          \
	SKD1(Y4, 256, 192, 224)

#define SKSTEP1 \
	SKOUT(Y5, Y8, Y9, Y7, Y12, Y10, Y11, 0, 32) \
	SKS1(Y6, Y4, Y8, 192)                         \
	SKD1(Y5, 320, 256, 288)

#define SKSTEP2 \
	SKOUT(Y6, Y9, Y7, Y8, Y10, Y11, Y12, 32, 64) \
	SKS1(Y4, Y5, Y9, 256)                          \
	SKD1(Y6, 384, 320, 352)

// SKEND is the last two outputs at BX = 32·(n-2) - 96 with the registers
// of one assignment: lo(n-3), hi(n-2), lo(n-2), hi(n-1) and lo(n-1).
#define SKEND(d1t, s1m, s1t, s1t1, d2o, d2n, f) \
	SKOUT(d1t, s1m, s1t, s1t1, d2o, d2n, f, 64, 96) \
	VADDPS      f, d2n, d2o         \
	VFMADD213PS s1t, Y3, d2o        \
	VMOVUPS     d2o, 96(DI)(BX*1)   \
	VMOVUPS     Y15, 128(SI)(BX*1)  \
	VADDPS      Y15, f, f           \
	VFMADD213PS s1t1, Y3, f         \
	VMOVUPS     f, 128(DI)(BX*1)

// SKTAIL is iterations n-5 .. n-3 and the last outputs, from BX = 32·(n-5)
// with the loop's registers in the assignment (d1: a1 a2 a3, s1: b1 b2 b3,
// d2: c1 c2 c3), which the iterations rotate.
#define SKTAIL(a1, a2, a3, b1, b2, b3, c1, c2, c3) \
	SKOUT(a1, b1, b2, b3, c1, c2, c3, -32, 0) \
	SKS1(a2, a3, b1, 128)                     \
	VMOVAPS Y13, a1                           \
	SKOUT(a2, b2, b3, b1, c2, c3, c1, 0, 32)  \
	SKS1(a3, a1, b2, 192)                     \
	SKOUT(a3, b3, b1, b2, c3, c1, c2, 32, 64) \
	VMOVAPS Y14, b3                           \
	SKEND(a1, b1, b2, b3, c1, c2, c3)

// func lift97SegRowsSkewAVX2(dst, x *float32, n, rows int, c *[4]float32)
//
// n ≥ 6 pairs a row.
TEXT ·lift97SegRowsSkewAVX2(SB), NOSPLIT, $0-40
	SEGARGS

skrow:
	// The stretch's end: d1(n-2), d1(n-1) and s1(n-1), with e(n) the next
	// lane's e(0).
	VMOVUPS     segRot<>+0(SB), Y14 // up
	VMOVUPS     segRot<>+32(SB), Y15 // down
	LEAQ        -128(R8)(DX*2), R9 // e(n-2)
	VMOVUPS     (R9), Y13
	VADDPS      64(R9), Y13, Y13
	VFMADD213PS 32(R9), Y0, Y13    // d1(n-2)
	VPERMPS     (R8), Y15, Y12     // e(n)
	VADDPS      64(R9), Y12, Y12
	VFMADD213PS 96(R9), Y0, Y12    // d1(n-1)
	VADDPS      Y12, Y13, Y11
	VFMADD213PS 64(R9), Y1, Y11    // s1(n-1)
	VPERMPS     Y12, Y14, Y12      // d1(-1)
	VPERMPS     Y11, Y14, Y9       // s1(-1)
	VMOVAPS     Y11, Y14

	// Its start: d1(0) .. d1(3), s1(0) .. s1(2), d2(-1) and d2(0), which
	// is hi(0).
	VMOVUPS     (R8), Y10
	VADDPS      64(R8), Y10, Y10
	VFMADD213PS 32(R8), Y0, Y10    // d1(0)
	VMOVUPS     64(R8), Y4
	VADDPS      128(R8), Y4, Y4
	VFMADD213PS 96(R8), Y0, Y4     // d1(1)
	VMOVUPS     128(R8), Y5
	VADDPS      192(R8), Y5, Y5
	VFMADD213PS 160(R8), Y0, Y5    // d1(2)
	VMOVUPS     192(R8), Y6
	VADDPS      256(R8), Y6, Y6
	VFMADD213PS 224(R8), Y0, Y6    // d1(3)
	VADDPS      Y10, Y12, Y7
	VFMADD213PS (R8), Y1, Y7       // s1(0)
	VADDPS      Y7, Y9, Y11
	VFMADD213PS Y12, Y2, Y11       // d2(-1)
	VADDPS      Y4, Y10, Y8
	VFMADD213PS 64(R8), Y1, Y8     // s1(1)
	VADDPS      Y5, Y4, Y9
	VFMADD213PS 128(R8), Y1, Y9    // s1(2)
	VPERMPS     Y11, Y15, Y15      // d2(n-1)
	VADDPS      Y8, Y7, Y12
	VFMADD213PS Y10, Y2, Y12       // d2(0)
	VMOVUPS     Y12, (SI)          // hi(0)

	// Iterations 1 .. n-6 in threes, A0 first.
	MOVQ R11, CX
	MOVL $32, BX
	SUBQ $6, CX
	JZ   sktail0

skloop:
	SKSTEP0
	DECQ CX
	JZ   sktail1
	SKSTEP1
	DECQ CX
	JZ   sktail2
	SKSTEP2
	ADDQ $96, BX
	DECQ CX
	JNZ  skloop

	// Iterations n-5 .. n-3 take d1(n-2) and s1(n-1) from the row's end
	// and leave out d1(n-1) and d1(n), which no output needs; then the
	// last outputs.
sktail0:
	SKTAIL(Y4, Y5, Y6, Y7, Y8, Y9, Y11, Y12, Y10)
	JMP skrownext

sktail1:
	ADDQ $32, BX
	SKTAIL(Y5, Y6, Y4, Y8, Y9, Y7, Y12, Y10, Y11)
	JMP skrownext

sktail2:
	ADDQ $64, BX
	SKTAIL(Y6, Y4, Y5, Y9, Y7, Y8, Y10, Y11, Y12)

skrownext:
	LEAQ (R8)(DX*2), R8
	LEAQ (DI)(DX*2), DI
	LEAQ (SI)(DX*2), SI
	DECQ R12
	JNZ  skrow
	VZEROUPPER
	RET
