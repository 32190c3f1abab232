//go:build !noasm && !purego

#include "textflag.h"

DATA lutnib<>+0(SB)/1, $0x0f
GLOBL lutnib<>(SB), RODATA|NOPTR, $1

// Widen the int8 lookups in R (32 bytes: rows 0..15 of two subspaces, one
// per 128-bit lane) to int16 and add them into LO (rows 0..7) and HI (rows
// 8..15). Unpacking a byte with itself and shifting right arithmetically by
// 8 sign-extends it.
#define ACC2(R, LO, HI, T) \
	VPUNPCKLBW R, R, T  \
	VPSRAW     $8, T, T \
	VPADDW     T, LO, LO \
	VPUNPCKHBW R, R, T  \
	VPSRAW     $8, T, T \
	VPADDW     T, HI, HI

// Fold the two 128-bit lanes of ACC (8 int16 rows each) into int32 and add
// them to the 8 int32 at MEM.
#define FOLD2(ACC, ACCX, MEM) \
	VEXTRACTI128 $1, ACC, X8 \
	VPMOVSXWD    ACCX, Y9  \
	VPMOVSXWD    X8, Y10     \
	VPADDD       Y10, Y9, Y9 \
	VPADDD       MEM, Y9, Y9 \
	VMOVDQU      Y9, MEM

// func lut16AVX2Asm(out *int32, codes *byte, tables *int8, blocks, subspaces, stride int)
TEXT ·lut16AVX2Asm(SB), NOSPLIT, $0-48
	MOVQ         out+0(FP), DI
	MOVQ         codes+8(FP), R8
	MOVQ         blocks+24(FP), R9
	MOVQ         stride+40(FP), R10
	VPBROADCASTB lutnib<>(SB), Y15

block:
	MOVQ   R8, SI
	MOVQ   tables+16(FP), DX
	MOVQ   subspaces+32(FP), CX
	VPXOR  Y0, Y0, Y0
	VPXOR  Y1, Y1, Y1
	VPXOR  Y2, Y2, Y2
	VPXOR  Y3, Y3, Y3
	SUBQ   $2, CX
	JLT    odd

pair:
	// Two subspaces: lane 0 holds subspace s, lane 1 subspace s+1, for
	// both the codes and the tables.
	VMOVDQU (SI), Y4
	VMOVDQU (DX), Y5
	VPAND   Y15, Y4, Y6
	VPSRLW  $4, Y4, Y7
	VPAND   Y15, Y7, Y7
	VPSHUFB Y6, Y5, Y6
	VPSHUFB Y7, Y5, Y7
	ACC2(Y6, Y0, Y1, Y8)
	ACC2(Y7, Y2, Y3, Y8)
	ADDQ    $32, SI
	ADDQ    $32, DX
	SUBQ    $2, CX
	JGE     pair

odd:
	CMPQ CX, $-1
	JNE  fold
	// One subspace left: the 128-bit loads zero the upper lanes, whose
	// lookups then read entry 0 of an all-zero table.
	VMOVDQU (SI), X4
	VMOVDQU (DX), X5
	VPAND   Y15, Y4, Y6
	VPSRLW  $4, Y4, Y7
	VPAND   Y15, Y7, Y7
	VPSHUFB Y6, Y5, Y6
	VPSHUFB Y7, Y5, Y7
	ACC2(Y6, Y0, Y1, Y8)
	ACC2(Y7, Y2, Y3, Y8)

fold:
	FOLD2(Y0, X0, (DI))
	FOLD2(Y1, X1, 32(DI))
	FOLD2(Y2, X2, 64(DI))
	FOLD2(Y3, X3, 96(DI))
	ADDQ $128, DI
	ADDQ R10, R8
	DECQ R9
	JNZ  block
	VZEROUPPER
	RET

#define ACC4(R, LO, HI, T) \
	VPUNPCKLBW R, R, T  \
	VPSRAW     $8, T, T \
	VPADDW     T, LO, LO \
	VPUNPCKHBW R, R, T  \
	VPSRAW     $8, T, T \
	VPADDW     T, HI, HI

// Fold the four 128-bit lanes of ACC (8 int16 rows each) into int32 and
// add them to the 8 int32 at MEM.
#define FOLD4(ACC, ACCY, MEM) \
	VEXTRACTI64X4 $1, ACC, Y8  \
	VPMOVSXWD     ACCY, Z9   \
	VPMOVSXWD     Y8, Z10      \
	VPADDD        Z10, Z9, Z9  \
	VEXTRACTI64X4 $1, Z9, Y10  \
	VPADDD        Y10, Y9, Y9  \
	VPADDD        MEM, Y9, Y9  \
	VMOVDQU       Y9, MEM

// func lut16AVX512Asm(out *int32, codes *byte, tables *int8, blocks, subspaces, stride int)
TEXT ·lut16AVX512Asm(SB), NOSPLIT, $0-48
	MOVQ         out+0(FP), DI
	MOVQ         codes+8(FP), R8
	MOVQ         blocks+24(FP), R9
	MOVQ         stride+40(FP), R10
	VPBROADCASTB lutnib<>(SB), Z15
	// K1 selects the 16-byte groups of the last 1..3 subspaces.
	MOVQ         subspaces+32(FP), CX
	ANDQ         $3, CX
	SHLQ         $4, CX
	MOVQ         $1, AX
	SHLQ         CX, AX
	DECQ         AX
	KMOVQ        AX, K1

block:
	MOVQ   R8, SI
	MOVQ   tables+16(FP), DX
	MOVQ   subspaces+32(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	SUBQ   $4, CX
	JLT    rest

quad:
	// Four subspaces, one per 128-bit lane, codes and tables alike.
	VMOVDQU8 (SI), Z4
	VMOVDQU8 (DX), Z5
	VPANDD   Z15, Z4, Z6
	VPSRLW   $4, Z4, Z7
	VPANDD   Z15, Z7, Z7
	VPSHUFB  Z6, Z5, Z6
	VPSHUFB  Z7, Z5, Z7
	ACC4(Z6, Z0, Z1, Z8)
	ACC4(Z7, Z2, Z3, Z8)
	ADDQ     $64, SI
	ADDQ     $64, DX
	SUBQ     $4, CX
	JGE      quad

rest:
	CMPQ CX, $-4
	JEQ  fold
	// The lanes past the last subspace load as zeros: code 0 into an
	// all-zero table adds nothing.
	VMOVDQU8.Z (SI), K1, Z4
	VMOVDQU8.Z (DX), K1, Z5
	VPANDD     Z15, Z4, Z6
	VPSRLW     $4, Z4, Z7
	VPANDD     Z15, Z7, Z7
	VPSHUFB    Z6, Z5, Z6
	VPSHUFB    Z7, Z5, Z7
	ACC4(Z6, Z0, Z1, Z8)
	ACC4(Z7, Z2, Z3, Z8)

fold:
	FOLD4(Z0, Y0, (DI))
	FOLD4(Z1, Y1, 32(DI))
	FOLD4(Z2, Y2, 64(DI))
	FOLD4(Z3, Y3, 96(DI))
	ADDQ $128, DI
	ADDQ R10, R8
	DECQ R9
	JNZ  block
	VZEROUPPER
	RET
