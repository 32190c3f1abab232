//go:build !noasm && !purego

#include "textflag.h"

DATA conv1chOne<>+0(SB)/4, $0x3f800000
GLOBL conv1chOne<>(SB), RODATA|NOPTR, $4

// func conv1Ch8AVX2(dst *float32, ldd int, in *float32, taps *int32, n int, w, bias *float32, width, rows, dstRow, inRow int)
//
// dst and in in the argument frame advance a row at a time.
TEXT ·conv1Ch8AVX2(SB), NOSPLIT, $0-88
	MOVQ ldd+8(FP), BX
	SHLQ $2, BX
	MOVQ width+56(FP), R12
	SUBQ $8, R12
	SHLQ $2, R12 // byte offset of the last block
	MOVQ rows+64(FP), R13

c1row:
	XORQ R11, R11 // byte offset of this block

c1block:
	CMPQ  R11, R12
	JLE   c1at
	MOVQ  R12, R11

c1at:
	MOVQ dst+0(FP), DI
	ADDQ R11, DI
	MOVQ in+16(FP), SI
	ADDQ R11, SI
	MOVQ taps+24(FP), R8
	MOVQ n+32(FP), CX
	MOVQ w+40(FP), R9
	MOVQ bias+48(FP), R10
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TESTQ  CX, CX
	JEQ    c1bias

c1tap:
	MOVLQSX      (R8), AX
	VMOVUPS      (SI)(AX*4), Y8
	VBROADCASTSS (R9), Y9
	VFMADD231PS  Y8, Y9, Y0
	VBROADCASTSS 4(R9), Y9
	VFMADD231PS  Y8, Y9, Y1
	VBROADCASTSS 8(R9), Y9
	VFMADD231PS  Y8, Y9, Y2
	VBROADCASTSS 12(R9), Y9
	VFMADD231PS  Y8, Y9, Y3
	VBROADCASTSS 16(R9), Y9
	VFMADD231PS  Y8, Y9, Y4
	VBROADCASTSS 20(R9), Y9
	VFMADD231PS  Y8, Y9, Y5
	VBROADCASTSS 24(R9), Y9
	VFMADD231PS  Y8, Y9, Y6
	VBROADCASTSS 28(R9), Y9
	VFMADD231PS  Y8, Y9, Y7
	ADDQ         $4, R8
	ADDQ         $32, R9
	DECQ         CX
	JNE          c1tap

c1bias:
	// The bias as the SGEMM path adds it: one more FMA, by one.
	VBROADCASTSS conv1chOne<>(SB), Y8
	VBROADCASTSS (R10), Y9
	VFMADD231PS  Y8, Y9, Y0
	VBROADCASTSS 4(R10), Y9
	VFMADD231PS  Y8, Y9, Y1
	VBROADCASTSS 8(R10), Y9
	VFMADD231PS  Y8, Y9, Y2
	VBROADCASTSS 12(R10), Y9
	VFMADD231PS  Y8, Y9, Y3
	VBROADCASTSS 16(R10), Y9
	VFMADD231PS  Y8, Y9, Y4
	VBROADCASTSS 20(R10), Y9
	VFMADD231PS  Y8, Y9, Y5
	VBROADCASTSS 24(R10), Y9
	VFMADD231PS  Y8, Y9, Y6
	VBROADCASTSS 28(R10), Y9
	VFMADD231PS  Y8, Y9, Y7
	VMOVUPS      Y0, (DI)
	ADDQ         BX, DI
	VMOVUPS      Y1, (DI)
	ADDQ         BX, DI
	VMOVUPS      Y2, (DI)
	ADDQ         BX, DI
	VMOVUPS      Y3, (DI)
	ADDQ         BX, DI
	VMOVUPS      Y4, (DI)
	ADDQ         BX, DI
	VMOVUPS      Y5, (DI)
	ADDQ         BX, DI
	VMOVUPS      Y6, (DI)
	ADDQ         BX, DI
	VMOVUPS      Y7, (DI)
	CMPQ         R11, R12
	JEQ          c1rowdone
	ADDQ         $32, R11
	JMP          c1block

c1rowdone:
	MOVQ dstRow+72(FP), AX
	SHLQ $2, AX
	ADDQ AX, dst+0(FP)
	MOVQ inRow+80(FP), AX
	SHLQ $2, AX
	ADDQ AX, in+16(FP)
	DECQ R13
	JNE  c1row
	VZEROUPPER
	RET
