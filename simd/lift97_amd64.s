//go:build !noasm && !purego

#include "textflag.h"

// C3ARGS loads the three-row kernels' rows (all but x7, which shares AX
// with the constants' address) and the state rows d1 and s1.
#define C3ARGS \
	MOVQ lo+0(FP), DI \
	MOVQ hi+8(FP), SI \
	MOVQ x2+16(FP), R8 \
	MOVQ x3+24(FP), R9 \
	MOVQ x4+32(FP), R10 \
	MOVQ x5+40(FP), R14 \
	MOVQ x6+48(FP), R15 \
	MOVQ x8+64(FP), CX \
	MOVQ d1+72(FP), R11 \
	MOVQ s1+80(FP), R12

// Lift97Steps, one block of eight outputs in five registers and a
// temporary, step by step so that two blocks interleave: each block's
// chain of dependent additions and multiply-adds is long, and two chains
// side by side keep both FMA and both add pipes busy. R10 and R11 point at
// the block's e and o; off is the block's byte offset from them.
//
// ST1: r0 = e1, r1 = d1(-2)      ST6: r3 = d2(-1)
// ST2: r2 = e2, r3 = d1(-1)      ST7: r0 = d1(1)
// ST3: r0 = s1(-1)               ST8: r4 = s1(1)
// ST4: r4 = e3, r1 = d1(0)       ST9: r1 = d2(0), the high band
// ST5: r2 = s1(0)                ST10: r2 = s2(0), the low band
#define ST1(off, r0, r1, t) \
	VMOVUPS     4+off(R10), r0 \
	VADDPS      off(R10), r0, t \
	VMOVUPS     off(R11), r1 \
	VFMADD231PS t, Y12, r1

#define ST2(off, r0, r2, r3, t) \
	VMOVUPS     8+off(R10), r2 \
	VADDPS      r2, r0, t \
	VMOVUPS     4+off(R11), r3 \
	VFMADD231PS t, Y12, r3

#define ST3(r0, r1, r3, t) \
	VADDPS      r3, r1, t \
	VFMADD231PS t, Y13, r0

#define ST4(off, r1, r2, r4, t) \
	VMOVUPS     12+off(R10), r4 \
	VADDPS      r4, r2, t \
	VMOVUPS     8+off(R11), r1 \
	VFMADD231PS t, Y12, r1

#define ST5(r1, r2, r3, t) \
	VADDPS      r1, r3, t \
	VFMADD231PS t, Y13, r2

#define ST6(r0, r2, r3, t) \
	VADDPS      r2, r0, t \
	VFMADD231PS t, Y14, r3

#define ST7(off, r0, r4, t) \
	VADDPS      16+off(R10), r4, t \
	VMOVUPS     12+off(R11), r0 \
	VFMADD231PS t, Y12, r0

#define ST8(r0, r1, r4, t) \
	VADDPS      r0, r1, t \
	VFMADD231PS t, Y13, r4

#define ST9(r1, r2, r4, t) \
	VADDPS      r4, r2, t \
	VFMADD231PS t, Y14, r1

#define ST10(r1, r2, r3, t) \
	VADDPS      r1, r3, t \
	VFMADD231PS t, Y15, r2

// func lift97StepsAVX2(lo, hi, e, o *float32, n int, c *[4]float32)
TEXT ·lift97StepsAVX2(SB), NOSPLIT, $0-48
	MOVQ         lo+0(FP), DI
	MOVQ         hi+8(FP), SI
	MOVQ         e+16(FP), R8
	MOVQ         o+24(FP), R9
	MOVQ         n+32(FP), CX
	MOVQ         c+40(FP), AX
	VBROADCASTSS 0(AX), Y12  // α
	VBROADCASTSS 4(AX), Y13  // β
	VBROADCASTSS 8(AX), Y14  // γ
	VBROADCASTSS 12(AX), Y15 // δ
	LEAQ         -8(CX), DX  // the last block's start
	LEAQ         -16(CX), R12
	XORQ         BX, BX

