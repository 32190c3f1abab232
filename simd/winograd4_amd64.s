//go:build !noasm && !purego

#include "textflag.h"
#include "maxnan_amd64.h"
#include "vecio_amd64.h"

// FOUR14 broadcasts 4.0, the transforms' one factor that is not ±1 or 2
// (an exact product), into Y14 (AX scratch).
#define FOUR14 \
	MOVL $0x40800000, AX \
	VMOVD AX, X14 \
	VBROADCASTSS X14, Y14

// BT6 applies Bᵀ to Y0..Y5 in place (bt6's order), with 4.0 in Y14 and
// Y6..Y13 as scratch.
#define BT6 \
	VMULPS Y14, Y2, Y6   \
	VMULPS Y14, Y1, Y7   \
	VMULPS Y14, Y3, Y8   \
	VSUBPS Y6, Y4, Y9    \
	VSUBPS Y7, Y3, Y10   \
	VSUBPS Y2, Y4, Y11   \
	VSUBPS Y1, Y3, Y12   \
	VADDPS Y12, Y12, Y12 \
	VSUBPS Y2, Y9, Y13   \
	VMULPS Y14, Y0, Y0   \
	VADDPS Y0, Y13, Y0   \
	VSUBPS Y8, Y5, Y5    \
	VSUBPS Y3, Y5, Y5    \
	VADDPS Y7, Y5, Y5    \
	VADDPS Y10, Y9, Y1   \
	VSUBPS Y10, Y9, Y2   \
	VADDPS Y12, Y11, Y3  \
	VSUBPS Y12, Y11, Y4

// VCOL transforms column J of the tile (rows ld apart from OFF(S): R11 =
// ld, R12 = 3·ld, R13 = 5·ld) and stores row r of Bᵀ·d to slot 6r+J.
#define VCOL(OFF, S, J) \
	VMOVUPS OFF(S), Y0          \
	VMOVUPS OFF(S)(R11*1), Y1   \
	VMOVUPS OFF(S)(R11*2), Y2   \
	VMOVUPS OFF(S)(R12*1), Y3   \
	VMOVUPS OFF(S)(R11*4), Y4   \
	VMOVUPS OFF(S)(R13*1), Y5   \
	BT6                         \
	VMOVUPS Y0, ((0+J)*32)(SP)  \
	VMOVUPS Y1, ((6+J)*32)(SP)  \
	VMOVUPS Y2, ((12+J)*32)(SP) \
	VMOVUPS Y3, ((18+J)*32)(SP) \
	VMOVUPS Y4, ((24+J)*32)(SP) \
	VMOVUPS Y5, ((30+J)*32)(SP)

// HROW transforms row R of Bᵀ·d (slots 6R..6R+5) and stores coefficient
// 6R+s at R14 + s·vx (R8 = vx, R10 = 3·vx), then moves R14 on six rows.
#define HROW(R) \
	VMOVUPS ((6*(R)+0)*32)(SP), Y0 \
	VMOVUPS ((6*(R)+1)*32)(SP), Y1 \
	VMOVUPS ((6*(R)+2)*32)(SP), Y2 \
	VMOVUPS ((6*(R)+3)*32)(SP), Y3 \
	VMOVUPS ((6*(R)+4)*32)(SP), Y4 \
	VMOVUPS ((6*(R)+5)*32)(SP), Y5 \
	BT6                          \
	LEAQ    (R14)(R8*4), R15     \
	VMOVUPS Y0, (R14)            \
	VMOVUPS Y1, (R14)(R8*1)      \
	VMOVUPS Y2, (R14)(R8*2)      \
	VMOVUPS Y3, (R14)(R10*1)     \
	VMOVUPS Y4, (R15)            \
	VMOVUPS Y5, (R15)(R8*1)      \
	LEAQ    (R14)(R10*2), R14

// AT6 applies Aᵀ to Y0..Y5 (at6's order): Y0..Y3 = y0..y3, with 4.0 in
// Y14 and Y6..Y10 as scratch.
#define AT6 \
	VADDPS Y2, Y1, Y6   \
	VSUBPS Y2, Y1, Y7   \
	VADDPS Y4, Y3, Y8   \
	VSUBPS Y4, Y3, Y9   \
	VADDPS Y6, Y0, Y0   \
	VADDPS Y8, Y0, Y0   \
	VADDPS Y9, Y9, Y10  \
	VADDPS Y10, Y7, Y1  \
	VMULPS Y14, Y8, Y8  \
	VADDPS Y8, Y6, Y2   \
	VMULPS Y14, Y10, Y10 \
	VADDPS Y10, Y7, Y3  \
	VADDPS Y5, Y3, Y3

