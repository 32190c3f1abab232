//go:build !noasm && !purego

#include "textflag.h"

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
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), R8
	MOVQ         n+16(FP), R11
	MOVQ         rows+24(FP), R12
	MOVQ         c+32(FP), AX
	VBROADCASTSS 0(AX), Y0 // α
	VBROADCASTSS 4(AX), Y1 // β
	VBROADCASTSS 8(AX), Y2 // γ
	VBROADCASTSS 12(AX), Y3 // δ
	MOVQ         R11, DX
	SHLQ         $5, DX // a band's bytes
	LEAQ         (DI)(DX*1), SI

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
