//go:build !noasm && !purego

#include "textflag.h"

// StepTable's layout: Org, Inv, Last at 0, 4, 8; Base's data pointer at
// 16; Thr's at 40; Bias at 64; Approx at 72. StepApprox's: Inv, Margin at
// 0, 4; Coef[k] at 8+32k.

// STEPARGS loads both kernels' arguments: dst, src, blocks, the table
// (AX) and its Base and Thr.
#define STEPARGS \
	MOVQ dst+0(FP), DI    \
	MOVQ src+8(FP), SI    \
	MOVQ blocks+16(FP), CX \
	MOVQ t+24(FP), AX     \
	MOVQ 16(AX), R8       \
	MOVQ 40(AX), R9

// TABLECONST broadcasts the table's constants: Y12 = Org, Y13 = Inv,
// Y14 = Last, Y11 = Bias, Y15 = 0, Y10 = all ones (the gathers' mask).
#define TABLECONST \
	VBROADCASTSS 0(AX), Y12  \
	VBROADCASTSS 4(AX), Y13  \
	VBROADCASTSS 8(AX), Y14  \
	VPBROADCASTD 64(AX), Y11 \
	VPXOR        Y15, Y15, Y15 \
	VPCMPEQD     Y10, Y10, Y10

// TABLESTEP looks the eight values in Y0 up in the table: their steps in
// Y3 (int32), Y1, Y2, Y4-Y6 clobbered.
#define TABLESTEP \
	VSUBPS     Y12, Y0, Y1         \
	VMULPS     Y13, Y1, Y1         \
	VMAXPS     Y15, Y1, Y1         \ // NaN becomes 0
	VMINPS     Y14, Y1, Y1         \
	VCVTTPS2DQ Y1, Y1              \
	VMOVDQA    Y10, Y2             \
	VPGATHERDD Y2, (R8)(Y1*4), Y3  \ // Base[b]
	VMOVDQA    Y10, Y5             \
	VGATHERDPS Y5, (R9)(Y1*4), Y4  \ // Thr[b]
	VCMPPS     $0x1D, Y4, Y0, Y4   \ // v ≥ Thr[b] (ordered, quiet)
	VPSUBD     Y4, Y3, Y3          \ // a true comparison is -1
	VPSUBD     Y11, Y3, Y3         \
	VCMPPS     $3, Y0, Y0, Y6      \ // NaN lanes
	VPANDN     Y3, Y6, Y3

// PACKSTORE saturates the steps in Y3 to int8, stores them and moves on to
// the next block.
#define PACKSTORE \
	VEXTRACTI128 $1, Y3, X4 \
	VPACKSSDW    X4, X3, X3 \
	VPACKSSWB    X3, X3, X3 \
	MOVQ         X3, (DI)   \
	ADDQ         $32, SI    \
	ADDQ         $8, DI

// func stepLookupAVX2(dst *int8, src *float32, blocks int, t *StepTable)
TEXT ·stepLookupAVX2(SB), NOSPLIT, $0-32
	STEPARGS
	TABLECONST

sloop:
	VMOVUPS (SI), Y0
	TABLESTEP
	PACKSTORE
	DECQ    CX
	JNE     sloop
	VZEROUPPER
	RET

// APPROXCONST loads the approximation's constants from BX: Y11 = Margin,
// Y12 = −1, Y13 = 1, Y14 = Inv, Y15 = |·|'s mask. The coefficients stay
// in memory, one vector each from 40(BX) on, read by the multiply-adds.
#define APPROXCONST \
	VBROADCASTSS 4(BX), Y11       \
	MOVL         $0xbf800000, DX  \
	VMOVD        DX, X12          \
	VBROADCASTSS X12, Y12         \
	MOVL         $0x3f800000, DX  \
	VMOVD        DX, X13          \
	VBROADCASTSS X13, Y13         \
	VBROADCASTSS 0(BX), Y14       \
	VPCMPEQD     Y15, Y15, Y15    \
	VPSRLD       $1, Y15, Y15

