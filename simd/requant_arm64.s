//go:build !noasm && !purego

#include "textflag.h"

// func requantNEONAsm(n int, c, bias *int32, scale *float32, k *rqConst, dst *byte)
TEXT ·requantNEONAsm(SB), NOSPLIT, $0-48
	MOVD n+0(FP), R0
	MOVD c+8(FP), R1
	MOVD bias+16(FP), R2
	MOVD scale+24(FP), R3
	MOVD k+32(FP), R4
	MOVD dst+40(FP), R5
	VLD1R (R4), [V28.S4] // lo
	ADD $4, R4, R6
	VLD1R (R6), [V29.S4] // hi
	ADD $8, R4, R6
	VLD1R (R6), [V30.S4] // zero
	LSR $3, R0

loop:
	VLD1.P 32(R1), [V0.S4, V1.S4]
	VLD1.P 32(R2), [V2.S4, V3.S4]
	VLD1.P 32(R3), [V4.S4, V5.S4]
	VADD V2.S4, V0.S4, V0.S4
	VADD V3.S4, V1.S4, V1.S4
	WORD $0x4e21d800 // scvtf v0.4s, v0.4s
	WORD $0x4e21d821 // scvtf v1.4s, v1.4s
	WORD $0x6e24dc00 // fmul v0.4s, v0.4s, v4.4s
	WORD $0x6e25dc21 // fmul v1.4s, v1.4s, v5.4s
	WORD $0x4e3cc400 // fmaxnm v0.4s, v0.4s, v28.4s
	WORD $0x4e3cc421 // fmaxnm v1.4s, v1.4s, v28.4s
	WORD $0x4ebdc400 // fminnm v0.4s, v0.4s, v29.4s
	WORD $0x4ebdc421 // fminnm v1.4s, v1.4s, v29.4s
	WORD $0x4e21a800 // fcvtns v0.4s, v0.4s
	WORD $0x4e21a821 // fcvtns v1.4s, v1.4s
	VADD V30.S4, V0.S4, V0.S4
	VADD V30.S4, V1.S4, V1.S4
	WORD $0x0e612800 // xtn v0.4h, v0.4s
	WORD $0x4e612820 // xtn2 v0.8h, v1.4s
	WORD $0x0e212800 // xtn v0.8b, v0.8h
	FMOVD F0, (R5)
	ADD $8, R5
	SUBS $1, R0
	BNE loop
	RET
