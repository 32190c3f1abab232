//go:build !noasm && !purego

#include "textflag.h"

// func lift97ColNEON(lo, hi, x2, x3, x4, d1, s1, d2p *float32, blocks int, c *[6]float32)
// Blocks of four columns; V10..V15 hold α, β, γ, δ, sl, sh.
TEXT ·lift97ColNEON(SB), NOSPLIT, $0-80
	MOVD lo+0(FP), R0
	MOVD hi+8(FP), R1
	MOVD x2+16(FP), R2
	MOVD x3+24(FP), R3
	MOVD x4+32(FP), R4
	MOVD d1+40(FP), R5
	MOVD s1+48(FP), R6
	MOVD d2p+56(FP), R7
	MOVD blocks+64(FP), R8
	MOVD c+72(FP), R9
	VLD1R.P 4(R9), [V10.S4]
	VLD1R.P 4(R9), [V11.S4]
	VLD1R.P 4(R9), [V12.S4]
	VLD1R.P 4(R9), [V13.S4]
	VLD1R.P 4(R9), [V14.S4]
	VLD1R (R9), [V15.S4]

ncol:
	VLD1.P 16(R2), [V0.S4]
	VLD1.P 16(R4), [V4.S4]
	WORD $0x4e24d405 // fadd v5.4s, v0.4s, v4.4s
	VLD1.P 16(R3), [V1.S4]
	VFMLA V10.S4, V5.S4, V1.S4      // d1n
	VLD1   (R5), [V2.S4]
	WORD $0x4e21d445 // fadd v5.4s, v2.4s, v1.4s
	VFMLA V11.S4, V5.S4, V0.S4      // s1n
	VLD1   (R6), [V3.S4]
	WORD $0x4e20d465 // fadd v5.4s, v3.4s, v0.4s
	VFMLA V12.S4, V5.S4, V2.S4      // d2
	VLD1   (R7), [V4.S4]
	WORD $0x4e22d485 // fadd v5.4s, v4.4s, v2.4s
	VFMLA V13.S4, V5.S4, V3.S4      // s2
	WORD $0x6e2edc63 // fmul v3.4s, v3.4s, v14.4s
	WORD $0x6e2fdc44 // fmul v4.4s, v2.4s, v15.4s
	VST1.P [V3.S4], 16(R0)
	VST1.P [V4.S4], 16(R1)
	VST1.P [V1.S4], 16(R5)
	VST1.P [V0.S4], 16(R6)
	VST1.P [V2.S4], 16(R7)
	SUBS   $1, R8, R8
	BNE    ncol
	RET

// func lift97SplitNEON(x, e, o *float32, n int)
// n >= 4. De-interleaving loads, four pairs a block (the last block
// overlapping its predecessor), then the halos.
TEXT ·lift97SplitNEON(SB), NOSPLIT, $0-32
	MOVD x+0(FP), R10
	MOVD e+8(FP), R11
	MOVD o+16(FP), R12
	MOVD n+24(FP), R13
	ADD  $8, R11, R14
	ADD  $8, R12, R15
	LSR  $2, R13, R16

nunz:
	VLD2.P 32(R10), [V0.S4, V1.S4]
	VST1.P [V0.S4], 16(R14)
	VST1.P [V1.S4], 16(R15)
	SUBS   $1, R16, R16
	BNE    nunz
	ANDS   $3, R13, R16
	BEQ    nhalo
	// the last four pairs again, ending at n
	SUB    $4, R13, R16
	MOVD   x+0(FP), R10
	ADD    R16<<3, R10, R10
	ADD    R16<<2, R11, R14
	ADD    $8, R14, R14
	ADD    R16<<2, R12, R15
	ADD    $8, R15, R15
	VLD2   (R10), [V0.S4, V1.S4]
	VST1   [V0.S4], (R14)
	VST1   [V1.S4], (R15)

