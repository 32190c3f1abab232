//go:build !noasm && !purego

#include "textflag.h"

// func pointwiseNEON(y *float32, ldy int, a *float32, k int, bias *float32, x *float32, ldx, strips, groups, lastRows int, add bool)
// ldy and ldx are in bytes. Strips of eight columns; for each, every group
// of four channels in turn (eight accumulators, V0..V7, two per channel),
// the weights of the four channels by element from V20.
TEXT ·pointwiseNEON(SB), NOSPLIT, $0-81
	MOVD    y+0(FP), R0
	MOVD    ldy+8(FP), R1
	MOVD    x+40(FP), R5
	MOVD    ldx+48(FP), R6
	MOVD    strips+56(FP), R7
	MOVBU   add+80(FP), R10

pwstrip:
	MOVD a+16(FP), R11
	MOVD bias+32(FP), R12
	MOVD R0, R13
	MOVD groups+64(FP), R14

pwgroup:
	MOVD $4, R17
	CMP  $1, R14
	BNE  pwrows
	MOVD lastRows+72(FP), R17

pwrows:
	CBZ  R10, pwbias
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VLD1 (R13), [V0.S4, V1.S4]
	CMP  $2, R17
	BLT  pwacc
	ADD  R1, R13, R19
	VLD1 (R19), [V2.S4, V3.S4]
	CMP  $3, R17
	BLT  pwacc
	ADD  R1, R19, R19
	VLD1 (R19), [V4.S4, V5.S4]
	CMP  $4, R17
	BLT  pwacc
	ADD  R1, R19, R19
	VLD1 (R19), [V6.S4, V7.S4]
	B    pwacc

pwbias:
	MOVD    R12, R19
	VLD1R.P 4(R19), [V0.S4]
	VLD1R.P 4(R19), [V2.S4]
	VLD1R.P 4(R19), [V4.S4]
	VLD1R   (R19), [V6.S4]
	VORR    V0.B16, V0.B16, V1.B16
	VORR    V2.B16, V2.B16, V3.B16
	VORR    V4.B16, V4.B16, V5.B16
	VORR    V6.B16, V6.B16, V7.B16

pwacc:
	MOVD R5, R15
	MOVD k+24(FP), R16

pwk:
	VLD1   (R15), [V16.S4, V17.S4]
	ADD    R6, R15, R15
	VLD1.P 16(R11), [V20.S4]
	WORD $0x4f941200 // fmla v0.4s, v16.4s, v20.s[0]
	WORD $0x4f941221 // fmla v1.4s, v17.4s, v20.s[0]
	WORD $0x4fb41202 // fmla v2.4s, v16.4s, v20.s[1]
	WORD $0x4fb41223 // fmla v3.4s, v17.4s, v20.s[1]
	WORD $0x4f941a04 // fmla v4.4s, v16.4s, v20.s[2]
	WORD $0x4f941a25 // fmla v5.4s, v17.4s, v20.s[2]
	WORD $0x4fb41a06 // fmla v6.4s, v16.4s, v20.s[3]
	WORD $0x4fb41a27 // fmla v7.4s, v17.4s, v20.s[3]
	SUBS   $1, R16, R16
	BNE    pwk

	VST1 [V0.S4, V1.S4], (R13)
	CMP  $2, R17
	BLT  pwnext
	ADD  R1, R13, R19
	VST1 [V2.S4, V3.S4], (R19)
	CMP  $3, R17
	BLT  pwnext
	ADD  R1, R19, R19
	VST1 [V4.S4, V5.S4], (R19)
	CMP  $4, R17
	BLT  pwnext
	ADD  R1, R19, R19
	VST1 [V6.S4, V7.S4], (R19)

pwnext:
	ADD  $16, R12, R12
	ADD  R1<<2, R13, R13
	SUBS $1, R14, R14
	BNE  pwgroup
	ADD  $32, R0, R0
	ADD  $32, R5, R5
	SUBS $1, R7, R7
	BNE  pwstrip
	RET