// MCOL transforms column J of M (rows 6·mx apart from AX: R10 = 6·mx,
// R13 = 18·mx) into rows 0..3 of Aᵀ·M, slots 6i+J, and moves AX on a
// column.
#define MCOL(J) \
	LEAQ    (AX)(R13*1), BX        \
	VMOVUPS (AX), Y0               \
	VMOVUPS (AX)(R10*1), Y1        \
	VMOVUPS (AX)(R10*2), Y2        \
	VMOVUPS (BX), Y3               \
	VMOVUPS (BX)(R10*1), Y4        \
	VMOVUPS (BX)(R10*2), Y5        \
	AT6                            \
	VMOVUPS Y0, ((0+J)*32)(SP)     \
	VMOVUPS Y1, ((6+J)*32)(SP)     \
	VMOVUPS Y2, ((12+J)*32)(SP)    \
	VMOVUPS Y3, ((18+J)*32)(SP)    \
	ADDQ    R8, AX

// VCOL2 is VCOL for two rows of tiles four wide: lanes 0..3 from the rows
// at OFF(S), lanes 4..7 from four padded rows further (AX).
#define VCOL2(OFF, S, J) \
	LEAQ  OFF(S)(R11*4), AX                            \
	LOAD2(OFF(S), (AX), Y0, X0)                        \
	LOAD2(OFF(S)(R11*1), (AX)(R11*1), Y1, X1)          \
	LOAD2(OFF(S)(R11*2), (AX)(R11*2), Y2, X2)          \
	LOAD2(OFF(S)(R12*1), (AX)(R12*1), Y3, X3)          \
	LOAD2(OFF(S)(R11*4), (AX)(R11*4), Y4, X4)          \
	LOAD2(OFF(S)(R13*1), (AX)(R13*1), Y5, X5)          \
	BT6                                                \
	VMOVUPS Y0, ((0+J)*32)(SP)                         \
	VMOVUPS Y1, ((6+J)*32)(SP)                         \
	VMOVUPS Y2, ((12+J)*32)(SP)                        \
	VMOVUPS Y3, ((18+J)*32)(SP)                        \
	VMOVUPS Y4, ((24+J)*32)(SP)                        \
	VMOVUPS Y5, ((30+J)*32)(SP)

// STORE16 writes the first W (0..16) floats of YA then YB at P
// (clobbering YA, P and W).
#define STORE16(YA, XA, YB, P, W, L16, L8, L4, L2, L1) \
	CMPQ W, $8 \
	JLT  L16 \
	VMOVUPS YA, (P) \
	ADDQ $32, P \
	SUBQ $8, W \
	VMOVAPS YB, YA \
L16: \
	STORE8(YA, XA, P, W, L8, L4, L2, L1)

// ROW4 loads row R (0..3) of Aᵀ·M from the frame (slots 6R..6R+5) and
// leaves that output row of the eight tiles, plus the bias, in Y0..Y3.
#define ROW4(R) \
	VMOVUPS ((6*(R)+0)*32)(SP), Y0 \
	VMOVUPS ((6*(R)+1)*32)(SP), Y1 \
	VMOVUPS ((6*(R)+2)*32)(SP), Y2 \
	VMOVUPS ((6*(R)+3)*32)(SP), Y3 \
	VMOVUPS ((6*(R)+4)*32)(SP), Y4 \
	VMOVUPS ((6*(R)+5)*32)(SP), Y5 \
	AT6                          \
	VADDPS  Y15, Y0, Y0          \
	VADDPS  Y15, Y1, Y1          \
	VADDPS  Y15, Y2, Y2          \
	VADDPS  Y15, Y3, Y3

