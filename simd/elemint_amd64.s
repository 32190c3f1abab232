//go:build !noasm && !purego

#include "textflag.h"

// Relu and RoundS8 work on float32 directly: both are exact.

// func reluAVX2Asm(dst, src *float32, n int)
TEXT ·reluAVX2Asm(SB), NOSPLIT, $0-24
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  n+16(FP), CX
	VXORPS Y15, Y15, Y15
loop:
	// max(0, x) returns x when 0 > x is false: -0 and NaN pass through.
	VMAXPS  (SI), Y15, Y0
	VMAXPS  32(SI), Y15, Y1
	VMAXPS  64(SI), Y15, Y2
	VMAXPS  96(SI), Y15, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $32, CX
	JNZ     loop
	VZEROUPPER
	RET

// func reluAVX512Asm(dst, src *float32, n int)
TEXT ·reluAVX512Asm(SB), NOSPLIT, $0-24
	MOVQ   dst+0(FP), DI
	MOVQ   src+8(FP), SI
	MOVQ   n+16(FP), CX
	VXORPS Z15, Z15, Z15
loop:
	VMAXPS  (SI), Z15, Z0
	VMAXPS  64(SI), Z15, Z1
	VMAXPS  128(SI), Z15, Z2
	VMAXPS  192(SI), Z15, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, SI
	ADDQ    $256, DI
	SUBQ    $64, CX
	JNZ     loop
	VZEROUPPER
	RET

DATA rs8c<>+0(SB)/4, $127.0
DATA rs8c<>+4(SB)/4, $-128.0
DATA rs8c<>+8(SB)/4, $0
DATA rs8c<>+12(SB)/4, $4
DATA rs8c<>+16(SB)/4, $1
DATA rs8c<>+20(SB)/4, $5
DATA rs8c<>+24(SB)/4, $2
DATA rs8c<>+28(SB)/4, $6
DATA rs8c<>+32(SB)/4, $3
DATA rs8c<>+36(SB)/4, $7
GLOBL rs8c<>(SB), RODATA|NOPTR, $40

// NaN lanes are zeroed (ordered-compare mask), the rest clamped to
// [-128, 127] and converted with MXCSR's round-to-nearest-even.
#define RS8(OFF, R) \
	VMOVUPS   OFF(SI), R     \
	VCMPPS    $7, R, R, Y8   \
	VANDPS    Y8, R, R       \
	VMINPS    Y13, R, R      \
	VMAXPS    Y12, R, R      \
	VCVTPS2DQ R, R

// func roundS8AVX2Asm(dst *int8, src *float32, n int)
TEXT ·roundS8AVX2Asm(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS rs8c<>+0(SB), Y13
	VBROADCASTSS rs8c<>+4(SB), Y12
	VMOVDQU      rs8c<>+8(SB), Y11
loop:
	RS8(0, Y0)
	RS8(32, Y1)
	RS8(64, Y2)
	RS8(96, Y3)
	// Packing works within 128-bit lanes; VPERMD puts the four-byte
	// groups back in order.
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VPACKSSWB Y2, Y0, Y0
	VPERMD    Y0, Y11, Y0
	VMOVDQU   Y0, (DI)
	ADDQ      $128, SI
	ADDQ      $32, DI
	SUBQ      $32, CX
	JNZ       loop
	VZEROUPPER
	RET

#define RS8Z(OFF, R) \
	VMOVUPS   OFF(SI), R     \
	VCMPPS    $7, R, R, K1   \
	VMOVAPS.Z R, K1, R       \
	VMINPS    Z13, R, R      \
	VMAXPS    Z12, R, R      \
	VCVTPS2DQ R, R

// func roundS8AVX512Asm(dst *int8, src *float32, n int)
TEXT ·roundS8AVX512Asm(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS rs8c<>+0(SB), Z13
	VBROADCASTSS rs8c<>+4(SB), Z12
loop:
	RS8Z(0, Z0)
	RS8Z(64, Z1)
	RS8Z(128, Z2)
	RS8Z(192, Z3)
	VPMOVSDB Z0, (DI)
	VPMOVSDB Z1, 16(DI)
	VPMOVSDB Z2, 32(DI)
	VPMOVSDB Z3, 48(DI)
	ADDQ     $256, SI
	ADDQ     $64, DI
	SUBQ     $64, CX
	JNZ      loop
	VZEROUPPER
	RET

// ScaleAdd multiplies and adds in separate instructions (no FMA): the same
// two roundings as the generic twin.

// func scaleAddAVX2Asm(dst, src *float32, n int, a, b float32)
TEXT ·scaleAddAVX2Asm(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Y14
	VBROADCASTSS b+28(FP), Y15
loop:
	VMULPS  (SI), Y14, Y0
	VMULPS  32(SI), Y14, Y1
	VMULPS  64(SI), Y14, Y2
	VMULPS  96(SI), Y14, Y3
	VADDPS  Y15, Y0, Y0
	VADDPS  Y15, Y1, Y1
	VADDPS  Y15, Y2, Y2
	VADDPS  Y15, Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $32, CX
	JNZ     loop
	VZEROUPPER
	RET

// func scaleAddAVX512Asm(dst, src *float32, n int, a, b float32)
TEXT ·scaleAddAVX512Asm(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Z14
	VBROADCASTSS b+28(FP), Z15
loop:
	VMULPS  (SI), Z14, Z0
	VMULPS  64(SI), Z14, Z1
	VMULPS  128(SI), Z14, Z2
	VMULPS  192(SI), Z14, Z3
	VADDPS  Z15, Z0, Z0
	VADDPS  Z15, Z1, Z1
	VADDPS  Z15, Z2, Z2
	VADDPS  Z15, Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, SI
	ADDQ    $256, DI
	SUBQ    $64, CX
	JNZ     loop
	VZEROUPPER
	RET