spair:
	CMPQ BX, R12
	JGT  sblock
	LEAQ (R8)(BX*4), R10
	LEAQ (R9)(BX*4), R11
	ST1(0, Y0, Y1, Y5)
	ST1(32, Y6, Y7, Y11)
	ST2(0, Y0, Y2, Y3, Y5)
	ST2(32, Y6, Y8, Y9, Y11)
	ST3(Y0, Y1, Y3, Y5)
	ST3(Y6, Y7, Y9, Y11)
	ST4(0, Y1, Y2, Y4, Y5)
	ST4(32, Y7, Y8, Y10, Y11)
	ST5(Y1, Y2, Y3, Y5)
	ST5(Y7, Y8, Y9, Y11)
	ST6(Y0, Y2, Y3, Y5)
	ST6(Y6, Y8, Y9, Y11)
	ST7(0, Y0, Y4, Y5)
	ST7(32, Y6, Y10, Y11)
	ST8(Y0, Y1, Y4, Y5)
	ST8(Y6, Y7, Y10, Y11)
	ST9(Y1, Y2, Y4, Y5)
	ST9(Y7, Y8, Y10, Y11)
	ST10(Y1, Y2, Y3, Y5)
	ST10(Y7, Y8, Y9, Y11)
	VMOVUPS Y2, (DI)(BX*4)
	VMOVUPS Y8, 32(DI)(BX*4)
	VMOVUPS Y1, (SI)(BX*4)
	VMOVUPS Y7, 32(SI)(BX*4)
	ADDQ    $16, BX
	JMP     spair

sblock:
	CMPQ BX, CX
	JGE  sdone
	CMPQ BX, DX
	JLE  sone
	MOVQ DX, BX // the tail: one block ending at n

sone:
	LEAQ    (R8)(BX*4), R10
	LEAQ    (R9)(BX*4), R11
	ST1(0, Y0, Y1, Y5)
	ST2(0, Y0, Y2, Y3, Y5)
	ST3(Y0, Y1, Y3, Y5)
	ST4(0, Y1, Y2, Y4, Y5)
	ST5(Y1, Y2, Y3, Y5)
	ST6(Y0, Y2, Y3, Y5)
	ST7(0, Y0, Y4, Y5)
	ST8(Y0, Y1, Y4, Y5)
	ST9(Y1, Y2, Y4, Y5)
	ST10(Y1, Y2, Y3, Y5)
	VMOVUPS Y2, (DI)(BX*4)
	VMOVUPS Y1, (SI)(BX*4)
	ADDQ    $8, BX
	JMP     sblock

sdone:
	VZEROUPPER
	RET

// func lift97SplitAVX2(x, e, o *float32, n int)
TEXT ·lift97SplitAVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ e+8(FP), R8
	MOVQ o+16(FP), R9
	MOVQ n+24(FP), CX

	// Split: e[k+2], o[k+2] = x[2k], x[2k+1], sixteen samples a block,
	// the last block ending at 2n.
	LEAQ -8(CX), DX
	XORQ BX, BX

runzip:
	CMPQ BX, DX
	JLE  runz1
	CMPQ BX, CX
	JGE  rhalo
	MOVQ DX, BX

runz1:
	LEAQ        (SI)(BX*8), AX
	VMOVUPS     (AX), X0
	VINSERTF128 $1, 32(AX), Y0, Y0
	VMOVUPS     16(AX), X1
	VINSERTF128 $1, 48(AX), Y1, Y1
	VSHUFPS     $0x88, Y1, Y0, Y2
	VSHUFPS     $0xDD, Y1, Y0, Y3
	VMOVUPS     Y2, 8(R8)(BX*4)
	VMOVUPS     Y3, 8(R9)(BX*4)
	ADDQ        $8, BX
	JMP         runzip