// POOLMAX pools output rows 2P and 2P+1 of the eight tiles (MaxPool2x2's
// order, then with Y13 under the ReLU): Y8 = each tile's pooled value of
// its left two columns, Y9 of its right two. Row 2P's outputs wait in its
// frame slots while row 2P+1 is transformed.
#define POOLMAX(P) \
	ROW4(2*P)                             \
	VMOVUPS Y0, ((12*P+0)*32)(SP)         \
	VMOVUPS Y1, ((12*P+1)*32)(SP)         \
	VMOVUPS Y2, ((12*P+2)*32)(SP)         \
	VMOVUPS Y3, ((12*P+3)*32)(SP)         \
	ROW4(2*P+1)                           \
	VMOVUPS ((12*P+0)*32)(SP), Y4         \
	VMOVUPS ((12*P+1)*32)(SP), Y5         \
	VMOVUPS ((12*P+2)*32)(SP), Y6         \
	VMOVUPS ((12*P+3)*32)(SP), Y7         \
	MAXNAN(Y4, Y0, Y8, Y12)               \
	MAXNAN(Y5, Y1, Y9, Y12)               \
	MAXNAN(Y8, Y9, Y10, Y12)              \
	MAXNAN(Y6, Y2, Y8, Y12)               \
	MAXNAN(Y7, Y3, Y9, Y12)               \
	MAXNAN(Y8, Y9, Y11, Y12)              \
	MAXNAN(Y10, Y13, Y8, Y12)             \
	MAXNAN(Y11, Y13, Y9, Y12)

// POOLROWS is POOLMAX interleaved: Y0 = the pooled row of lanes 0..3
// (eight columns), Y1 that of lanes 4..7.
#define POOLROWS(P) \
	POOLMAX(P)                            \
	VUNPCKLPS  Y9, Y8, Y4                 \
	VUNPCKHPS  Y9, Y8, Y5                 \
	VPERM2F128 $0x20, Y5, Y4, Y0          \
	VPERM2F128 $0x31, Y5, Y4, Y1

// RELUBOUND sets Y13 to 0 when the register R (the relu flag) is not
// zero, else to -Inf, which no maximum changes for.
#define RELUBOUND(R) \
	VXORPS Y13, Y13, Y13        \
	TESTQ  R, R                 \
	JNE    4(PC)                \
	MOVL   $0xff800000, AX      \
	VMOVD  AX, X13              \
	VBROADCASTSS X13, Y13

// LOAD4 loads two floats from each of M0..M3 into lanes 0-1, 2-3, 4-5
// and 6-7 of Y/X (X15 scratch).
#define LOAD4(M0, M1, M2, M3, Y, X) \
	VMOVSD      M0, X          \
	VMOVHPS     M1, X, X       \
	VMOVSD      M2, X15        \
	VMOVHPS     M3, X15, X15   \
	VINSERTF128 $1, X15, Y, Y

// VCOL4 is VCOL for four groups of two tiles: group g's rows start og
// bytes past OFF(S) (o0 = 0; o1..o3 copied past the 36 slots).
#define VCOL4(OFF, S, J) \
	MOVQ  S, AX                                                              \
	ADDQ  1152(SP), AX                                                       \
	MOVQ  S, R14                                                             \
	ADDQ  1160(SP), R14                                                      \
	MOVQ  S, R15                                                             \
	ADDQ  1168(SP), R15                                                      \
	LOAD4(OFF(S), OFF(AX), OFF(R14), OFF(R15), Y0, X0)                       \
	LOAD4(OFF(S)(R11*1), OFF(AX)(R11*1), OFF(R14)(R11*1), OFF(R15)(R11*1), Y1, X1) \
	LOAD4(OFF(S)(R11*2), OFF(AX)(R11*2), OFF(R14)(R11*2), OFF(R15)(R11*2), Y2, X2) \
	LOAD4(OFF(S)(R12*1), OFF(AX)(R12*1), OFF(R14)(R12*1), OFF(R15)(R12*1), Y3, X3) \
	LOAD4(OFF(S)(R11*4), OFF(AX)(R11*4), OFF(R14)(R11*4), OFF(R15)(R11*4), Y4, X4) \
	LOAD4(OFF(S)(R13*1), OFF(AX)(R13*1), OFF(R14)(R13*1), OFF(R15)(R13*1), Y5, X5) \
	BT6                                                                      \
	VMOVUPS Y0, ((0+J)*32)(SP)                                               \
	VMOVUPS Y1, ((6+J)*32)(SP)                                               \
	VMOVUPS Y2, ((12+J)*32)(SP)                                              \
	VMOVUPS Y3, ((18+J)*32)(SP)                                              \
	VMOVUPS Y4, ((24+J)*32)(SP)                                              \
	VMOVUPS Y5, ((30+J)*32)(SP)

