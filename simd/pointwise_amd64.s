//go:build !noasm && !purego

#include "textflag.h"

#define DIST 512

#define PWROW(off, a, b, c) \
	VBROADCASTSS off(R8), Y15 \
	VFMADD231PS  Y12, Y15, a  \
	VFMADD231PS  Y13, Y15, b  \
	VFMADD231PS  Y14, Y15, c

#define PWLOAD(r, a, b, c) \
	VMOVUPS (r), a   \
	VMOVUPS 32(r), b \
	VMOVUPS 64(r), c

#define PWSTORE(r, a, b, c) \
	VMOVUPS a, (r)   \
	VMOVUPS b, 32(r) \
	VMOVUPS c, 64(r)

// func pointwiseAVX2(y *float32, ldy int, a *float32, k int, bias *float32, x *float32, ldx, strips, groups, lastRows int, add bool)
// ldy and ldx are in bytes.
TEXT ·pointwiseAVX2(SB), NOSPLIT, $0-81
	MOVQ y+0(FP), DI
	MOVQ ldy+8(FP), R14
	MOVQ x+40(FP), SI
	MOVQ ldx+48(FP), R15
	MOVQ strips+56(FP), CX

pstrip:
	MOVQ a+16(FP), R8
	MOVQ bias+32(FP), R9
	MOVQ DI, R13
	MOVQ groups+64(FP), R12

pgroup:
	// The group's rows: four, or lastRows in the last group.
	MOVQ $4, AX
	CMPQ R12, $1
	JNE  prows
	MOVQ lastRows+72(FP), AX

prows:
	MOVBQZX add+80(FP), DX
	TESTQ   DX, DX
	JEQ     pbias
	VXORPS  Y3, Y3, Y3
	VXORPS  Y4, Y4, Y4
	VXORPS  Y5, Y5, Y5
	VXORPS  Y6, Y6, Y6
	VXORPS  Y7, Y7, Y7
	VXORPS  Y8, Y8, Y8
	VXORPS  Y9, Y9, Y9
	VXORPS  Y10, Y10, Y10
	VXORPS  Y11, Y11, Y11
	PWLOAD(R13, Y0, Y1, Y2)
	CMPQ    AX, $2
	JLT     pacc
	LEAQ    (R13)(R14*1), BX
	PWLOAD(BX, Y3, Y4, Y5)
	CMPQ    AX, $3
	JLT     pacc
	ADDQ    R14, BX
	PWLOAD(BX, Y6, Y7, Y8)
	CMPQ    AX, $4
	JLT     pacc
	ADDQ    R14, BX
	PWLOAD(BX, Y9, Y10, Y11)
	JMP     pacc

pbias:
	VBROADCASTSS 0(R9), Y0
	VMOVAPS      Y0, Y1
	VMOVAPS      Y0, Y2
	VBROADCASTSS 4(R9), Y3
	VMOVAPS      Y3, Y4
	VMOVAPS      Y3, Y5
	VBROADCASTSS 8(R9), Y6
	VMOVAPS      Y6, Y7
	VMOVAPS      Y6, Y8
	VBROADCASTSS 12(R9), Y9
	VMOVAPS      Y9, Y10
	VMOVAPS      Y9, Y11

pacc:
	MOVQ         SI, R10
	MOVQ         k+24(FP), R11

pk:
	PREFETCHT0 DIST(R10)
	VMOVUPS    (R10), Y12
	VMOVUPS    32(R10), Y13
	VMOVUPS    64(R10), Y14
	PWROW(0, Y0, Y1, Y2)
	PWROW(4, Y3, Y4, Y5)
	PWROW(8, Y6, Y7, Y8)
	PWROW(12, Y9, Y10, Y11)
	ADDQ       $16, R8
	ADDQ       R15, R10
	DECQ       R11
	JNE        pk

pstore:
	PWSTORE(R13, Y0, Y1, Y2)
	CMPQ AX, $2
	JLT  pnext
	LEAQ (R13)(R14*1), BX
	PWSTORE(BX, Y3, Y4, Y5)
	CMPQ AX, $3
	JLT  pnext
	ADDQ R14, BX
	PWSTORE(BX, Y6, Y7, Y8)
	CMPQ AX, $4
	JLT  pnext
	ADDQ R14, BX
	PWSTORE(BX, Y9, Y10, Y11)

pnext:
	ADDQ $16, R9
	LEAQ (R13)(R14*4), R13
	DECQ R12
	JNE  pgroup
	ADDQ $96, DI
	ADDQ $96, SI
	DECQ CX
	JNE  pstrip
	VZEROUPPER
	RET
