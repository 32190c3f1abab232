//go:build !noasm && !purego

#include "textflag.h"

// func sdotNEON(x, y []float32) float32
TEXT ·sdotNEON(SB), NOSPLIT, $0-52
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R2
	MOVD y_base+24(FP), R1
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	CMP  $16, R2
	BLT  dot4

dot16:
	VLD1.P 64(R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 64(R1), [V16.S4, V17.S4, V18.S4, V19.S4]
	VFMLA  V4.S4, V16.S4, V0.S4
	VFMLA  V5.S4, V17.S4, V1.S4
	VFMLA  V6.S4, V18.S4, V2.S4
	VFMLA  V7.S4, V19.S4, V3.S4
	SUB    $16, R2, R2
	CMP    $16, R2
	BGE    dot16

dot4:
	CMP    $4, R2
	BLT    reduce
	VLD1.P 16(R0), [V4.S4]
	VLD1.P 16(R1), [V16.S4]
	VFMLA  V4.S4, V16.S4, V0.S4
	SUB    $4, R2, R2
	B      dot4

reduce:
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x4e23d442 // fadd v2.4s, v2.4s, v3.4s
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x6e20d400 // faddp v0.4s, v0.4s, v0.4s
	WORD $0x7e30d800 // faddp s0, v0.2s

dot1:
	CBZ     R2, done
	FMOVS.P 4(R0), F4
	FMOVS.P 4(R1), F5
	FMADDS  F4, F0, F5, F0
	SUB     $1, R2, R2
	B       dot1

done:
	FMOVS F0, ret+48(FP)
	RET

// func saxpyNEON(alpha float32, x, y []float32)
TEXT ·saxpyNEON(SB), NOSPLIT, $0-56
	FMOVS alpha+0(FP), F31
	MOVD  x_base+8(FP), R0
	MOVD  x_len+16(FP), R2
	MOVD  y_base+32(FP), R1
	CMP   $16, R2
	BLT   axpy4

axpy16:
	VLD1.P 64(R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1   (R1), [V16.S4, V17.S4, V18.S4, V19.S4]
	WORD   $0x4f9f1090                               // fmla v16.4s, v4.4s, v31.s[0]
	WORD   $0x4f9f10b1                               // fmla v17.4s, v5.4s, v31.s[0]
	WORD   $0x4f9f10d2                               // fmla v18.4s, v6.4s, v31.s[0]
	WORD   $0x4f9f10f3                               // fmla v19.4s, v7.4s, v31.s[0]
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R1)
	SUB    $16, R2, R2
	CMP    $16, R2
	BGE    axpy16

axpy4:
	CMP    $4, R2
	BLT    axpy1
	VLD1.P 16(R0), [V4.S4]
	VLD1   (R1), [V16.S4]
	WORD   $0x4f9f1090        // fmla v16.4s, v4.4s, v31.s[0]
	VST1.P [V16.S4], 16(R1)
	SUB    $4, R2, R2
	B      axpy4

axpy1:
	CBZ     R2, axpydone
	FMOVS.P 4(R0), F4
	FMOVS   (R1), F5
	FMADDS  F4, F5, F31, F5
	FMOVS.P F5, 4(R1)
	SUB     $1, R2, R2
	B       axpy1

axpydone:
	RET