// GSTORE stores WARG floats of Y/X for a group at BX (the row) plus the
// group's offset DOFF, when the row counter R14 is below its rows ROFF.
#define GSTORE(Y, X, WARG, DOFF, ROFF, L0, L8, L4, L2, L1) \
	CMPQ R14, ROFF \
	JGE  L0 \
	MOVQ BX, R12 \
	ADDQ DOFF, R12 \
	MOVQ WARG, DX \
	STORE8(Y, X, R12, DX, L8, L4, L2, L1) \
L0:

// IN4ARGS loads the input kernels' arguments: v in DI, the phases in SI,
// DX, BX, R9, vx in R8 (R10 = 3·vx), ld in R11 (R12 = 3·ld, R13 = 5·ld),
// the channels in CX, 4.0 in Y14.
#define IN4ARGS \
	MOVQ v+0(FP), DI \
	MOVQ p0+8(FP), SI \
	MOVQ p1+16(FP), DX \
	MOVQ p2+24(FP), BX \
	MOVQ p3+32(FP), R9 \
	MOVQ vx+40(FP), R8 \
	MOVQ ld+56(FP), R11 \
	MOVQ chans+72(FP), CX \
	LEAQ (R8)(R8*2), R10 \
	LEAQ (R11)(R11*2), R12 \
	LEAQ (R11)(R11*4), R13 \
	FOUR14

// IN4ROWS transforms the rows of the frame's slots into v and moves on to
// the next channel, leaving the flags of the channel count's decrement.
#define IN4ROWS \
	MOVQ DI, R14 \
	HROW(0) \
	HROW(1) \
	HROW(2) \
	HROW(3) \
	HROW(4) \
	HROW(5) \
	MOVQ plane+64(FP), AX \
	ADDQ AX, SI \
	ADDQ AX, DX \
	ADDQ AX, BX \
	ADDQ AX, R9 \
	ADDQ vc+48(FP), DI \
	DECQ CX

// OUT4ARGS loads the output kernels' arguments: y in DI, m in SI, mx in
// R8 (R10 = 6·mx, R13 = 18·mx), the bias in R9, ldy in R11, the channels in
// CX, 4.0 in Y14.
#define OUT4ARGS \
	MOVQ y+0(FP), DI \
	MOVQ m+8(FP), SI \
	MOVQ bias+16(FP), R9 \
	MOVQ mx+24(FP), R8 \
	MOVQ ldy+40(FP), R11 \
	MOVQ chans+64(FP), CX \
	LEAQ (R8)(R8*2), R10 \
	SHLQ $1, R10 \
	LEAQ (R10)(R10*2), R13 \
	FOUR14

// MCOLS transforms the six columns of a channel's M into the frame and
// broadcasts its bias into Y15.
#define MCOLS \
	MOVQ SI, AX \
	MCOL(0) \
	MCOL(1) \
	MCOL(2) \
	MCOL(3) \
	MCOL(4) \
	MCOL(5) \
	VBROADCASTSS (R9), Y15

// ROWT transforms the row of Aᵀ·M at R15 (six slots) and adds the bias:
// output row of the eight tiles, interleaved into Y0 (tiles 0, 1), Y1 (2,
// 3), Y2 (4, 5) and Y3 (6, 7), four columns a tile.
#define ROWT \
	VMOVUPS (R15), Y0 \
	VMOVUPS 32(R15), Y1 \
	VMOVUPS 64(R15), Y2 \
	VMOVUPS 96(R15), Y3 \
	VMOVUPS 128(R15), Y4 \
	VMOVUPS 160(R15), Y5 \
	AT6 \
	VADDPS Y15, Y0, Y0 \
	VADDPS Y15, Y1, Y1 \
	VADDPS Y15, Y2, Y2 \
	VADDPS Y15, Y3, Y3 \
	VUNPCKLPS Y1, Y0, Y6 \
	VUNPCKHPS Y1, Y0, Y7 \
	VUNPCKLPS Y3, Y2, Y8 \
	VUNPCKHPS Y3, Y2, Y9 \
	VUNPCKLPD Y8, Y6, Y10 \
	VUNPCKHPD Y8, Y6, Y11 \
	VUNPCKLPD Y9, Y7, Y12 \
	VUNPCKHPD Y9, Y7, Y13 \
	VPERM2F128 $0x20, Y11, Y10, Y0 \
	VPERM2F128 $0x20, Y13, Y12, Y1 \
	VPERM2F128 $0x31, Y11, Y10, Y2 \
	VPERM2F128 $0x31, Y13, Y12, Y3

