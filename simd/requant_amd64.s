//go:build !noasm && !purego

#include "textflag.h"

// Byte 0 of each dword, per 128-bit lane, into the lane's low 4 bytes.
DATA requantShuf<>+0(SB)/8, $0x0c080400_0c080400
DATA requantShuf<>+8(SB)/8, $0x0c080400_0c080400
DATA requantShuf<>+16(SB)/8, $0x0c080400_0c080400
DATA requantShuf<>+24(SB)/8, $0x0c080400_0c080400
GLOBL requantShuf<>(SB), RODATA|NOPTR, $32

// Dwords 0 and 4: the low 4 bytes of both lanes.
DATA requantPerm<>+0(SB)/4, $0
DATA requantPerm<>+4(SB)/4, $4
DATA requantPerm<>+8(SB)/4, $0
DATA requantPerm<>+12(SB)/4, $0
DATA requantPerm<>+16(SB)/4, $0
DATA requantPerm<>+20(SB)/4, $0
DATA requantPerm<>+24(SB)/4, $0
DATA requantPerm<>+28(SB)/4, $0
GLOBL requantPerm<>(SB), RODATA|NOPTR, $32

// func requantAVX2Asm(n int, c, bias *int32, scale *float32, k *rqConst, dst *byte)
TEXT ·requantAVX2Asm(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ c+8(FP), SI
	MOVQ bias+16(FP), BX
	MOVQ scale+24(FP), R9
	MOVQ k+32(FP), AX
	MOVQ dst+40(FP), DI
	VBROADCASTSS 0(AX), Y13 // lo
	VBROADCASTSS 4(AX), Y14 // hi
	VPBROADCASTD 8(AX), Y15 // zero
	VMOVDQU requantShuf<>(SB), Y12
	VMOVDQU requantPerm<>(SB), Y11
	SHRQ $3, CX

loop:
	VMOVDQU (SI), Y0
	VPADDD (BX), Y0, Y0
	VCVTDQ2PS Y0, Y0
	VMULPS (R9), Y0, Y0
	VMAXPS Y13, Y0, Y0 // vmaxps y0, y0, y13: a NaN in y0 gives lo
	VMINPS Y14, Y0, Y0
	VCVTPS2DQ Y0, Y0
	VPADDD Y15, Y0, Y0
	VPSHUFB Y12, Y0, Y0
	VPERMD Y0, Y11, Y0
	MOVQ X0, (DI)
	ADDQ $32, SI
	ADDQ $32, BX
	ADDQ $32, R9
	ADDQ $8, DI
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET

// func requantAVX512Asm(n int, c, bias *int32, scale *float32, k *rqConst, dst *byte)
TEXT ·requantAVX512Asm(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ c+8(FP), SI
	MOVQ bias+16(FP), BX
	MOVQ scale+24(FP), R9
	MOVQ k+32(FP), AX
	MOVQ dst+40(FP), DI
	VBROADCASTSS 0(AX), Z13
	VBROADCASTSS 4(AX), Z14
	VPBROADCASTD 8(AX), Z15
	SHRQ $4, CX

loop:
	VMOVDQU32 (SI), Z0
	VPADDD (BX), Z0, Z0
	VCVTDQ2PS Z0, Z0
	VMULPS (R9), Z0, Z0
	VMAXPS Z13, Z0, Z0
	VMINPS Z14, Z0, Z0
	VCVTPS2DQ Z0, Z0
	VPADDD Z15, Z0, Z0
	VPMOVDB Z0, (DI) // values are in range: truncation is exact
	ADDQ $64, SI
	ADDQ $64, BX
	ADDQ $64, R9
	ADDQ $16, DI
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET
