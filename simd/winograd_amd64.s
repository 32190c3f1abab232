//go:build !noasm && !purego

#include "textflag.h"
#include "maxnan_amd64.h"
#include "vecio_amd64.h"

// The output kernels' arguments: y in DI, coefficient rows 0..3 of m at
// SI, AX, BX, R13, mx in R8 (R10 = 3·mx), the bias in R9, ldy in R11,
// the channels in CX.
#define WOUTARGS \
	MOVQ y+0(FP), DI        \
	MOVQ m+8(FP), SI        \
	MOVQ bias+16(FP), R9    \
	MOVQ mx+24(FP), R8      \
	MOVQ ldy+40(FP), R11    \
	MOVQ chans+64(FP), CX   \
	LEAQ (R8)(R8*2), R10    \
	LEAQ (SI)(R8*4), AX     \
	LEAQ (AX)(R8*4), BX     \
	LEAQ (BX)(R8*4), R13

// WOUTNEXT moves the output kernels on to the next channel (m's rows,
// y's plane, the bias), leaving the flags of the channel count's
// decrement.
#define WOUTNEXT \
	MOVQ mc+32(FP), DX      \
	ADDQ DX, SI             \
	ADDQ DX, AX             \
	ADDQ DX, BX             \
	ADDQ DX, R13            \
	ADDQ yplane+48(FP), DI  \
	ADDQ bstride+56(FP), R9 \
	DECQ CX

// Aᵀ·M for the four columns (S0 in Y0..Y3, S1 in Y4..Y7) and the bias
// broadcast in Y15.
#define WCOLS \
	WCOL((SI), (AX), (BX), (R13), Y0, Y4)                               \
	WCOL((SI)(R8*1), (AX)(R8*1), (BX)(R8*1), (R13)(R8*1), Y1, Y5)       \
	WCOL((SI)(R8*2), (AX)(R8*2), (BX)(R8*2), (R13)(R8*2), Y2, Y6)       \
	WCOL((SI)(R10*1), (AX)(R10*1), (BX)(R10*1), (R13)(R10*1), Y3, Y7)   \
	VBROADCASTSS (R9), Y15

// One row of tiles: T0..T3 = d0-d2, d1+d2, d2-d1, d1-d3, where d0..d3 are
// the row's even, odd, next even and next odd columns for eight tiles.
#define WROW(E, E4, O, O4, T0, T1, T2, T3) \
	VMOVUPS E, T0    \
	VSUBPS  E4, T0, T0 \
	VMOVUPS O, T3    \
	VMOVUPS E4, T2   \
	VADDPS  T2, T3, T1 \
	VSUBPS  T3, T2, T2 \
	VSUBPS  O4, T3, T3

// Rows 0..2 of Bᵀ·t (t0-t2, t1+t2, t2-t1) from the row transforms in
// Y0..Y11, stored to coefficients 0..11: row r at DI, AX, BX, column s
// R8·s past it (R10 = 3·R8).
#define WVERT012 \
	VSUBPS  Y8, Y0, Y12      \
	VMOVUPS Y12, (DI)        \
	VADDPS  Y8, Y4, Y12      \
	VMOVUPS Y12, (AX)        \
	VSUBPS  Y4, Y8, Y12      \
	VMOVUPS Y12, (BX)        \
	VSUBPS  Y9, Y1, Y12      \
	VMOVUPS Y12, (DI)(R8*1)  \
	VADDPS  Y9, Y5, Y12      \
	VMOVUPS Y12, (AX)(R8*1)  \
	VSUBPS  Y5, Y9, Y12      \
	VMOVUPS Y12, (BX)(R8*1)  \
	VSUBPS  Y10, Y2, Y12     \
	VMOVUPS Y12, (DI)(R8*2)  \
	VADDPS  Y10, Y6, Y12     \
	VMOVUPS Y12, (AX)(R8*2)  \
	VSUBPS  Y6, Y10, Y12     \
	VMOVUPS Y12, (BX)(R8*2)  \
	VSUBPS  Y11, Y3, Y12     \
	VMOVUPS Y12, (DI)(R10*1) \
	VADDPS  Y11, Y7, Y12     \
	VMOVUPS Y12, (AX)(R10*1) \
	VSUBPS  Y7, Y11, Y12     \
	VMOVUPS Y12, (BX)(R10*1)

// Row 3 of Bᵀ·t (t1-t3) from Y4..Y7 and the last row's transforms in
// Y0..Y3, stored to coefficients 12..15 at B.
#define WVERT3(B) \
	VSUBPS  Y0, Y4, Y12      \
	VMOVUPS Y12, (B)         \
	VSUBPS  Y1, Y5, Y12      \
	VMOVUPS Y12, (B)(R8*1)   \
	VSUBPS  Y2, Y6, Y12      \
	VMOVUPS Y12, (B)(R8*2)   \
	VSUBPS  Y3, Y7, Y12      \
	VMOVUPS Y12, (B)(R10*1)

// func winoIn8AVX2(v, e, o *float32, vx, vc, ld, plane, chans int)
//
// Stores of coefficient ξ = 4r+s go to base r (DI, AX, BX, R13) plus s
// times vx (R8; R10 = 3·vx).
TEXT ·winoIn8AVX2(SB), NOSPLIT, $0-64
	MOVQ v+0(FP), DI
	MOVQ e+8(FP), SI
	MOVQ o+16(FP), DX
	MOVQ vx+24(FP), R8
	MOVQ ld+40(FP), R11
	MOVQ plane+48(FP), R9
	MOVQ chans+56(FP), CX
	LEAQ (R8)(R8*2), R10
	LEAQ (R11)(R11*2), R12
	LEAQ (DI)(R8*4), AX
	LEAQ (AX)(R8*4), BX
	LEAQ (BX)(R8*4), R13

inloop:
	WROW((SI), 4(SI), (DX), 4(DX), Y0, Y1, Y2, Y3)
	WROW((SI)(R11*1), 4(SI)(R11*1), (DX)(R11*1), 4(DX)(R11*1), Y4, Y5, Y6, Y7)
	WROW((SI)(R11*2), 4(SI)(R11*2), (DX)(R11*2), 4(DX)(R11*2), Y8, Y9, Y10, Y11)

	WVERT012

	// Row 3: t1-t3.
	WROW((SI)(R12*1), 4(SI)(R12*1), (DX)(R12*1), 4(DX)(R12*1), Y0, Y1, Y2, Y3)
	WVERT3(R13)

	ADDQ R9, SI
	ADDQ R9, DX
	ADDQ vc+32(FP), DI
	ADDQ vc+32(FP), AX
	ADDQ vc+32(FP), BX
	ADDQ vc+32(FP), R13
	DECQ CX
	JNE  inloop
	VZEROUPPER
	RET

// Column s of Aᵀ·M: S0 = (m0+m1)+m2, S1 = (m1-m2)-m3, with m_r the
// coefficient 4r+s at M0..M3.
#define WCOL(M0, M1, M2, M3, S0, S1) \
	VMOVUPS M0, S0      \
	VMOVUPS M1, Y12     \
	VMOVUPS M2, Y13     \
	VADDPS  Y12, S0, S0 \
	VADDPS  Y13, S0, S0 \
	VSUBPS  Y13, Y12, S1 \
	VSUBPS  M3, S1, S1

// One output row from S0..S3 (a row of Aᵀ·M): D0 = ((S0+S1)+S2)+b and
// D1 = ((S1-S2)-S3)+b, the row's two outputs of eight tiles.
#define WOUTPAIR(S0, S1, S2, S3, D0, D1) \
	VADDPS S1, S0, D0  \
	VADDPS S2, D0, D0  \
	VADDPS Y15, D0, D0 \
	VSUBPS S2, S1, D1  \
	VSUBPS S3, D1, D1  \
	VADDPS Y15, D1, D1

// WOUTPAIR interleaved into sixteen columns in Y8, Y9.
#define WOUTROW(S0, S1, S2, S3) \
	WOUTPAIR(S0, S1, S2, S3, Y8, Y9) \
	VUNPCKLPS  Y9, Y8, Y10 \
	VUNPCKHPS  Y9, Y8, Y11 \
	VPERM2F128 $0x20, Y11, Y10, Y8 \
	VPERM2F128 $0x31, Y11, Y10, Y9

// func winoOut8AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, rows int)
//
// Loads of coefficient ξ = 4r+s come from base r (SI, AX, BX, R13) plus s
// times mx (R8; R10 = 3·mx). A row shorter than sixteen columns is stored
// in pieces of 8, 4, 2 and 1.
TEXT ·winoOut8AVX2(SB), NOSPLIT, $0-88
	WOUTARGS