// OUT4NEXT moves the output kernels on to the next channel, leaving the
// flags of the channel count's decrement.
#define OUT4NEXT \
	MOVQ mc+32(FP), DX \
	ADDQ DX, SI \
	ADDQ yplane+48(FP), DI \
	ADDQ bstride+56(FP), R9 \
	DECQ CX

// func winoIn4x8AVX2(v, p0, p1, p2, p3 *float32, vx, vc, ld, plane, chans int)
//
// The columns of each tile first, into the frame, then its rows.
TEXT ·winoIn4x8AVX2(SB), $1152-80
	IN4ARGS

in4loop:
	VCOL(0, SI, 0)
	VCOL(0, DX, 1)
	VCOL(0, BX, 2)
	VCOL(0, R9, 3)
	VCOL(4, SI, 4)
	VCOL(4, DX, 5)
	IN4ROWS
	JNE  in4loop
	VZEROUPPER
	RET

// func winoOut4x8AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, rows int)
//
// The columns of M first, into the frame, then each output row: Aᵀ·M·A
// plus the bias for the eight tiles, interleaved into 32 columns.
TEXT ·winoOut4x8AVX2(SB), $768-88
	OUT4ARGS

out4loop:
	MCOLS
	MOVQ rows+80(FP), R14
	MOVQ SP, R15
	MOVQ DI, BX

out4row:
	ROWT

	// w columns: whole vectors while eight remain, then the rest.
	MOVQ BX, R12
	MOVQ w+72(FP), DX
	CMPQ DX, $8
	JLT  o4part0
	VMOVUPS Y0, (R12)
	ADDQ $32, R12
	SUBQ $8, DX
	CMPQ DX, $8
	JLT  o4part1
	VMOVUPS Y1, (R12)
	ADDQ $32, R12
	SUBQ $8, DX
	CMPQ DX, $8
	JLT  o4part2
	VMOVUPS Y2, (R12)
	ADDQ $32, R12
	SUBQ $8, DX
	CMPQ DX, $8
	JLT  o4part3
	VMOVUPS Y3, (R12)
	JMP  o4rowdone

o4part1:
	VMOVAPS Y1, Y0
	JMP  o4part0

o4part2:
	VMOVAPS Y2, Y0
	JMP  o4part0

o4part3:
	VMOVAPS Y3, Y0

o4part0:
	STORE8(Y0, X0, R12, DX, o4l8, o4l4, o4l2, o4l1)

o4rowdone:
	ADDQ $192, R15
	ADDQ R11, BX
	DECQ R14
	JNE  out4row

	OUT4NEXT
	JNE  out4loop
	VZEROUPPER
	RET

// func winoIn4x8x2AVX2(v, p0, p1, p2, p3 *float32, vx, vc, ld, plane, chans int)
TEXT ·winoIn4x8x2AVX2(SB), $1152-80
	IN4ARGS

in4x2loop:
	VCOL2(0, SI, 0)
	VCOL2(0, DX, 1)
	VCOL2(0, BX, 2)
	VCOL2(0, R9, 3)
	VCOL2(4, SI, 4)
	VCOL2(4, DX, 5)
	IN4ROWS
	JNE  in4x2loop
	VZEROUPPER
	RET

// func winoOut4x8x2AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, rows0, rows1 int)
//
// winoOut4x8AVX2 for two rows of tiles four wide: lanes 0..3 give rows0
// output rows at y, lanes 4..7 rows1 output rows four rows down, w (≤ 16)
// columns each.
TEXT ·winoOut4x8x2AVX2(SB), $768-96
	OUT4ARGS

out4x2loop:
	MCOLS
	MOVQ SP, R15
	MOVQ DI, BX
	XORQ R14, R14

out4x2row:
	ROWT

	// Row i of the first row of tiles (every i < rows0).
	MOVQ BX, R12
	MOVQ w+72(FP), DX
	STORE16(Y0, X0, Y1, R12, DX, q0l16, q0l8, q0l4, q0l2, q0l1)
	CMPQ R14, rows1+88(FP)
	JGE  o4x2next
	LEAQ (BX)(R11*4), R12
	MOVQ w+72(FP), DX
	STORE16(Y2, X2, Y3, R12, DX, q1l16, q1l8, q1l4, q1l2, q1l1)

o4x2next:
	ADDQ $192, R15
	ADDQ R11, BX
	INCQ R14
	CMPQ R14, rows0+80(FP)
	JLT  out4x2row

	OUT4NEXT
	JNE  out4x2loop
	VZEROUPPER
	RET

