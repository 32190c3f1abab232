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

// APPROXCONST loads the approximation's constants from BX: the
// coefficients (t⁵ first) in Y5-Y10, Y11 = Margin, Y12 = ½, Y13 = the
// largest float32 below 8, Y14 = Inv, Y15 = |·|'s mask.
#define APPROXCONST \
	VMOVUPS      8(BX), Y5        \
	VMOVUPS      40(BX), Y6       \
	VMOVUPS      72(BX), Y7       \
	VMOVUPS      104(BX), Y8      \
	VMOVUPS      136(BX), Y9      \
	VMOVUPS      168(BX), Y10     \
	VBROADCASTSS 4(BX), Y11       \
	MOVL         $0x3f000000, DX  \
	VMOVD        DX, X12          \
	VBROADCASTSS X12, Y12         \
	MOVL         $0x40ffffff, DX  \
	VMOVD        DX, X13          \
	VBROADCASTSS X13, Y13         \
	VBROADCASTSS 0(BX), Y14       \
	VPCMPEQD     Y15, Y15, Y15    \
	VPSRLD       $1, Y15, Y15

// func stepApproxAVX2(dst *int8, src *float32, blocks int, t *StepTable)
//
// Blocks of eight values through t.Approx; a block with a value the margin
// does not decide (or NaN) is looked up in the table, whose constants take
// the approximation's registers for that block.
TEXT ·stepApproxAVX2(SB), NOSPLIT, $0-32
	STEPARGS
	MOVQ 72(AX), BX
	APPROXCONST

aloop:
	VMOVUPS    (SI), Y0
	VANDPS     Y15, Y0, Y1
	VMULPS     Y14, Y1, Y1
	VMINPS     Y1, Y13, Y1         // f; NaN stays NaN
	VROUNDPS   $1, Y1, Y2          // ⌊f⌋
	VCVTTPS2DQ Y2, Y3              // the piece
	VSUBPS     Y2, Y1, Y1
	VSUBPS     Y12, Y1, Y1         // t
	VPERMPS    Y5, Y3, Y4
	VPERMPS    Y6, Y3, Y2
	VFMADD213PS Y2, Y1, Y4
	VPERMPS    Y7, Y3, Y2
	VFMADD213PS Y2, Y1, Y4
	VPERMPS    Y8, Y3, Y2
	VFMADD213PS Y2, Y1, Y4
	VPERMPS    Y9, Y3, Y2
	VFMADD213PS Y2, Y1, Y4
	VPERMPS    Y10, Y3, Y2
	VFMADD213PS Y2, Y1, Y4         // u(|v|)
	VANDNPS    Y0, Y15, Y1         // v's sign
	VXORPS     Y1, Y4, Y4          // u(v)
	VROUNDPS   $0, Y4, Y2          // round half to even
	VSUBPS     Y2, Y4, Y4
	VANDPS     Y15, Y4, Y4
	VCMPPS     $0x16, Y11, Y4, Y4  // beyond the margin, or NaN
	VMOVMSKPS  Y4, DX
	TESTL      DX, DX
	JNE        alook
	VCVTTPS2DQ Y2, Y3

astore:
	PACKSTORE
	DECQ CX
	JNE  aloop
	VZEROUPPER
	RET

alook:
	TABLECONST
	TABLESTEP
	APPROXCONST
	JMP astore
