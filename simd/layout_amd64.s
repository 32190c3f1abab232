//go:build !noasm && !purego

#include "textflag.h"

// RECT clears the lanes of v that compare below zero (z), with m as
// scratch, when R10 (relu) is set.
#define RECT(v, z, m) \
	VCMPPS  $1, z, v, m; \
	VANDNPS v, m, v

// func copyRowsAVX2(dst, src *float32, planes, h, w, wp, n int, relu bool)
TEXT ·copyRowsAVX2(SB), NOSPLIT, $0-57
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    planes+16(FP), R11
	MOVQ    w+32(FP), DX
	MOVQ    wp+40(FP), R8
	SHLQ    $2, R8
	// R12: from one plane's last row to the next plane's first, in bytes
	// (n - (h-1)·wp floats, with the row advance already made).
	MOVQ    n+48(FP), R12
	MOVQ    h+24(FP), AX
	IMULQ   wp+40(FP), AX
	SUBQ    AX, R12
	SHLQ    $2, R12
	MOVBQZX relu+56(FP), R10
	VXORPS  Y15, Y15, Y15
	CMPQ    DX, $8
	JLT     crnarrow
	// The last block of a row starts w-8 floats in.
	LEAQ -32(DX*4), R9

crplane:
	MOVQ h+24(FP), CX

crrow:
	XORQ AX, AX

crblock:
	CMPQ    AX, R9
	JGE     crlast
	VMOVUPS (SI)(AX*1), Y0
	TESTQ   R10, R10
	JEQ     crstore
	RECT(Y0, Y15, Y1)

crstore:
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     crblock

crlast:
	VMOVUPS (SI)(R9*1), Y0
	TESTQ   R10, R10
	JEQ     crlaststore
	RECT(Y0, Y15, Y1)

crlaststore:
	VMOVUPS Y0, (DI)(R9*1)
	LEAQ    (SI)(DX*4), SI
	ADDQ    R8, DI
	DECQ    CX
	JNE     crrow
	ADDQ    R12, DI
	DECQ    R11
	JNE     crplane
	VZEROUPPER
	RET

crnarrow:
	// Four to seven floats: the first four and the last four.
	LEAQ -16(DX*4), R9

crnplane:
	MOVQ h+24(FP), CX

crnrow:
	VMOVUPS (SI), X0
	VMOVUPS (SI)(R9*1), X1
	TESTQ   R10, R10
	JEQ     crnstore
	RECT(X0, X15, X2)
	RECT(X1, X15, X2)

crnstore:
	VMOVUPS X0, (DI)
	VMOVUPS X1, (DI)(R9*1)
	LEAQ    (SI)(DX*4), SI
	ADDQ    R8, DI
	DECQ    CX
	JNE     crnrow
	ADDQ    R12, DI
	DECQ    R11
	JNE     crnplane
	VZEROUPPER
	RET

// func padUnzipAVX2(ev, od, src *float32, rows, h, w, ld, pl int, relu bool)
TEXT ·padUnzipAVX2(SB), NOSPLIT, $0-65
	MOVQ    ev+0(FP), DI
	MOVQ    od+8(FP), R8
	MOVQ    src+16(FP), SI
	MOVQ    rows+24(FP), R13
	MOVQ    w+40(FP), DX
	MOVQ    ld+48(FP), BX
	MOVBQZX relu+64(FP), R10
	VXORPS  Y15, Y15, Y15
	MOVQ    h+32(FP), CX

purow:
	MOVQ DI, R11
	MOVQ R8, R12
	MOVQ DX, AX
	SHRQ $4, AX
	JEQ  pu8

pu16:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	TESTQ   R10, R10
	JEQ     pu16split
	VCMPPS  $1, Y15, Y0, Y4
	VANDNPS Y0, Y4, Y0
	VCMPPS  $1, Y15, Y1, Y4
	VANDNPS Y1, Y4, Y1

pu16split:
	VSHUFPS $0x88, Y1, Y0, Y2
	VSHUFPS $0xDD, Y1, Y0, Y3
	VPERMPD $0xD8, Y2, Y2
	VPERMPD $0xD8, Y3, Y3
	VMOVUPS Y2, (R11)
	VMOVUPS Y3, (R12)
	ADDQ    $64, SI
	ADDQ    $32, R11
	ADDQ    $32, R12
	DECQ    AX
	JNE     pu16

pu8:
	MOVQ DX, AX
	ANDQ $15, AX
	CMPQ AX, $8
	JLT  pupairs
	VMOVUPS (SI), X0
	VMOVUPS 16(SI), X1
	TESTQ   R10, R10
	JEQ     pu8split
	VCMPPS  $1, X15, X0, X4
	VANDNPS X0, X4, X0
	VCMPPS  $1, X15, X1, X4
	VANDNPS X1, X4, X1

pu8split:
	VSHUFPS $0x88, X1, X0, X2
	VSHUFPS $0xDD, X1, X0, X3
	VMOVUPS X2, (R11)
	VMOVUPS X3, (R12)
	ADDQ    $32, SI
	ADDQ    $16, R11
	ADDQ    $16, R12
	SUBQ    $8, AX

pupairs:
	CMPQ AX, $2
	JLT  pulast
	VMOVSS  (SI), X0
	VMOVSS  4(SI), X1
	VCMPSS  $1, X15, X0, X4
	VCMPSS  $1, X15, X1, X5
	TESTQ   R10, R10
	JEQ     pupairstore
	VANDNPS X0, X4, X0
	VANDNPS X1, X5, X1

pupairstore:
	VMOVSS X0, (R11)
	VMOVSS X1, (R12)
	ADDQ   $8, SI
	ADDQ   $4, R11
	ADDQ   $4, R12
	SUBQ   $2, AX
	JMP    pupairs

pulast:
	TESTQ AX, AX
	JEQ   punext
	VMOVSS (SI), X0
	VCMPSS $1, X15, X0, X4
	TESTQ  R10, R10
	JEQ    pulaststore
	VANDNPS X0, X4, X0

pulaststore:
	VMOVSS X0, (R11)
	ADDQ   $4, SI

punext:
	ADDQ BX, DI
	ADDQ BX, R8
	DECQ CX
	JNE  purowdone
	// A plane is done: on to the next one's first row.
	MOVQ h+32(FP), CX
	MOVQ CX, AX
	IMULQ BX, AX
	NEGQ AX
	ADDQ pl+56(FP), AX
	ADDQ AX, DI
	ADDQ AX, R8

purowdone:
	DECQ R13
	JNE  purow
	VZEROUPPER
	RET
