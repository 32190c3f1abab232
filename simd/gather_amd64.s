//go:build !noasm && !purego

#include "textflag.h"

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

// func gatherRows1x8AVX2(dst, src *float32, rowOff *int32, rows int, colOff *int32, stride int)
//
// Eight columns of runs of one float, their offsets held in registers:
// scalar loads and stores, which outrun VPGATHERDD on the cores measured.
// stride is dst's row stride in bytes.
TEXT ·gatherRows1x8AVX2(SB), NOSPLIT, $0-48
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    rowOff+16(FP), R8
	MOVQ    rows+24(FP), CX
	MOVQ    colOff+32(FP), AX
	MOVLQSX (AX), R9
	MOVLQSX 4(AX), R10
	MOVLQSX 8(AX), R11
	MOVLQSX 12(AX), R12
	MOVLQSX 16(AX), R13
	MOVLQSX 20(AX), R14
	MOVLQSX 24(AX), R15
	MOVLQSX 28(AX), DX

g18row:
	MOVLQSX (R8), AX
	LEAQ    (SI)(AX*4), BX
	MOVL    (BX)(R9*4), AX
	MOVL    AX, (DI)
	MOVL    (BX)(R10*4), AX
	MOVL    AX, 4(DI)
	MOVL    (BX)(R11*4), AX
	MOVL    AX, 8(DI)
	MOVL    (BX)(R12*4), AX
	MOVL    AX, 12(DI)
	MOVL    (BX)(R13*4), AX
	MOVL    AX, 16(DI)
	MOVL    (BX)(R14*4), AX
	MOVL    AX, 20(DI)
	MOVL    (BX)(R15*4), AX
	MOVL    AX, 24(DI)
	MOVL    (BX)(DX*4), AX
	MOVL    AX, 28(DI)
	ADDQ    $4, R8
	ADDQ    stride+40(FP), DI
	DECQ    CX
	JNE     g18row
	RET

// func copyRows16AVX2(dst, src *float32, base int, rowOff *int32, rows int)
//
// One run of 16 floats a row, from src+base: two 32-byte moves.
TEXT ·copyRows16AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ base+16(FP), AX
	LEAQ (SI)(AX*4), SI
	MOVQ rowOff+24(FP), R8
	MOVQ rows+32(FP), CX

c16row:
	MOVLQSX (R8), AX
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $4, R8
	ADDQ    $64, DI
	DECQ    CX
	JNE     c16row
	VZEROUPPER
	RET

// func gatherBlendAVX2(dst, src *float32, rowOff *int32, rows int, offs *int64, masks *int32, nb int)
//
// Blocks of eight floats from two origins each (byte offsets offs[2h],
// offs[2h+1]), blended by masks[8h:8h+8] (all ones: the second origin).
TEXT ·gatherBlendAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rowOff+16(FP), R8
	MOVQ rows+24(FP), CX
	MOVQ offs+32(FP), R9
	MOVQ masks+40(FP), R10
	MOVQ nb+48(FP), R11

gbrow:
	MOVLQSX (R8), AX
	LEAQ    (SI)(AX*4), BX
	MOVQ    R9, R12
	MOVQ    R10, R13
	MOVQ    R11, DX

gbblk:
	MOVQ      (R12), AX
	MOVQ      8(R12), R14
	VMOVUPS   (BX)(AX*1), Y0
	VMOVUPS   (BX)(R14*1), Y1
	VMOVUPS   (R13), Y2
	VBLENDVPS Y2, Y1, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $16, R12
	ADDQ      $32, R13
	ADDQ      $32, DI
	DECQ      DX
	JNE       gbblk
	ADDQ      $4, R8
	DECQ      CX
	JNE       gbrow
	VZEROUPPER
	RET

// func gatherBlend2AVX2(dst, src *float32, rowOff *int32, rows int, offs *int64, masks *int32)
//
// gatherBlendAVX2 for two blocks (the 16-wide AVX2 SGEMM panel), with the
// origins and masks held in registers.
TEXT ·gatherBlend2AVX2(SB), NOSPLIT, $0-48
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    rowOff+16(FP), R8
	MOVQ    rows+24(FP), CX
	MOVQ    offs+32(FP), AX
	MOVQ    (AX), R9
	MOVQ    8(AX), R10
	MOVQ    16(AX), R11
	MOVQ    24(AX), R12
	MOVQ    masks+40(FP), AX
	VMOVUPS (AX), Y14
	VMOVUPS 32(AX), Y15

gb2row:
	MOVLQSX   (R8), AX
	LEAQ      (SI)(AX*4), BX
	VMOVUPS   (BX)(R9*1), Y0
	VMOVUPS   (BX)(R10*1), Y1
	VMOVUPS   (BX)(R11*1), Y2
	VMOVUPS   (BX)(R12*1), Y3
	VBLENDVPS Y14, Y1, Y0, Y0
	VBLENDVPS Y15, Y3, Y2, Y2
	VMOVUPS   Y0, (DI)
	VMOVUPS   Y2, 32(DI)
	ADDQ      $4, R8
	ADDQ      $64, DI
	DECQ      CX
	JNE       gb2row
	VZEROUPPER
	RET