nhalo:
	// p[0:2] = p[n:n+2]; p[n+2:n+4] = p[2:4]
	ADD  R13<<2, R11, R14
	MOVD (R14), R16
	MOVD R16, (R11)
	MOVD 8(R11), R16
	MOVD R16, 8(R14)
	ADD  R13<<2, R12, R15
	MOVD (R15), R16
	MOVD R16, (R12)
	MOVD 8(R12), R16
	MOVD R16, 8(R15)
	RET

// func lift97StepsNEON(lo, hi, e, o *float32, n int, c *[4]float32)
// n >= 4. Blocks of four outputs, each from five loads of e and four of o,
// as lift97StepsAVX2 does with eight; the last block overlaps its
// predecessor.
TEXT ·lift97StepsNEON(SB), NOSPLIT, $0-48
	MOVD lo+0(FP), R0
	MOVD hi+8(FP), R1
	MOVD e+16(FP), R11
	MOVD o+24(FP), R12
	MOVD n+32(FP), R13
	MOVD c+40(FP), R9
	VLD1R.P 4(R9), [V12.S4]
	VLD1R.P 4(R9), [V13.S4]
	VLD1R.P 4(R9), [V14.S4]
	VLD1R (R9), [V15.S4]
	SUB  $4, R13, R17 // the last block's start
	MOVD $0, R16

nstep:
	ADD    R16<<2, R11, R19
	ADD    R16<<2, R12, R20
	ADD    $4, R19, R21
	VLD1   (R21), [V0.S4]
	VLD1   (R19), [V6.S4]
	WORD $0x4e20d4c5 // fadd v5.4s, v6.4s, v0.4s
	VLD1   (R20), [V1.S4]
	VFMLA V12.S4, V5.S4, V1.S4      // d1(-2)
	ADD    $8, R19, R21
	VLD1   (R21), [V2.S4]
	WORD $0x4e22d405 // fadd v5.4s, v0.4s, v2.4s
	ADD    $4, R20, R22
	VLD1   (R22), [V3.S4]
	VFMLA V12.S4, V5.S4, V3.S4      // d1(-1)
	WORD $0x4e23d425 // fadd v5.4s, v1.4s, v3.4s
	VFMLA V13.S4, V5.S4, V0.S4      // s1(-1)
	ADD    $12, R19, R21
	VLD1   (R21), [V4.S4]
	WORD $0x4e24d445 // fadd v5.4s, v2.4s, v4.4s
	ADD    $8, R20, R22
	VLD1   (R22), [V1.S4]
	VFMLA V12.S4, V5.S4, V1.S4      // d1(0)
	WORD $0x4e21d465 // fadd v5.4s, v3.4s, v1.4s
	VFMLA V13.S4, V5.S4, V2.S4      // s1(0)
	WORD $0x4e22d405 // fadd v5.4s, v0.4s, v2.4s
	VFMLA V14.S4, V5.S4, V3.S4      // d2(-1)
	ADD    $16, R19, R21
	VLD1   (R21), [V6.S4]
	WORD $0x4e26d485 // fadd v5.4s, v4.4s, v6.4s
	ADD    $12, R20, R22
	VLD1   (R22), [V0.S4]
	VFMLA V12.S4, V5.S4, V0.S4      // d1(1)
	WORD $0x4e20d425 // fadd v5.4s, v1.4s, v0.4s
	VFMLA V13.S4, V5.S4, V4.S4      // s1(1)
	WORD $0x4e24d445 // fadd v5.4s, v2.4s, v4.4s
	VFMLA V14.S4, V5.S4, V1.S4      // d2(0), the high band
	WORD $0x4e21d465 // fadd v5.4s, v3.4s, v1.4s
	VFMLA V15.S4, V5.S4, V2.S4      // s2(0), the low band
	ADD    R16<<2, R0, R21
	VST1   [V2.S4], (R21)
	ADD    R16<<2, R1, R21
	VST1   [V1.S4], (R21)
	ADD    $4, R16, R16
	CMP    R17, R16
	BLE    nstep
	CMP    R13, R16
	BGE    ndone
	MOVD   R17, R16
	B      nstep

ndone:
	RET
