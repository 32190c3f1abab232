//go:build !noasm && !purego

#include "textflag.h"

// func gatherRows1AVX2(dst, src *float32, rowOff *int32, rows int, colOff *int32, ncol int)
TEXT ·gatherRows1AVX2(SB), NOSPLIT, $0-48
	MOVQ     dst+0(FP), DI
	MOVQ     src+8(FP), SI
	MOVQ     rowOff+16(FP), R8
	MOVQ     rows+24(FP), CX
	MOVQ     colOff+32(FP), R9
	MOVQ     ncol+40(FP), DX
	VPCMPEQD Y15, Y15, Y15

g1row:
	VPBROADCASTD (R8), Y14
	MOVQ         R9, R10
	MOVQ         DX, R11

g1chunk:
	// The gather clears its mask as lanes complete: reload it each time.
	VPADDD     (R10), Y14, Y1
	VMOVDQU    Y15, Y2
	VPXOR      Y3, Y3, Y3
	VPGATHERDD Y2, (SI)(Y1*4), Y3
	VMOVDQU    Y3, (DI)
	ADDQ       $32, R10
	ADDQ       $32, DI
	SUBQ       $8, R11
	JNE        g1chunk
	ADDQ       $4, R8
	DECQ       CX
	JNE        g1row
	VZEROUPPER
	RET

// func gatherRows4AVX2(dst, src *float32, rowOff *int32, rows int, colOff *int32, ncol int)
TEXT ·gatherRows4AVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rowOff+16(FP), R8
	MOVQ rows+24(FP), CX
	MOVQ colOff+32(FP), R9
	MOVQ ncol+40(FP), DX

g4row:
	MOVLQSX (R8), AX
	LEAQ    (SI)(AX*4), BX
	MOVQ    R9, R10
	MOVQ    DX, R11

g4run:
	MOVLQSX (R10), AX
	VMOVUPS (BX)(AX*4), X0
	VMOVUPS X0, (DI)
	ADDQ    $4, R10
	ADDQ    $16, DI
	DECQ    R11
	JNE     g4run
	ADDQ    $4, R8
	DECQ    CX
	JNE     g4row
	RET

// func gatherRows8AVX2(dst, src *float32, rowOff *int32, rows int, colOff *int32, ncol, run int)
TEXT ·gatherRows8AVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rowOff+16(FP), R8
	MOVQ rows+24(FP), CX
	MOVQ colOff+32(FP), R9
	MOVQ ncol+40(FP), DX
	MOVQ run+48(FP), R14

g8row:
	MOVLQSX (R8), AX
	LEAQ    (SI)(AX*4), BX
	MOVQ    R9, R10
	MOVQ    DX, R11

g8run:
	MOVLQSX (R10), AX
	LEAQ    (BX)(AX*4), R12
	MOVQ    R14, R13

g8mov:
	VMOVUPS (R12), Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, R12
	ADDQ    $32, DI
	SUBQ    $8, R13
	JNE     g8mov
	ADDQ    $4, R10
	DECQ    R11
	JNE     g8run
	ADDQ    $4, R8
	DECQ    CX
	JNE     g8row
	VZEROUPPER
	RET