rhalo:
	// p[0], p[1] = p[n], p[n+1]; p[n+2], p[n+3] = p[2], p[3]
	MOVQ (R8)(CX*4), AX
	MOVQ AX, (R8)
	MOVQ 8(R8), AX
	MOVQ AX, 8(R8)(CX*4)
	MOVQ (R9)(CX*4), AX
	MOVQ AX, (R9)
	MOVQ 8(R9), AX
	MOVQ AX, 8(R9)(CX*4)
	VZEROUPPER
	RET

// Lift97Col, one block of eight columns in four registers and a
// temporary, step by step so that two blocks interleave (as above). BX is
// the byte offset of the pair; off that of the block within it.
//
// CL1: r0 = x2, r1 = d1n     CL3: r3 = s1, r2 = d2
// CL2: r2 = d1, r0 = s1n     CL4: r3 = s2;  CL5 scales and stores
#define CL1(off, r0, r1, t) \
	VMOVUPS     off(R8)(BX*1), r0 \
	VADDPS      off(R10)(BX*1), r0, t \
	VMOVUPS     off(R9)(BX*1), r1 \
	VFMADD231PS t, Y10, r1

#define CL2(off, r0, r1, r2, t) \
	VMOVUPS     off(R11)(BX*1), r2 \
	VADDPS      r1, r2, t \
	VFMADD231PS t, Y11, r0

#define CL3(off, r0, r2, r3, t) \
	VMOVUPS     off(R12)(BX*1), r3 \
	VADDPS      r0, r3, t \
	VFMADD231PS t, Y12, r2

#define CL4(off, r2, r3, t) \
	VADDPS      off(R13)(BX*1), r2, t \
	VFMADD231PS t, Y13, r3

#define CL5(off, r0, r1, r2, r3, t) \
	VMULPS  Y14, r3, r3            \
	VMULPS  Y15, r2, t             \
	VMOVUPS r3, off(DI)(BX*1)      \
	VMOVUPS t, off(SI)(BX*1)       \
	VMOVUPS r1, off(R11)(BX*1)     \
	VMOVUPS r0, off(R12)(BX*1)     \
	VMOVUPS r2, off(R13)(BX*1)

// COLCONST broadcasts a column pass's constants from AX: α, β, γ, δ, sl,
// sh into Y10 .. Y15.
#define COLCONST \
	VBROADCASTSS 0(AX), Y10  \
	VBROADCASTSS 4(AX), Y11  \
	VBROADCASTSS 8(AX), Y12  \
	VBROADCASTSS 12(AX), Y13 \
	VBROADCASTSS 16(AX), Y14 \
	VBROADCASTSS 20(AX), Y15

// func lift97ColAVX2(lo, hi, x2, x3, x4, d1, s1, d2p *float32, blocks, segs, ostep int, c *float32, calt int)
// segs segments of blocks blocks each, the rows running on through them;
// lo and hi move ostep bytes further each segment, beyond the rows' own
// advance, and the constants are read from c, or from c+calt bytes for odd
// segments.
TEXT ·lift97ColAVX2(SB), NOSPLIT, $0-104
	MOVQ lo+0(FP), DI
	MOVQ hi+8(FP), SI
	MOVQ x2+16(FP), R8
	MOVQ x3+24(FP), R9
	MOVQ x4+32(FP), R10
	MOVQ d1+40(FP), R11
	MOVQ s1+48(FP), R12
	MOVQ d2p+56(FP), R13
	XORQ BX, BX
	XORQ R15, R15 // the segment

cseg:
	MOVQ         c+88(FP), AX
	TESTQ        $1, R15
	JEQ          cconst
	ADDQ         calt+96(FP), AX

cconst:
	COLCONST
	MOVQ         blocks+64(FP), CX

cpair:
	CMPQ CX, $2
	JLT  cone
	CL1(0, Y0, Y1, Y4)
	CL1(32, Y5, Y6, Y9)
	CL2(0, Y0, Y1, Y2, Y4)
	CL2(32, Y5, Y6, Y7, Y9)
	CL3(0, Y0, Y2, Y3, Y4)
	CL3(32, Y5, Y7, Y8, Y9)
	CL4(0, Y2, Y3, Y4)
	CL4(32, Y7, Y8, Y9)
	CL5(0, Y0, Y1, Y2, Y3, Y4)
	CL5(32, Y5, Y6, Y7, Y8, Y9)
	ADDQ $64, BX
	SUBQ $2, CX
	JMP  cpair

