//go:build !noasm && !purego

#include "textflag.h"

// StepTable's layout: Org, Inv, Last at 0, 4, 8; Base's data pointer at
// 16; Thr's at 40; Bias at 64.

// func stepLookupAVX2(dst *int8, src *float32, blocks int, t *StepTable)
TEXT ·stepLookupAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         blocks+16(FP), CX
	MOVQ         t+24(FP), AX
	VBROADCASTSS 0(AX), Y12        // Org
	VBROADCASTSS 4(AX), Y13        // Inv
	VBROADCASTSS 8(AX), Y14        // Last
	MOVQ         16(AX), R8        // Base
	MOVQ         40(AX), R9        // Thr
	VPBROADCASTD 64(AX), Y11       // Bias
	VPXOR        Y15, Y15, Y15
	VPCMPEQD     Y10, Y10, Y10     // all ones: the gathers' mask

sloop:
	VMOVUPS    (SI), Y0
	VSUBPS     Y12, Y0, Y1
	VMULPS     Y13, Y1, Y1
	VMAXPS     Y15, Y1, Y1         // NaN becomes 0
	VMINPS     Y14, Y1, Y1
	VCVTTPS2DQ Y1, Y1
	VMOVDQA    Y10, Y2
	VPGATHERDD Y2, (R8)(Y1*4), Y3  // Base[b]
	VMOVDQA    Y10, Y5
	VGATHERDPS Y5, (R9)(Y1*4), Y4  // Thr[b]
	VCMPPS     $0x1D, Y4, Y0, Y4   // v ≥ Thr[b] (ordered, quiet)
	VPSUBD     Y4, Y3, Y3          // a true comparison is -1
	VPSUBD     Y11, Y3, Y3
	VCMPPS     $3, Y0, Y0, Y6      // NaN lanes
	VPANDN     Y3, Y6, Y3
	VEXTRACTI128 $1, Y3, X4
	VPACKSSDW  X4, X3, X3
	VPACKSSWB  X3, X3, X3
	MOVQ       X3, (DI)
	ADDQ       $32, SI
	ADDQ       $8, DI
	DECQ       CX
	JNE        sloop
	VZEROUPPER
	RET

// StepApprox's layout: Inv, Margin at 0, 4; Coef[k] at 8+32k. StepTable's
// Approx pointer is at 72.

// func stepApproxAVX2(dst *int8, src *float32, blocks int, t *StepTable)
//
// Blocks of eight values through t.Approx; a block with a value the margin
// does not decide (or NaN) is looked up as stepLookupAVX2 does.
TEXT ·stepApproxAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         blocks+16(FP), CX
	MOVQ         t+24(FP), AX
	MOVQ         16(AX), R8        // Base
	MOVQ         40(AX), R9        // Thr
	MOVQ         72(AX), BX        // Approx
	VMOVUPS      8(BX), Y5         // the coefficients, t⁵ first
	VMOVUPS      40(BX), Y6
	VMOVUPS      72(BX), Y7
	VMOVUPS      104(BX), Y8
	VMOVUPS      136(BX), Y9
	VMOVUPS      168(BX), Y10
	VBROADCASTSS 4(BX), Y11        // Margin
	MOVL         $0x3f000000, DX   // ½
	VMOVD        DX, X12
	VBROADCASTSS X12, Y12
	MOVL         $0x40ffffff, DX   // the largest float32 below 8
	VMOVD        DX, X13
	VBROADCASTSS X13, Y13
	VBROADCASTSS 0(BX), Y14        // Inv
	VPCMPEQD     Y15, Y15, Y15
	VPSRLD       $1, Y15, Y15      // |·|

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
	VEXTRACTI128 $1, Y3, X4
	VPACKSSDW  X4, X3, X3
	VPACKSSWB  X3, X3, X3
	MOVQ       X3, (DI)
	ADDQ       $32, SI
	ADDQ       $8, DI
	DECQ       CX
	JNE        aloop
	VZEROUPPER
	RET

alook:
	// The table, as stepLookupAVX2, with Y1-Y4 only: Y5-Y15 hold the
	// approximation's constants.
	VBROADCASTSS 0(AX), Y1
	VSUBPS       Y1, Y0, Y1
	VBROADCASTSS 4(AX), Y2
	VMULPS       Y2, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VMAXPS       Y2, Y1, Y1        // NaN becomes 0
	VBROADCASTSS 8(AX), Y2
	VMINPS       Y2, Y1, Y1
	VCVTTPS2DQ   Y1, Y1
	VPCMPEQD     Y2, Y2, Y2
	VPGATHERDD   Y2, (R8)(Y1*4), Y3  // Base[b]
	VPCMPEQD     Y2, Y2, Y2
	VGATHERDPS   Y2, (R9)(Y1*4), Y4  // Thr[b]
	VCMPPS       $0x1D, Y4, Y0, Y4   // v ≥ Thr[b] (ordered, quiet)
	VPSUBD       Y4, Y3, Y3          // a true comparison is -1
	VPBROADCASTD 64(AX), Y4
	VPSUBD       Y4, Y3, Y3
	VCMPPS       $3, Y0, Y0, Y4      // NaN lanes
	VPANDN       Y3, Y4, Y3
	JMP          astore
