//go:build !noasm && !purego

#include "textflag.h"

// func maxPool2x2AVX2(dst, src *float32, rows, oh, hw, w, ow int, relu bool)
TEXT ·maxPool2x2AVX2(SB), NOSPLIT, $0-57
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), DX
	MOVQ    rows+16(FP), CX
	MOVQ    oh+24(FP), R8
	MOVQ    hw+32(FP), R9
	SHLQ    $2, R9
	MOVQ    w+40(FP), R10
	SHLQ    $2, R10
	MOVQ    ow+48(FP), R11
	MOVQ    R11, R13
	ADDQ    $7, R13
	SHRQ    $3, R13
	SHLQ    $2, R11
	MOVBQZX relu+56(FP), R12
	VXORPS  Y15, Y15, Y15
	XORQ    BX, BX

mp_row:
	// Top row at plane + 2·y·w, bottom row w further.
	MOVQ BX, AX
	IMULQ R10, AX
	LEAQ (DX)(AX*2), R14
	LEAQ (R14)(R10*1), R15
	MOVQ DI, SI
	MOVQ R13, AX

mp_block:
	VMOVUPS (R14), Y0
	VMOVUPS 32(R14), Y1
	VMOVUPS (R15), Y2
	VMOVUPS 32(R15), Y3

	// Vertical: v = Max(top, bottom), NaN kept from the top too.
	VMAXPS    Y2, Y0, Y4
	VCMPPS    $3, Y0, Y0, Y5
	VBLENDVPS Y5, Y0, Y4, Y4
	VMAXPS    Y3, Y1, Y6
	VCMPPS    $3, Y1, Y1, Y7
	VBLENDVPS Y7, Y1, Y6, Y6

	// Horizontal: even and odd columns of the sixteen, then Max; the
	// shuffles leave the 64-bit pairs in order 0, 2, 1, 3.
	VSHUFPS   $0x88, Y6, Y4, Y0
	VSHUFPS   $0xDD, Y6, Y4, Y1
	VMAXPS    Y1, Y0, Y2
	VCMPPS    $3, Y0, Y0, Y3
	VBLENDVPS Y3, Y0, Y2, Y2
	VPERMPD   $0xD8, Y2, Y2

	TESTQ R12, R12
	JEQ   mp_store
	VMAXPS    Y15, Y2, Y4
	VCMPPS    $3, Y2, Y2, Y5
	VBLENDVPS Y5, Y2, Y4, Y2

mp_store:
	VMOVUPS Y2, (SI)
	ADDQ    $64, R14
	ADDQ    $64, R15
	ADDQ    $32, SI
	DECQ    AX
	JNE     mp_block

	ADDQ R11, DI
	INCQ BX
	CMPQ BX, R8
	JNE  mp_next
	XORQ BX, BX
	ADDQ R9, DX

mp_next:
	DECQ CX
	JNE  mp_row
	VZEROUPPER
	RET