// func winoOut4Pool8x2AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, rows0, rows1 int, relu bool)
//
// winoOut4x8x2AVX2 with a 2×2 max pool: each tile gives a 2×2 block of
// pooled values; lanes 0..3 give rows0 (1 or 2) pooled rows at y, lanes
// 4..7 rows1 (0..2) two pooled rows down, w (≤ 8) columns each. Without
// the ReLU, Y13 is -Inf, which no value's maximum changes for.
TEXT ·winoOut4Pool8x2AVX2(SB), $768-97
	OUT4ARGS

out4ploop:
	MCOLS
	MOVBQZX relu+96(FP), DX
	RELUBOUND(DX)

	POOLROWS(0)
	MOVQ DI, R12
	MOVQ w+72(FP), DX
	STORE8(Y0, X0, R12, DX, pa0l8, pa0l4, pa0l2, pa0l1)
	CMPQ rows1+88(FP), $0
	JEQ  o4prow1
	LEAQ (DI)(R11*2), R12
	MOVQ w+72(FP), DX
	STORE8(Y1, X1, R12, DX, pb0l8, pb0l4, pb0l2, pb0l1)

o4prow1:
	CMPQ rows0+80(FP), $2
	JLT  o4pnext
	POOLROWS(1)
	LEAQ (DI)(R11*1), R12
	MOVQ w+72(FP), DX
	STORE8(Y0, X0, R12, DX, pa1l8, pa1l4, pa1l2, pa1l1)
	CMPQ rows1+88(FP), $2
	JLT  o4pnext
	LEAQ (DI)(R11*2), R12
	ADDQ R11, R12
	MOVQ w+72(FP), DX
	STORE8(Y1, X1, R12, DX, pb1l8, pb1l4, pb1l2, pb1l1)

o4pnext:
	OUT4NEXT
	JNE  out4ploop
	VZEROUPPER
	RET

// func winoIn4x8x4AVX2(v, p0, p1, p2, p3 *float32, vx, vc, ld, plane, chans, o1, o2, o3 int)
TEXT ·winoIn4x8x4AVX2(SB), $1176-104
	MOVQ o1+80(FP), AX
	MOVQ AX, 1152(SP)
	MOVQ o2+88(FP), AX
	MOVQ AX, 1160(SP)
	MOVQ o3+96(FP), AX
	MOVQ AX, 1168(SP)
	IN4ARGS

in4x4loop:
	VCOL4(0, SI, 0)
	VCOL4(0, DX, 1)
	VCOL4(0, BX, 2)
	VCOL4(0, R9, 3)
	VCOL4(4, SI, 4)
	VCOL4(4, DX, 5)
	IN4ROWS
	JNE  in4x4loop
	VZEROUPPER
	RET

// func winoOut4x8x4AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, d1, d2, d3, r0, r1, r2, r3 int)
//
// winoOut4x8AVX2 for four groups of two tiles: group g (lanes 2g, 2g+1)
// writes r_g output rows of w (≤ 8) columns dg bytes past y (d0 = 0).
TEXT ·winoOut4x8x4AVX2(SB), $768-136
	OUT4ARGS

out4x4loop:
	MCOLS
	MOVQ SP, R15
	MOVQ DI, BX
	XORQ R14, R14

out4x4row:
	ROWT

	GSTORE(Y0, X0, w+72(FP), $0, r0+104(FP), g0s, g0l8, g0l4, g0l2, g0l1)
	GSTORE(Y1, X1, w+72(FP), d1+80(FP), r1+112(FP), g1s, g1l8, g1l4, g1l2, g1l1)
	GSTORE(Y2, X2, w+72(FP), d2+88(FP), r2+120(FP), g2s, g2l8, g2l4, g2l2, g2l1)
	GSTORE(Y3, X3, w+72(FP), d3+96(FP), r3+128(FP), g3s, g3l8, g3l4, g3l2, g3l1)

	ADDQ $192, R15
	ADDQ R11, BX
	INCQ R14
	CMPQ R14, r0+104(FP)
	JLT  out4x4row

	OUT4NEXT
	JNE  out4x4loop
	VZEROUPPER
	RET

// func winoOut4Pool8x4AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, d1, d2, d3, r0, r1, r2, r3 int, relu bool)
//
// winoOut4x8x4AVX2 with a 2×2 max pool: group g writes r_g (≤ 2) pooled
// rows of w (≤ 4) columns dg bytes past y.
TEXT ·winoOut4Pool8x4AVX2(SB), $768-137
	OUT4ARGS