cone:
	TESTQ CX, CX
	JEQ   cnext
	CL1(0, Y0, Y1, Y4)
	CL2(0, Y0, Y1, Y2, Y4)
	CL3(0, Y0, Y2, Y3, Y4)
	CL4(0, Y2, Y3, Y4)
	CL5(0, Y0, Y1, Y2, Y3, Y4)
	ADDQ  $32, BX

cnext:
	ADDQ ostep+80(FP), DI
	ADDQ ostep+80(FP), SI
	INCQ R15
	CMPQ R15, segs+72(FP)
	JLT  cseg
	VZEROUPPER
	RET

// The column steps of three output rows at once: C2LIFT1 leaves the first
// row's s2 in Y3 and d2 in Y2, C2LIFT2 the second's in Y0 and Y1 (the
// state passing from row to row in registers); C2PAIR scales them by sl
// and sh (Y14, Y15) and stores them.
#define C2LIFT1(off) \
	VMOVUPS     off(R8)(BX*1), Y0   \
	VADDPS      off(R10)(BX*1), Y0, Y4 \
	VMOVUPS     off(R9)(BX*1), Y1   \
	VFMADD231PS Y4, Y10, Y1         \
	VMOVUPS     off(R11)(BX*1), Y2  \
	VADDPS      Y1, Y2, Y4          \
	VFMADD231PS Y4, Y11, Y0         \
	VMOVUPS     off(R12)(BX*1), Y3  \
	VADDPS      Y0, Y3, Y4          \
	VFMADD231PS Y4, Y12, Y2         \
	VADDPS      off(R13)(BX*1), Y2, Y4 \
	VFMADD231PS Y4, Y13, Y3

// CLIFTNEXT is the next output row's steps from the row before's state
// in registers: even, odd and next-even input rows at re, ro, rn; it
// leaves d1n in o, s1n in e, d2 in d1 and s2 in s1 (d2 is the row
// before's d2).
#define CLIFTNEXT(off, re, ro, rn, e, o, d1, s1, d2) \
	VMOVUPS     off(re)(BX*1), e    \
	VMOVUPS     off(ro)(BX*1), o    \
	VADDPS      off(rn)(BX*1), e, Y7 \
	VFMADD231PS Y7, Y10, o          \
	VADDPS      o, d1, Y7           \
	VFMADD231PS Y7, Y11, e          \
	VADDPS      e, s1, Y7           \
	VFMADD231PS Y7, Y12, d1         \
	VADDPS      d1, d2, Y7          \
	VFMADD231PS Y7, Y13, s1

#define C2LIFT2(off) CLIFTNEXT(off, R10, R14, R15, Y5, Y6, Y1, Y0, Y2)

// C2OUT1 and C2OUT2 store a row's low and high outputs (the second row's
// delta bytes after the first's).
#define C2OUT1(off, lo, hi) \
	VMOVUPS lo, off(DI)(BX*1) \
	VMOVUPS hi, off(SI)(BX*1)

#define C2OUT2(off, lo, hi) \
	ADDQ    DX, DI            \
	ADDQ    DX, SI            \
	VMOVUPS lo, off(DI)(BX*1) \
	VMOVUPS hi, off(SI)(BX*1) \
	SUBQ    DX, DI            \
	SUBQ    DX, SI

// C2PAIR is the first two rows, scaled and stored.
#define C2PAIR(off) \
	C2LIFT1(off)        \
	VMULPS Y14, Y3, Y3  \
	VMULPS Y15, Y2, Y4  \
	C2OUT1(off, Y3, Y4) \
	C2LIFT2(off)        \
	VMULPS Y14, Y0, Y0  \
	VMULPS Y15, Y1, Y7  \
	C2OUT2(off, Y0, Y7)

