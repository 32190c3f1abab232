//go:build !noasm && !purego

#include "textflag.h"

// func vaddAVX2(dst, a, b *float32, blocks int, relu bool)
TEXT ·vaddAVX2(SB), NOSPLIT, $0-33
	MOVQ    dst+0(FP), DI
	MOVQ    a+8(FP), SI
	MOVQ    b+16(FP), DX
	MOVQ    blocks+24(FP), CX
	MOVBQZX relu+32(FP), R8
	VXORPS  Y15, Y15, Y15
	TESTQ   R8, R8
	JNE     vrelu

vplain:
	VMOVUPS (SI), Y0
	VADDPS  (DX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    CX
	JNE     vplain
	VZEROUPPER
	RET

vrelu:
	VMOVUPS (SI), Y0
	VADDPS  (DX), Y0, Y0
	VCMPPS  $1, Y15, Y0, Y1
	VANDNPS Y0, Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    CX
	JNE     vrelu
	VZEROUPPER
	RET