outloop:
	WCOLS

	WOUTROW(Y0, Y1, Y2, Y3)
	MOVQ DI, R12
	MOVQ w+72(FP), DX
	CMPQ DX, $16
	JLT  r0part
	VMOVUPS Y8, (R12)
	VMOVUPS Y9, 32(R12)
	JMP  r0done

r0part:
	CMPQ DX, $8
	JLT  r0lt8
	VMOVUPS Y8, (R12)
	ADDQ $32, R12
	SUBQ $8, DX
	VMOVAPS Y9, Y8

r0lt8:
	CMPQ DX, $4
	JLT  r0lt4
	VMOVUPS X8, (R12)
	ADDQ $16, R12
	SUBQ $4, DX
	VEXTRACTF128 $1, Y8, X8

r0lt4:
	CMPQ DX, $2
	JLT  r0lt2
	VMOVSD X8, (R12)
	ADDQ $8, R12
	SUBQ $2, DX
	VMOVHLPS X8, X8, X8

r0lt2:
	CMPQ DX, $1
	JLT  r0done
	VMOVSS X8, (R12)

r0done:
	MOVQ rows+80(FP), DX
	CMPQ DX, $2
	JLT  next

	WOUTROW(Y4, Y5, Y6, Y7)
	LEAQ (DI)(R11*1), R12
	MOVQ w+72(FP), DX
	CMPQ DX, $16
	JLT  r1part
	VMOVUPS Y8, (R12)
	VMOVUPS Y9, 32(R12)
	JMP  next

r1part:
	CMPQ DX, $8
	JLT  r1lt8
	VMOVUPS Y8, (R12)
	ADDQ $32, R12
	SUBQ $8, DX
	VMOVAPS Y9, Y8

r1lt8:
	CMPQ DX, $4
	JLT  r1lt4
	VMOVUPS X8, (R12)
	ADDQ $16, R12
	SUBQ $4, DX
	VEXTRACTF128 $1, Y8, X8

r1lt4:
	CMPQ DX, $2
	JLT  r1lt2
	VMOVSD X8, (R12)
	ADDQ $8, R12
	SUBQ $2, DX
	VMOVHLPS X8, X8, X8

r1lt2:
	CMPQ DX, $1
	JLT  next
	VMOVSS X8, (R12)

next:
	WOUTNEXT
	JNE  outloop
	VZEROUPPER
	RET

// WROW, for two rows of tiles four tiles wide: lanes 0..3 from the row at
// E0 and O0, lanes 4..7 from the row at E1 and O1; TY/TX is scratch.
#define WROW2(E0, E1, E04, E14, O0, O1, O04, O14, T0, T0X, T1, T2, T2X, T3, T3X, TY, TX) \
	LOAD2(E0, E1, T0, T0X)     \
	LOAD2(E04, E14, T2, T2X)   \
	VSUBPS T2, T0, T0          \
	LOAD2(O0, O1, T3, T3X)     \
	VADDPS T2, T3, T1          \
	VSUBPS T3, T2, T2          \
	LOAD2(O04, O14, TY, TX)    \
	VSUBPS TY, T3, T3

// func winoIn8x2AVX2(v, e, o *float32, vx, vc, ld, plane, chans int)
//
// The input transform of two rows of tiles four wide (a 7×7 or 8×8 map):
// padded rows 0..3 for lanes 0..3 and 2..5 for lanes 4..7. Stores as in
// winoIn8AVX2, with BX moved on to coefficient 12 for the last row.
TEXT ·winoIn8x2AVX2(SB), NOSPLIT, $0-64
	MOVQ v+0(FP), DI
	MOVQ e+8(FP), SI
	MOVQ o+16(FP), DX
	MOVQ vx+24(FP), R8
	MOVQ ld+40(FP), R11
	MOVQ plane+48(FP), R9
	MOVQ chans+56(FP), CX
	LEAQ (R8)(R8*2), R10
	LEAQ (R11)(R11*2), R12
	LEAQ (R11)(R11*4), R13

