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