// Lift97Col3, one block of eight columns down three output rows: C2PAIR,
// then C3LIFT3 (x6, x7, x8 at R15, AX, CX), which leaves the
// third row's s2 in Y5 and d2 in Y6, and its state d1, s1 in Y9, Y8. Each
// state row is read and written once for three output rows, each input
// row once but x4 and x6.
#define C3LIFT3(off) CLIFTNEXT(off, R15, AX, CX, Y8, Y9, Y6, Y5, Y1)

// C3OUT3 stores the third row's outputs, 2·delta bytes after the first's.
#define C3OUT3(off, lo, hi) \
	ADDQ DX, DI          \
	ADDQ DX, SI          \
	C2OUT2(off, lo, hi)  \
	SUBQ DX, DI          \
	SUBQ DX, SI

#define C3STATE(off) \
	VMOVUPS Y9, off(R11)(BX*1) \
	VMOVUPS Y8, off(R12)(BX*1) \
	VMOVUPS Y6, off(R13)(BX*1)

#define C3ROWS(off) \
	C2PAIR(off)         \
	C3LIFT3(off)        \
	VMULPS Y14, Y5, Y5  \
	VMULPS Y15, Y6, Y7  \
	C3OUT3(off, Y5, Y7) \
	C3STATE(off)

// func lift97Col3AVX2(lo, hi, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p *float32, delta, blocks, segs, ostep int, c *float32, calt int)
// Three output rows from input rows x2..x8: the first as lift97ColAVX2
// writes it, the second delta bytes after it, the third 2·delta. Every
// general register holds a row, so the block bound and the segment count
// live on the stack.
TEXT ·lift97Col3AVX2(SB), NOSPLIT, $16-144
	C3ARGS
	MOVQ d2p+88(FP), R13
	MOVQ delta+96(FP), DX
	XORQ BX, BX
	MOVQ $0, 8(SP)  // the segment
	MOVQ $0, 0(SP)  // where its blocks end

c3seg:
	MOVQ  blocks+104(FP), AX
	SHLQ  $5, AX
	ADDQ  AX, 0(SP)
	MOVQ  c+128(FP), AX
	TESTQ $1, 8(SP)
	JEQ   c3const
	ADDQ  calt+136(FP), AX

c3const:
	COLCONST
	MOVQ x7+56(FP), AX

c3block:
	C3ROWS(0)
	ADDQ $32, BX
	CMPQ BX, 0(SP)
	JLT  c3block

	ADDQ ostep+120(FP), DI
	ADDQ ostep+120(FP), SI
	INCQ 8(SP)
	MOVQ 8(SP), AX
	CMPQ AX, segs+112(FP)
	JLT  c3seg
	VZEROUPPER
	RET

// The skewed three-row column step, for constants whose scales are 1 and
// alike in both kinds of segment. A block's lifting is four steps deep; in
// lift97Col3AVX2 each block runs them in turn and the next block waits for
// room in the scheduler. Here an iteration runs the first two steps of
// block j (C3SKA: d1 and s1 of the three rows, left in Y0-Y5) and the last
// two of block j-1 (C3SKB: d2 and s2, from Y0-Y5), which do not depend on
// each other, so the vector units stay busy. Y10-Y13 hold α, β, γ, δ.
// With unit scales the high outputs are d2, so the d2 state is the third
// row's high output, which the call before left there: read before the
// block's outputs are written, it needs no row of its own (one store a
// block fewer, a tenth of the kernel's time on Zen 3).