in2loop:
	LEAQ (DI)(R8*4), AX
	LEAQ (AX)(R8*4), BX
	WROW2((SI), (SI)(R11*2), 4(SI), 4(SI)(R11*2), (DX), (DX)(R11*2), 4(DX), 4(DX)(R11*2), Y0, X0, Y1, Y2, X2, Y3, X3, Y12, X12)
	WROW2((SI)(R11*1), (SI)(R12*1), 4(SI)(R11*1), 4(SI)(R12*1), (DX)(R11*1), (DX)(R12*1), 4(DX)(R11*1), 4(DX)(R12*1), Y4, X4, Y5, Y6, X6, Y7, X7, Y12, X12)
	WROW2((SI)(R11*2), (SI)(R11*4), 4(SI)(R11*2), 4(SI)(R11*4), (DX)(R11*2), (DX)(R11*4), 4(DX)(R11*2), 4(DX)(R11*4), Y8, X8, Y9, Y10, X10, Y11, X11, Y12, X12)

	WVERT012

	WROW2((SI)(R12*1), (SI)(R13*1), 4(SI)(R12*1), 4(SI)(R13*1), (DX)(R12*1), (DX)(R13*1), 4(DX)(R12*1), 4(DX)(R13*1), Y0, X0, Y1, Y2, X2, Y3, X3, Y12, X12)
	LEAQ    (AX)(R8*8), BX
	WVERT3(BX)

	ADDQ R9, SI
	ADDQ R9, DX
	ADDQ vc+32(FP), DI
	DECQ CX
	JNE  in2loop
	VZEROUPPER
	RET

// func winoOut8x2AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, rows0, rows1 int)
//
// The output transform of two rows of tiles four wide: lanes 0..3 give
// rows0 output rows of the first, lanes 4..7 rows1 of the second, two
// output rows down, w (≤ 8) columns each.
TEXT ·winoOut8x2AVX2(SB), NOSPLIT, $0-96
	WOUTARGS

out2loop:
	WCOLS

	// Output row 0 of both rows of tiles.
	WOUTROW(Y0, Y1, Y2, Y3)
	MOVQ DI, R12
	MOVQ w+72(FP), DX
	STORE8(Y8, X8, R12, DX, a0l8, a0l4, a0l2, a0l1)
	MOVQ rows1+88(FP), DX
	TESTQ DX, DX
	JEQ  row1
	LEAQ (DI)(R11*2), R12
	MOVQ w+72(FP), DX
	STORE8(Y9, X9, R12, DX, b0l8, b0l4, b0l2, b0l1)

row1:
	// Output row 1, where the rows of tiles have it.
	WOUTROW(Y4, Y5, Y6, Y7)
	MOVQ rows0+80(FP), DX
	CMPQ DX, $2
	JLT  row1b
	LEAQ (DI)(R11*1), R12
	MOVQ w+72(FP), DX
	STORE8(Y8, X8, R12, DX, a1l8, a1l4, a1l2, a1l1)

row1b:
	MOVQ rows1+88(FP), DX
	CMPQ DX, $2
	JLT  next2
	LEAQ (DI)(R11*2), R12
	ADDQ R11, R12
	MOVQ w+72(FP), DX
	STORE8(Y9, X9, R12, DX, b1l8, b1l4, b1l2, b1l1)

next2:
	WOUTNEXT
	JNE  out2loop
	VZEROUPPER
	RET

// func winoOutPool8AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w0, w1 int, relu bool)
//
// The output transform with a 2×2 max pool: each tile's four outputs
// (WOUTPAIR of both rows) maxed in MaxPool2x2's order, then with zero
// under relu; lanes 0..w0-1 stored at y, lanes 4..4+w1-1 at y+ldy.
TEXT ·winoOutPool8AVX2(SB), NOSPLIT, $0-89
	WOUTARGS

poolloop:
	WCOLS
	WOUTPAIR(Y0, Y1, Y2, Y3, Y8, Y9)
	WOUTPAIR(Y4, Y5, Y6, Y7, Y10, Y11)
	MAXNAN(Y8, Y10, Y12, Y13)
	MAXNAN(Y9, Y11, Y14, Y13)
	MAXNAN(Y12, Y14, Y8, Y13)
	CMPB relu+88(FP), $0
	JEQ  pstore
	VXORPS Y9, Y9, Y9
	MAXNAN(Y8, Y9, Y10, Y13)
	VMOVAPS Y10, Y8

pstore:
	VEXTRACTF128 $1, Y8, X9
	MOVQ DI, R12
	MOVQ w0+72(FP), DX
	STORE8(Y8, X8, R12, DX, p0l8, p0l4, p0l2, p0l1)
	MOVQ w1+80(FP), DX
	TESTQ DX, DX
	JEQ  pnext
	LEAQ (DI)(R11*1), R12
	STORE8(Y9, X9, R12, DX, p1l8, p1l4, p1l2, p1l1)

pnext:
	WOUTNEXT
	JNE  poolloop
	VZEROUPPER
	RET
