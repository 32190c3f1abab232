//go:build !noasm && !purego

#include "textflag.h"

// A lane-segmented vector of eight floats is a pair of NEON registers, lanes
// 0-3 and 4-7.

// FADD4 is fadd vd.4s, vn.4s, vm.4s and FMLA4 fmla vd.4s, vn.4s, vm.4s
// (register numbers).
#define FADD4(d, n, m) WORD $(0x4e20d400 | ((m)<<16) | ((n)<<5) | (d))
#define FMLA4(d, n, m) WORD $(0x4e20cc00 | ((m)<<16) | ((n)<<5) | (d))

// LIFTP is one lifting step on lane-segmented vectors, register pairs
// numbered by their first: d += k·(a + b), the addition first (V22-V23 for
// the sum), as lift97StepsNEON computes each step.
#define LIFTP(d, a, b, k) \
	FADD4(22, a, b)          \
	FADD4(23, (a)+1, (b)+1)  \
	FMLA4(d, 22, k)          \
	FMLA4((d)+1, 23, k)

// ROTUP gives lane l of the pair (oL, oH) lane l-1 of (L, H), lane 0 lane
// 7; ROTDOWN lane l+1, lane 7 lane 0.
#define ROTUP(L, H, oL, oH) \
	VEXT $12, L.B16, H.B16, oL.B16 \
	VEXT $12, H.B16, L.B16, oH.B16

#define ROTDOWN(L, H, oL, oH) \
	VEXT $4, H.B16, L.B16, oL.B16 \
	VEXT $4, L.B16, H.B16, oH.B16

// SEGCORE is output k of a lane-segmented row from e(k+2) in V8-V9 and
// o(k+1) in V10-V11: V0-V1 = e(k+1), V2-V3 = d1(k), V4-V5 = s1(k), V6-V7 =
// d2(k-1) on entry, advanced on exit; V28-V31 hold α, β, γ, δ. Each step
// is an addition, then a multiply-add, as lift97StepsNEON computes it.
#define SEGCORE \
	LIFTP(10, 0, 8, 28)             \ // d1(k+1)
	LIFTP(0, 2, 10, 29)             \ // s1(k+1)
	LIFTP(2, 4, 0, 30)              \ // d2(k), the high band
	LIFTP(4, 6, 2, 31)              \ // s2(k), the low band
	VST1.P [V4.S4, V5.S4], 32(R0)   \
	VST1.P [V2.S4, V3.S4], 32(R1)   \
	VMOV   V0.B16, V4.B16           \
	VMOV   V1.B16, V5.B16           \
	VMOV   V2.B16, V6.B16           \
	VMOV   V3.B16, V7.B16           \
	VMOV   V8.B16, V0.B16           \
	VMOV   V9.B16, V1.B16           \
	VMOV   V10.B16, V2.B16          \
	VMOV   V11.B16, V3.B16

// func lift97SegRowsNEON(dst, x *float32, n, rows int, c *[4]float32)
TEXT ·lift97SegRowsNEON(SB), NOSPLIT, $0-40
	MOVD    dst+0(FP), R0
	MOVD    x+8(FP), R2
	MOVD    n+16(FP), R3
	MOVD    rows+24(FP), R4
	MOVD    c+32(FP), R9
	VLD1R.P 4(R9), [V28.S4]
	VLD1R.P 4(R9), [V29.S4]
	VLD1R.P 4(R9), [V30.S4]
	VLD1R   (R9), [V31.S4]
	LSL     $5, R3, R5 // a band's bytes
	ADD     R5, R0, R1

nsegrow:
	// The samples before each stretch: the previous lane's last two pairs.
	ADD  R5<<1, R2, R6
	SUB  $128, R6, R6
	VLD1.P 32(R6), [V20.S4, V21.S4]
	VLD1.P 32(R6), [V22.S4, V23.S4]
	VLD1.P 32(R6), [V24.S4, V25.S4]
	VLD1   (R6), [V26.S4, V27.S4]
	ROTUP(V20, V21, V8, V9)   // e(-2)
	ROTUP(V22, V23, V10, V11) // o(-2)
	ROTUP(V24, V25, V12, V13) // e(-1)
	ROTUP(V26, V27, V14, V15) // o(-1)
	MOVD   R2, R6
	VLD1.P 32(R6), [V16.S4, V17.S4] // e(0)
	VLD1.P 32(R6), [V18.S4, V19.S4] // o(0)
	VLD1   (R6), [V20.S4, V21.S4]   // e(1)
	LIFTP(10, 8, 12, 28) // d1(-2)
	LIFTP(14, 12, 16, 28) // d1(-1)
	LIFTP(18, 16, 20, 28) // d1(0)
	LIFTP(12, 10, 14, 29) // s1(-1)
	LIFTP(16, 14, 18, 29) // s1(0)
	LIFTP(14, 12, 16, 30) // d2(-1)
	VMOV   V20.B16, V0.B16
	VMOV   V21.B16, V1.B16
	VMOV   V18.B16, V2.B16
	VMOV   V19.B16, V3.B16
	VMOV   V16.B16, V4.B16
	VMOV   V17.B16, V5.B16
	VMOV   V14.B16, V6.B16
	VMOV   V15.B16, V7.B16

	// Outputs 0 .. n-3 read their samples in place: o(k+1), then e(k+2).
	ADD  $96, R2, R10
	SUB  $2, R3, R7
	CBZ  R7, nsegtail