out4p4loop:
	MCOLS
	MOVBQZX relu+136(FP), DX
	RELUBOUND(DX)
	MOVQ DI, BX
	XORQ R14, R14

	// Pooled row 0 of each group (lanes 2g, 2g+1: four columns).
	POOLMAX(0)
	VUNPCKLPS    Y9, Y8, Y0
	VUNPCKHPS    Y9, Y8, Y1
	VEXTRACTF128 $1, Y0, X2
	VEXTRACTF128 $1, Y1, X3
	GSTORE(Y0, X0, w+72(FP), $0, r0+104(FP), h0s, h0l8, h0l4, h0l2, h0l1)
	GSTORE(Y1, X1, w+72(FP), d1+80(FP), r1+112(FP), h1s, h1l8, h1l4, h1l2, h1l1)
	GSTORE(Y2, X2, w+72(FP), d2+88(FP), r2+120(FP), h2s, h2l8, h2l4, h2l2, h2l1)
	GSTORE(Y3, X3, w+72(FP), d3+96(FP), r3+128(FP), h3s, h3l8, h3l4, h3l2, h3l1)

	// Pooled row 1, where a group has it.
	ADDQ R11, BX
	INCQ R14
	CMPQ R14, r0+104(FP)
	JGE  out4p4next
	POOLMAX(1)
	VUNPCKLPS    Y9, Y8, Y0
	VUNPCKHPS    Y9, Y8, Y1
	VEXTRACTF128 $1, Y0, X2
	VEXTRACTF128 $1, Y1, X3
	GSTORE(Y0, X0, w+72(FP), $0, r0+104(FP), k0s, k0l8, k0l4, k0l2, k0l1)
	GSTORE(Y1, X1, w+72(FP), d1+80(FP), r1+112(FP), k1s, k1l8, k1l4, k1l2, k1l1)
	GSTORE(Y2, X2, w+72(FP), d2+88(FP), r2+120(FP), k2s, k2l8, k2l4, k2l2, k2l1)
	GSTORE(Y3, X3, w+72(FP), d3+96(FP), r3+128(FP), k3s, k3l8, k3l4, k3l2, k3l1)

out4p4next:
	OUT4NEXT
	JNE  out4p4loop
	VZEROUPPER
	RET

// func winoIn4LAVX2(v, d *float32, vx, vc, chans int)
//
// The tile's columns are 32 bytes apart and its rows 192 (a 6×6 map of
// eight lanes): VCOL at offsets 32·J from one base.
TEXT ·winoIn4LAVX2(SB), $1152-40
	MOVQ v+0(FP), DI
	MOVQ d+8(FP), SI
	MOVQ vx+16(FP), R8
	MOVQ chans+32(FP), CX
	LEAQ (R8)(R8*2), R10
	MOVQ $192, R11
	MOVQ $576, R12
	MOVQ $960, R13
	FOUR14

in4lloop:
	VCOL(0, SI, 0)
	VCOL(32, SI, 1)
	VCOL(64, SI, 2)
	VCOL(96, SI, 3)
	VCOL(128, SI, 4)
	VCOL(160, SI, 5)
	MOVQ DI, R14
	HROW(0)
	HROW(1)
	HROW(2)
	HROW(3)
	HROW(4)
	HROW(5)
	ADDQ $1152, SI
	ADDQ vc+24(FP), DI
	DECQ CX
	JNE  in4lloop
	VZEROUPPER
	RET

// STIMG stores Y, image K-1's floats, R11 bytes past the previous
// image's (R12), unless fewer than K images (DX) are wanted.
#define STIMG(Y, K, OFF, L) \
	CMPQ    DX, $K                   \
	JLT     L                        \
	ADDQ    R11, R12                 \
	VMOVUPS Y, OFF(R12)