// ATRIPLE takes three blocks at SI through the approximation, their
// chains interleaved (each is some sixty cycles deep): block i in
// Y(3i)-Y(3i+2) as x, z and the polynomial. It leaves the rounded values
// in Y0, Y3 and Y6 and the blocks' undecided lanes in DX, R10 and R13.
#define ATRIPLE \
	VMOVUPS     0(SI), Y0 \
	VMOVUPS     32(SI), Y3 \
	VMOVUPS     64(SI), Y6 \
	VMULPS      Y14, Y0, Y0 \
	VMULPS      Y14, Y3, Y3 \
	VMULPS      Y14, Y6, Y6 \
	VMINPS      Y0, Y13, Y0 \
	VMINPS      Y3, Y13, Y3 \
	VMINPS      Y6, Y13, Y6 \
	VMAXPS      Y0, Y12, Y0 \
	VMAXPS      Y3, Y12, Y3 \
	VMAXPS      Y6, Y12, Y6 \
	VMULPS      Y0, Y0, Y1 \
	VMULPS      Y3, Y3, Y4 \
	VMULPS      Y6, Y6, Y7 \
	VMOVUPS     40(BX), Y2 \
	VMOVUPS     40(BX), Y5 \
	VMOVUPS     40(BX), Y8 \
	VFMADD213PS 72(BX), Y1, Y2 \
	VFMADD213PS 72(BX), Y4, Y5 \
	VFMADD213PS 72(BX), Y7, Y8 \
	VFMADD213PS 104(BX), Y1, Y2 \
	VFMADD213PS 104(BX), Y4, Y5 \
	VFMADD213PS 104(BX), Y7, Y8 \
	VFMADD213PS 136(BX), Y1, Y2 \
	VFMADD213PS 136(BX), Y4, Y5 \
	VFMADD213PS 136(BX), Y7, Y8 \
	VFMADD213PS 168(BX), Y1, Y2 \
	VFMADD213PS 168(BX), Y4, Y5 \
	VFMADD213PS 168(BX), Y7, Y8 \
	VFMADD213PS 200(BX), Y1, Y2 \
	VFMADD213PS 200(BX), Y4, Y5 \
	VFMADD213PS 200(BX), Y7, Y8 \
	VFMADD213PS 232(BX), Y1, Y2 \
	VFMADD213PS 232(BX), Y4, Y5 \
	VFMADD213PS 232(BX), Y7, Y8 \
	VFMADD213PS 264(BX), Y1, Y2 \
	VFMADD213PS 264(BX), Y4, Y5 \
	VFMADD213PS 264(BX), Y7, Y8 \
	VMULPS      Y2, Y0, Y2 \
	VMULPS      Y5, Y3, Y5 \
	VMULPS      Y8, Y6, Y8 \
	VROUNDPS    $0, Y2, Y0 \
	VROUNDPS    $0, Y5, Y3 \
	VROUNDPS    $0, Y8, Y6 \
	VSUBPS      Y0, Y2, Y2 \
	VSUBPS      Y3, Y5, Y5 \
	VSUBPS      Y6, Y8, Y8 \
	VANDPS      Y15, Y2, Y2 \
	VANDPS      Y15, Y5, Y5 \
	VANDPS      Y15, Y8, Y8 \
	VCMPPS      $0x16, Y11, Y2, Y2 \
	VCMPPS      $0x16, Y11, Y5, Y5 \
	VCMPPS      $0x16, Y11, Y8, Y8 \
	VMOVMSKPS   Y2, DX \
	VMOVMSKPS   Y5, R10 \
	VMOVMSKPS   Y8, R13

// func stepApproxAVX2(dst *int8, src *float32, blocks int, t *StepTable)
//
// Blocks of eight values through t.Approx, three at a time (each block is
// a chain of some sixty cycles); three with a value the margin does not
// decide (or NaN) go again one block at a time, where such a block is
// looked up in the table, whose constants take the approximation's
// registers for that block.
TEXT ·stepApproxAVX2(SB), NOSPLIT, $0-32
	STEPARGS
	MOVQ  72(AX), BX
	APPROXCONST
	XORQ  R12, R12
	MOVQ  AX, R14
	MOVQ  CX, AX
	XORL  DX, DX
	MOVQ  $3, R11
	DIVQ  R11
	MOVQ  AX, R11 // triples
	MOVQ  DX, CX  // the blocks left after them
	MOVQ  R14, AX
	TESTQ R11, R11
	JZ    asingle

atriple:
	ATRIPLE
	ORL          R10, DX
	ORL          R13, DX
	JNE          atripleslow
	VCVTTPS2DQ   Y0, Y1
	VCVTTPS2DQ   Y3, Y4
	VCVTTPS2DQ   Y6, Y7
	VEXTRACTI128 $1, Y1, X0
	VPACKSSDW    X0, X1, X1
	VEXTRACTI128 $1, Y4, X3
	VPACKSSDW    X3, X4, X4
	VPACKSSWB    X4, X1, X1
	VEXTRACTI128 $1, Y7, X6
	VPACKSSDW    X6, X7, X7
	VPACKSSWB    X7, X7, X7
	VMOVDQU      X1, (DI)
	MOVQ         X7, 16(DI)
	ADDQ         $96, SI
	ADDQ         $24, DI

atriplenext:
	DECQ R11
	JNZ  atriple

asingle:
	TESTQ CX, CX
	JZ    adone

aloop:
	VMOVUPS     (SI), Y0
	VMULPS      Y14, Y0, Y1
	VMINPS      Y1, Y13, Y1        // NaN stays NaN
	VMAXPS      Y1, Y12, Y1        // x
	VMULPS      Y1, Y1, Y2         // z
	VMOVUPS     40(BX), Y3
	VFMADD213PS 72(BX), Y2, Y3
	VFMADD213PS 104(BX), Y2, Y3
	VFMADD213PS 136(BX), Y2, Y3
	VFMADD213PS 168(BX), Y2, Y3
	VFMADD213PS 200(BX), Y2, Y3
	VFMADD213PS 232(BX), Y2, Y3
	VFMADD213PS 264(BX), Y2, Y3
	VMULPS      Y3, Y1, Y4         // u(v)
	VROUNDPS    $0, Y4, Y2         // round half to even
	VSUBPS      Y2, Y4, Y4
	VANDPS      Y15, Y4, Y4
	VCMPPS      $0x16, Y11, Y4, Y4 // beyond the margin, or NaN
	VMOVMSKPS   Y4, DX
	TESTL       DX, DX
	JNE         alook
	VCVTTPS2DQ  Y2, Y3

astore:
	PACKSTORE
	DECQ  CX
	JNE   aloop
	TESTQ R12, R12
	JNE   atripleback

adone:
	VZEROUPPER
	RET

alook:
	TABLECONST
	TABLESTEP
	APPROXCONST
	JMP astore

	// Three blocks with an undecided one go one block at a time; R12
	// keeps the blocks due after the triples, and that there is a triple
	// to return to.
atripleslow:
	LEAQ 4(CX), R12
	MOVQ $3, CX
	JMP  aloop

atripleback:
	LEAQ -4(R12), CX
	XORQ R12, R12
	JMP  atriplenext