nsegloop:
	VLD1.P 32(R10), [V10.S4, V11.S4]
	VLD1   (R10), [V8.S4, V9.S4]
	ADD    $32, R10
	SEGCORE
	SUBS   $1, R7, R7
	BNE    nsegloop

nsegtail:
	// The last two outputs read past the stretch: the next lane's first
	// samples.
	MOVD   R2, R6
	VLD1.P 32(R6), [V24.S4, V25.S4] // e(0)
	VLD1.P 32(R6), [V26.S4, V27.S4] // o(0)
	VLD1   (R6), [V20.S4, V21.S4]   // e(1)
	VLD1   (R10), [V10.S4, V11.S4]  // o(n-1)
	ROTDOWN(V24, V25, V8, V9)       // e(n)
	SEGCORE
	ROTDOWN(V26, V27, V10, V11)     // o(n)
	ROTDOWN(V20, V21, V8, V9)       // e(n+1)
	SEGCORE

	// The next row: past this one's input and both its bands.
	ADD  R5<<1, R2, R2
	ADD  R5, R0, R0
	ADD  R5, R1, R1
	SUBS $1, R4, R4
	BNE  nsegrow
	RET

// TR4 transposes the rows a, b, c, d into o0-o3 (V24-V27 temporaries).
#define TR4(a, b, c, d, o0, o1, o2, o3) \
	VTRN1 b.S4, a.S4, V24.S4   \
	VTRN2 b.S4, a.S4, V25.S4   \
	VTRN1 d.S4, c.S4, V26.S4   \
	VTRN2 d.S4, c.S4, V27.S4   \
	VTRN1 V26.D2, V24.D2, o0.D2 \
	VTRN1 V27.D2, V25.D2, o1.D2 \
	VTRN2 V26.D2, V24.D2, o2.D2 \
	VTRN2 V27.D2, V25.D2, o3.D2

// PFROW asks for the cache line at R9 and moves R9 on by a row.
#define PFROW \
	PRFM (R9), PLDL1KEEP \
	ADD  R3, R9

// func transpose8NEON(dst, src *float32, blocks, srow, sstep, drow, dstep, pf int)
//
// Each block's eight rows of eight floats, srow bytes apart from src, go
// to dst as its eight columns, drow bytes apart; the blocks lie sstep and
// dstep bytes apart. Each block asks for the cache lines pf bytes past its
// rows.
TEXT ·transpose8NEON(SB), NOSPLIT, $0-64
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD blocks+16(FP), R2
	MOVD srow+24(FP), R3
	MOVD sstep+32(FP), R4
	MOVD drow+40(FP), R5
	MOVD dstep+48(FP), R6
	MOVD pf+56(FP), R8

ntblock:
	ADD  R8, R1, R9
	PFROW
	PFROW
	PFROW
	PFROW
	PFROW
	PFROW
	PFROW
	PFROW
	MOVD   R1, R7
	VLD1.P (R7)(R3), [V0.S4, V1.S4]
	VLD1.P (R7)(R3), [V2.S4, V3.S4]
	VLD1.P (R7)(R3), [V4.S4, V5.S4]
	VLD1.P (R7)(R3), [V6.S4, V7.S4]
	VLD1.P (R7)(R3), [V8.S4, V9.S4]
	VLD1.P (R7)(R3), [V10.S4, V11.S4]
	VLD1.P (R7)(R3), [V12.S4, V13.S4]
	VLD1   (R7), [V14.S4, V15.S4]
	TR4(V0, V2, V4, V6, V16, V18, V20, V22)
	TR4(V8, V10, V12, V14, V17, V19, V21, V23)
	MOVD   R0, R7
	VST1.P [V16.S4, V17.S4], (R7)(R5)
	VST1.P [V18.S4, V19.S4], (R7)(R5)
	VST1.P [V20.S4, V21.S4], (R7)(R5)
	VST1.P [V22.S4, V23.S4], (R7)(R5)
	TR4(V1, V3, V5, V7, V16, V18, V20, V22)
	TR4(V9, V11, V13, V15, V17, V19, V21, V23)
	VST1.P [V16.S4, V17.S4], (R7)(R5)
	VST1.P [V18.S4, V19.S4], (R7)(R5)
	VST1.P [V20.S4, V21.S4], (R7)(R5)
	VST1   [V22.S4, V23.S4], (R7)
	ADD  R4, R1
	ADD  R6, R0
	SUBS $1, R2, R2
	BNE  ntblock
	RET