// TRANS8 transposes the eight vectors in frame slots S0..S7 (lanes =
// images) and stores image k's eight floats at DI + k·R11 + OFF for
// k < count (in DX), with Y0..Y15 as scratch.
#define TRANS8(S0, S1, S2, S3, S4, S5, S6, S7, OFF, L) \
	VMOVUPS (S0*32)(SP), Y0          \
	VMOVUPS (S1*32)(SP), Y1          \
	VMOVUPS (S2*32)(SP), Y2          \
	VMOVUPS (S3*32)(SP), Y3          \
	VMOVUPS (S4*32)(SP), Y4          \
	VMOVUPS (S5*32)(SP), Y5          \
	VMOVUPS (S6*32)(SP), Y6          \
	VMOVUPS (S7*32)(SP), Y7          \
	VUNPCKLPS Y1, Y0, Y8             \
	VUNPCKHPS Y1, Y0, Y9             \
	VUNPCKLPS Y3, Y2, Y10            \
	VUNPCKHPS Y3, Y2, Y11            \
	VUNPCKLPS Y5, Y4, Y12            \
	VUNPCKHPS Y5, Y4, Y13            \
	VUNPCKLPS Y7, Y6, Y14            \
	VUNPCKHPS Y7, Y6, Y15            \
	VSHUFPS $0x44, Y10, Y8, Y0       \
	VSHUFPS $0xEE, Y10, Y8, Y1       \
	VSHUFPS $0x44, Y11, Y9, Y2       \
	VSHUFPS $0xEE, Y11, Y9, Y3       \
	VSHUFPS $0x44, Y14, Y12, Y4      \
	VSHUFPS $0xEE, Y14, Y12, Y5      \
	VSHUFPS $0x44, Y15, Y13, Y6      \
	VSHUFPS $0xEE, Y15, Y13, Y7      \
	VPERM2F128 $0x20, Y4, Y0, Y8     \
	VPERM2F128 $0x20, Y5, Y1, Y9     \
	VPERM2F128 $0x20, Y6, Y2, Y10    \
	VPERM2F128 $0x20, Y7, Y3, Y11    \
	VPERM2F128 $0x31, Y4, Y0, Y12    \
	VPERM2F128 $0x31, Y5, Y1, Y13    \
	VPERM2F128 $0x31, Y6, Y2, Y14    \
	VPERM2F128 $0x31, Y7, Y3, Y15    \
	MOVQ    DI, R12                  \
	VMOVUPS Y8, OFF(R12)             \
	STIMG(Y9, 2, OFF, L)             \
	STIMG(Y10, 3, OFF, L)            \
	STIMG(Y11, 4, OFF, L)            \
	STIMG(Y12, 5, OFF, L)            \
	STIMG(Y13, 6, OFF, L)            \
	STIMG(Y14, 7, OFF, L)            \
	STIMG(Y15, 8, OFF, L)            \
L:

// func winoOut4LAVX2(y, m, bias *float32, mx, mc, ystride, bstride, chans, count int)
//
// Each output row's four vectors wait in the frame (row i's outputs j in
// slot 6i+j) until the two 8×8 transposes turn lanes into images.
TEXT ·winoOut4LAVX2(SB), $768-72
	MOVQ y+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ bias+16(FP), R9
	MOVQ mx+24(FP), R8
	MOVQ ystride+40(FP), R11
	MOVQ chans+56(FP), CX
	MOVQ count+64(FP), DX
	LEAQ (R8)(R8*2), R10
	SHLQ $1, R10
	LEAQ (R10)(R10*2), R13

out4lloop:
	FOUR14
	MCOLS
	ROW4(0)
	VMOVUPS Y0, (0*32)(SP)
	VMOVUPS Y1, (1*32)(SP)
	VMOVUPS Y2, (2*32)(SP)
	VMOVUPS Y3, (3*32)(SP)
	ROW4(1)
	VMOVUPS Y0, (6*32)(SP)
	VMOVUPS Y1, (7*32)(SP)
	VMOVUPS Y2, (8*32)(SP)
	VMOVUPS Y3, (9*32)(SP)
	ROW4(2)
	VMOVUPS Y0, (12*32)(SP)
	VMOVUPS Y1, (13*32)(SP)
	VMOVUPS Y2, (14*32)(SP)
	VMOVUPS Y3, (15*32)(SP)
	ROW4(3)
	VMOVUPS Y0, (18*32)(SP)
	VMOVUPS Y1, (19*32)(SP)
	VMOVUPS Y2, (20*32)(SP)
	VMOVUPS Y3, (21*32)(SP)
	TRANS8(0, 1, 2, 3, 6, 7, 8, 9, 0, t8a)
	TRANS8(12, 13, 14, 15, 18, 19, 20, 21, 32, t8b)

	MOVQ mc+32(FP), AX
	ADDQ AX, SI
	ADDQ $64, DI
	ADDQ bstride+48(FP), R9
	DECQ CX
	JNE  out4lloop
	VZEROUPPER
	RET
