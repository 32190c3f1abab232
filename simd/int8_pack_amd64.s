//go:build !noasm && !purego

#include "textflag.h"

// A packing for the amd64 int8 GEMM kernels: gathers whole groups of one
// full sliver (mr rows) into the layout [group][row][kg] (see int8.go).
// idx holds the byte offset of each dword of one output step.

// func i8PackAVX512VNNI(dst, src unsafe.Pointer, idx *int32, steps int, flip uint32)
// One step: 2 groups × 8 rows × 4 bytes = one zmm, from 16 gathered dwords.
TEXT ·i8PackAVX512VNNI(SB), NOSPLIT, $0-36
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ idx+16(FP), AX
	MOVQ steps+24(FP), CX
	MOVL flip+32(FP), DX
	VPBROADCASTD DX, Z2
	VMOVDQU32 (AX), Z1

loop:
	KXNORW K1, K1, K1
	VPGATHERDD (SI)(Z1*1), K1, Z4
	VPXORD Z2, Z4, Z4
	VMOVDQU32 Z4, (DI)
	ADDQ $64, DI
	ADDQ $8, SI
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET

// Per dword [b0 b1 x x] -> [b0 0 b1 0]: two bytes zero-extended to int16.
DATA i8PackWiden<>+0(SB)/8, $0x8005800480018000
DATA i8PackWiden<>+8(SB)/8, $0x800d800c80098008
DATA i8PackWiden<>+16(SB)/8, $0x8005800480018000
DATA i8PackWiden<>+24(SB)/8, $0x800d800c80098008
DATA i8PackWiden<>+32(SB)/8, $0x8005800480018000
DATA i8PackWiden<>+40(SB)/8, $0x800d800c80098008
DATA i8PackWiden<>+48(SB)/8, $0x8005800480018000
DATA i8PackWiden<>+56(SB)/8, $0x800d800c80098008
GLOBL i8PackWiden<>(SB), RODATA|NOPTR, $64

// func i8PackAVX2(dst, src unsafe.Pointer, idx *int32, steps int, flip uint32)
// One step: 4 groups × 6 rows × 2 int16 = three ymm, from 24 gathered
// dwords whose upper two bytes are dropped.
TEXT ·i8PackAVX2(SB), NOSPLIT, $0-36
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ idx+16(FP), AX
	MOVQ steps+24(FP), CX
	MOVL flip+32(FP), DX
	MOVD DX, X2
	VPBROADCASTD X2, Y2
	VMOVDQU (AX), Y8
	VMOVDQU 32(AX), Y9
	VMOVDQU 64(AX), Y10
	VMOVDQU i8PackWiden<>(SB), Y3

loop:
	VPCMPEQD Y7, Y7, Y7
	VPGATHERDD Y7, (SI)(Y8*1), Y4
	VPCMPEQD Y7, Y7, Y7
	VPGATHERDD Y7, (SI)(Y9*1), Y5
	VPCMPEQD Y7, Y7, Y7
	VPGATHERDD Y7, (SI)(Y10*1), Y6
	VPXOR Y2, Y4, Y4
	VPXOR Y2, Y5, Y5
	VPXOR Y2, Y6, Y6
	VPSHUFB Y3, Y4, Y4
	VPSHUFB Y3, Y5, Y5
	VPSHUFB Y3, Y6, Y6
	VMOVDQU Y4, (DI)
	VMOVDQU Y5, 32(DI)
	VMOVDQU Y6, 64(DI)
	ADDQ $96, DI
	ADDQ $8, SI
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET

// func i8PackVNNI256(dst, src unsafe.Pointer, idx *int32, steps int, flip uint32)
// One step: 4 groups × 6 rows × 4 bytes = three ymm, from 24 gathered
// dwords (the layout of the 6×16 vpdpbusd kernels).
TEXT ·i8PackVNNI256(SB), NOSPLIT, $0-36
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ idx+16(FP), AX
	MOVQ steps+24(FP), CX
	MOVL flip+32(FP), DX
	MOVD DX, X2
	VPBROADCASTD X2, Y2
	VMOVDQU (AX), Y8
	VMOVDQU 32(AX), Y9
	VMOVDQU 64(AX), Y10

loop:
	VPCMPEQD Y7, Y7, Y7
	VPGATHERDD Y7, (SI)(Y8*1), Y4
	VPCMPEQD Y7, Y7, Y7
	VPGATHERDD Y7, (SI)(Y9*1), Y5
	VPCMPEQD Y7, Y7, Y7
	VPGATHERDD Y7, (SI)(Y10*1), Y6
	VPXOR Y2, Y4, Y4
	VPXOR Y2, Y5, Y5
	VPXOR Y2, Y6, Y6
	VMOVDQU Y4, (DI)
	VMOVDQU Y5, 32(DI)
	VMOVDQU Y6, 64(DI)
	ADDQ $96, DI
	ADDQ $16, SI
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET

// func i8PackAVX512BW(dst, src unsafe.Pointer, idx *int32, steps int, flip uint32)
// One step: 2 groups × 8 rows × 2 int16 = one zmm, from 16 gathered
// dwords whose upper two bytes are dropped.
TEXT ·i8PackAVX512BW(SB), NOSPLIT, $0-36
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ idx+16(FP), AX
	MOVQ steps+24(FP), CX
	MOVL flip+32(FP), DX
	VPBROADCASTD DX, Z2
	VMOVDQU32 (AX), Z1
	VMOVDQU32 i8PackWiden<>(SB), Z3

loop:
	KXNORW K1, K1, K1
	VPGATHERDD (SI)(Z1*1), K1, Z4
	VPXORD Z2, Z4, Z4
	VPSHUFB Z3, Z4, Z4
	VMOVDQU32 Z4, (DI)
	ADDQ $64, DI
	ADDQ $4, SI
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET
