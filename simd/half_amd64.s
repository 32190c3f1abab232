//go:build !noasm && !purego

#include "textflag.h"

// Each kernel converts n values, n a positive multiple of its block (16 for
// AVX2, 32 for AVX-512); the Go wrappers pass tails through a padded buffer.

// func f16ToF32AVX2Asm(dst *float32, src *uint16, n int)
TEXT ·f16ToF32AVX2Asm(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
loop:
	VCVTPH2PS (SI), Y0
	VCVTPH2PS 16(SI), Y1
	VMOVUPS   Y0, (DI)
	VMOVUPS   Y1, 32(DI)
	ADDQ      $32, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JNZ       loop
	VZEROUPPER
	RET

// func f32ToF16AVX2Asm(dst *uint16, src *float32, n int)
TEXT ·f32ToF16AVX2Asm(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
loop:
	VMOVUPS   (SI), Y0
	VMOVUPS   32(SI), Y1
	// Immediate 0: round to nearest even, ignoring MXCSR.
	VCVTPS2PH $0, Y0, (DI)
	VCVTPS2PH $0, Y1, 16(DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $16, CX
	JNZ       loop
	VZEROUPPER
	RET

// func bf16ToF32AVX2Asm(dst *float32, src *uint16, n int)
TEXT ·bf16ToF32AVX2Asm(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
loop:
	VPMOVZXWD (SI), Y0
	VPMOVZXWD 16(SI), Y1
	VPSLLD    $16, Y0, Y0
	VPSLLD    $16, Y1, Y1
	VMOVDQU   Y0, (DI)
	VMOVDQU   Y1, 32(DI)
	ADDQ      $32, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JNZ       loop
	VZEROUPPER
	RET

DATA bf16c<>+0(SB)/4, $0x00007fff // rounding bias
DATA bf16c<>+4(SB)/4, $0x00000001 // lowest kept bit
DATA bf16c<>+8(SB)/4, $0x00400000 // f32 quiet-NaN bit
GLOBL bf16c<>(SB), RODATA|NOPTR, $12

// func f32ToBF16AVX2Asm(dst *uint16, src *float32, n int)
TEXT ·f32ToBF16AVX2Asm(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VPBROADCASTD bf16c<>+0(SB), Y15
	VPBROADCASTD bf16c<>+4(SB), Y14
	VPBROADCASTD bf16c<>+8(SB), Y13
loop:
	VMOVDQU   (SI), Y0
	VMOVDQU   32(SI), Y1
	// Round to nearest even: u + 0x7fff + ((u >> 16) & 1).
	VPSRLD    $16, Y0, Y2
	VPSRLD    $16, Y1, Y3
	VPAND     Y14, Y2, Y2
	VPAND     Y14, Y3, Y3
	VPADDD    Y15, Y2, Y2
	VPADDD    Y15, Y3, Y3
	VPADDD    Y0, Y2, Y2
	VPADDD    Y1, Y3, Y3
	// NaN lanes (unordered with themselves) keep their bits, made quiet.
	VCMPPS    $3, Y0, Y0, Y4
	VCMPPS    $3, Y1, Y1, Y5
	VPOR      Y13, Y0, Y0
	VPOR      Y13, Y1, Y1
	VBLENDVPS Y4, Y0, Y2, Y2
	VBLENDVPS Y5, Y1, Y3, Y3
	VPSRLD    $16, Y2, Y2
	VPSRLD    $16, Y3, Y3
	// Pack within 128-bit lanes, then put the quadwords back in order.
	VPACKUSDW Y3, Y2, Y2
	VPERMQ    $0xd8, Y2, Y2
	VMOVDQU   Y2, (DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $16, CX
	JNZ       loop
	VZEROUPPER
	RET

// func f16ToF32AVX512Asm(dst *float32, src *uint16, n int)
TEXT ·f16ToF32AVX512Asm(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
loop:
	VCVTPH2PS (SI), Z0
	VCVTPH2PS 32(SI), Z1
	VMOVUPS   Z0, (DI)
	VMOVUPS   Z1, 64(DI)
	ADDQ      $64, SI
	ADDQ      $128, DI
	SUBQ      $32, CX
	JNZ       loop
	VZEROUPPER
	RET

// func f32ToF16AVX512Asm(dst *uint16, src *float32, n int)
TEXT ·f32ToF16AVX512Asm(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
loop:
	VMOVUPS   (SI), Z0
	VMOVUPS   64(SI), Z1
	VCVTPS2PH $0, Z0, (DI)
	VCVTPS2PH $0, Z1, 32(DI)
	ADDQ      $128, SI
	ADDQ      $64, DI
	SUBQ      $32, CX
	JNZ       loop
	VZEROUPPER
	RET

// func bf16ToF32AVX512Asm(dst *float32, src *uint16, n int)
TEXT ·bf16ToF32AVX512Asm(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
loop:
	VPMOVZXWD (SI), Z0
	VPMOVZXWD 32(SI), Z1
	VPSLLD    $16, Z0, Z0
	VPSLLD    $16, Z1, Z1
	VMOVDQU32 Z0, (DI)
	VMOVDQU32 Z1, 64(DI)
	ADDQ      $64, SI
	ADDQ      $128, DI
	SUBQ      $32, CX
	JNZ       loop
	VZEROUPPER
	RET

// func f32ToBF16AVX512Asm(dst *uint16, src *float32, n int)
TEXT ·f32ToBF16AVX512Asm(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VPBROADCASTD bf16c<>+0(SB), Z15
	VPBROADCASTD bf16c<>+4(SB), Z14
	VPBROADCASTD bf16c<>+8(SB), Z13
loop:
	VMOVDQU32 (SI), Z0
	VMOVDQU32 64(SI), Z1
	VPSRLD    $16, Z0, Z2
	VPSRLD    $16, Z1, Z3
	VPANDD    Z14, Z2, Z2
	VPANDD    Z14, Z3, Z3
	VPADDD    Z15, Z2, Z2
	VPADDD    Z15, Z3, Z3
	VPADDD    Z0, Z2, Z2
	VPADDD    Z1, Z3, Z3
	VCMPPS    $3, Z0, Z0, K1
	VCMPPS    $3, Z1, Z1, K2
	VPORD     Z13, Z0, K1, Z2
	VPORD     Z13, Z1, K2, Z3
	VPSRLD    $16, Z2, Z2
	VPSRLD    $16, Z3, Z3
	VPMOVDW   Z2, (DI)
	VPMOVDW   Z3, 32(DI)
	ADDQ      $128, SI
	ADDQ      $64, DI
	SUBQ      $32, CX
	JNZ       loop
	VZEROUPPER
	RET