// C3SKA is the first two steps of the block at BX: d1 of the three rows in
// Y0-Y2, s1 in Y3-Y5.
#define C3SKA \
	VMOVUPS     (R8)(BX*1), Y6         \ // x2
	VMOVUPS     (R10)(BX*1), Y7        \ // x4
	VMOVUPS     (R15)(BX*1), Y8        \ // x6
	VADDPS      Y7, Y6, Y0             \
	VFMADD213PS (R9)(BX*1), Y10, Y0    \ // d1 of row 1
	VADDPS      Y8, Y7, Y1             \
	VFMADD213PS (R14)(BX*1), Y10, Y1   \ // row 2
	VADDPS      (CX)(BX*1), Y8, Y2     \
	VFMADD213PS (AX)(BX*1), Y10, Y2    \ // row 3
	VADDPS      (R11)(BX*1), Y0, Y3    \
	VFMADD213PS Y6, Y11, Y3            \ // s1 of row 1
	VADDPS      Y1, Y0, Y4             \
	VFMADD213PS Y7, Y11, Y4            \ // row 2
	VADDPS      Y2, Y1, Y5             \
	VFMADD213PS Y8, Y11, Y5              // row 3

// C3SKB is the last two steps of the block before BX from C3SKA's Y0-Y5
// and the state, which it then writes; the three output rows lie delta
// (DX) bytes apart from DI and SI, which move with BX.
#define C3SKB \
	VMOVUPS     -32(R12)(BX*1), Y9     \ // s1 of the row before
	VADDPS      Y3, Y9, Y6             \
	VFMADD213PS -32(R11)(BX*1), Y12, Y6 \ // d2 of row 1
	VADDPS      -32(SI)(DX*2), Y6, Y7  \ // d2 of the row before
	VFMADD213PS Y9, Y13, Y7            \ // s2 of row 1
	VADDPS      Y4, Y3, Y8             \
	VFMADD213PS Y0, Y12, Y8            \ // d2 of row 2
	VADDPS      Y8, Y6, Y9             \
	VFMADD213PS Y3, Y13, Y9            \ // s2 of row 2
	VADDPS      Y5, Y4, Y14            \
	VFMADD213PS Y1, Y12, Y14           \ // d2 of row 3
	VADDPS      Y14, Y8, Y15           \
	VFMADD213PS Y4, Y13, Y15           \ // s2 of row 3
	VMOVUPS     Y2, -32(R11)(BX*1)     \
	VMOVUPS     Y5, -32(R12)(BX*1)     \
	VMOVUPS     Y7, -32(DI)            \
	VMOVUPS     Y6, -32(SI)            \
	VMOVUPS     Y9, -32(DI)(DX*1)      \
	VMOVUPS     Y8, -32(SI)(DX*1)      \
	VMOVUPS     Y15, -32(DI)(DX*2)     \
	VMOVUPS     Y14, -32(SI)(DX*2)

// func lift97Col3CarryAVX2(lo, hi, x2, x3, x4, x5, x6, x7, x8, d1, s1 *float32, delta, blocks, segs, ostep int, c *float32)
//
// Lift97ColSegs3Carry: lift97Col3AVX2 with unit scales, c's constants for
// every segment, the d2 state in the third row's high outputs.
TEXT ·lift97Col3CarryAVX2(SB), NOSPLIT, $0-128
	C3ARGS
	MOVQ         delta+88(FP), DX
	MOVQ         c+120(FP), AX
	VBROADCASTSS 0(AX), Y10
	VBROADCASTSS 4(AX), Y11
	VBROADCASTSS 8(AX), Y12
	VBROADCASTSS 12(AX), Y13
	MOVQ         x7+56(FP), AX
	XORQ         BX, BX
	XORQ         R13, R13 // where the segment's blocks end

sk3seg:
	MOVQ blocks+96(FP), R13
	SHLQ $5, R13
	ADDQ BX, R13
	C3SKA
	ADDQ $32, BX
	ADDQ $32, DI
	ADDQ $32, SI
	CMPQ BX, R13
	JGE  sk3last

sk3block:
	C3SKB
	C3SKA
	ADDQ $32, BX
	ADDQ $32, DI
	ADDQ $32, SI
	CMPQ BX, R13
	JLT  sk3block

sk3last:
	C3SKB
	ADDQ ostep+112(FP), DI
	ADDQ ostep+112(FP), SI
	DECQ segs+104(FP)
	JNZ  sk3seg
	VZEROUPPER
	RET
