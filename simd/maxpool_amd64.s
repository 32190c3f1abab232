//go:build !noasm && !purego

#include "textflag.h"
#include "maxnan_amd64.h"

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
	MAXNAN(Y0, Y2, Y4, Y5)
	MAXNAN(Y1, Y3, Y6, Y7)

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

// func maxPool3s2AVX2(dst, r0, r1, r2 *float32, blocks int, relu bool)
TEXT ·maxPool3s2AVX2(SB), NOSPLIT, $0-41
	MOVQ    dst+0(FP), DI
	MOVQ    r0+8(FP), R8
	MOVQ    r1+16(FP), R9
	MOVQ    r2+24(FP), R10
	MOVQ    blocks+32(FP), CX
	MOVBQZX relu+40(FP), R12
	VXORPS  Y15, Y15, Y15

m3block:
	// P = columns 2i .. 2i+15, Q = columns 2i+1 .. 2i+16, each the
	// maximum over the three rows.
	VMOVUPS (R8), Y0
	VMOVUPS (R9), Y4
	MAXNAN(Y0, Y4, Y1, Y5)
	VMOVUPS (R10), Y4
	MAXNAN(Y1, Y4, Y0, Y5)
	VMOVUPS 32(R8), Y1
	VMOVUPS 32(R9), Y4
	MAXNAN(Y1, Y4, Y2, Y5)
	VMOVUPS 32(R10), Y4
	MAXNAN(Y2, Y4, Y1, Y5)
	VMOVUPS 4(R8), Y2
	VMOVUPS 4(R9), Y4
	MAXNAN(Y2, Y4, Y3, Y5)
	VMOVUPS 4(R10), Y4
	MAXNAN(Y3, Y4, Y2, Y5)
	VMOVUPS 36(R8), Y3
	VMOVUPS 36(R9), Y4
	MAXNAN(Y3, Y4, Y6, Y5)
	VMOVUPS 36(R10), Y4
	MAXNAN(Y6, Y4, Y3, Y5)

	// Columns 2i+2j (even of P), 2i+1+2j (odd of P), 2i+2+2j (odd of Q),
	// each with its 64-bit pairs put back in order.
	VSHUFPS $0x88, Y1, Y0, Y6
	VPERMPD $0xD8, Y6, Y6
	VSHUFPS $0xDD, Y1, Y0, Y7
	VPERMPD $0xD8, Y7, Y7
	VSHUFPS $0xDD, Y3, Y2, Y8
	VPERMPD $0xD8, Y8, Y8
	MAXNAN(Y6, Y7, Y9, Y5)
	MAXNAN(Y9, Y8, Y10, Y5)

	TESTQ R12, R12
	JEQ   m3store
	MAXNAN(Y10, Y15, Y11, Y5)
	VMOVUPS Y11, Y10

m3store:
	VMOVUPS Y10, (DI)
	ADDQ    $32, DI
	ADDQ    $64, R8
	ADDQ    $64, R9
	ADDQ    $64, R10
	DECQ    CX
	JNE     m3block
	VZEROUPPER
	RET
