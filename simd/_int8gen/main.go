// Command _int8gen writes simd/int8_amd64.s and simd/int8_arm64.s, the int8
// GEMM microkernels. The kernels are fully unrolled over the register tile, which
// is tedious and error-prone by hand; the AVX-VNNI kernel also needs its
// vpdpbusd written as VEX bytes (the Go assembler only knows the EVEX form),
// and computing those bytes here keeps them in step with the registers. On
// arm64 the Go assembler lacks SMLAL (by element), SDOT and SMMLA, which are
// encoded here as WORDs with the mnemonic in a comment.
//
// Run from the repository root:
//
//	go run ./simd/_int8gen amd64 > simd/int8_amd64.s
//	go run ./simd/_int8gen arm64 > simd/int8_arm64.s
package main

import (
	"fmt"
	"os"
	"strings"
)

var out strings.Builder

func p(format string, args ...any) { fmt.Fprintf(&out, format+"\n", args...) }

func prologue(name string) {
	p("")
	p("// func %s(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32)", name)
	p("TEXT ·%s(SB), NOSPLIT, $0-48", name)
	p("\tMOVQ groups+0(FP), CX")
	p("\tMOVQ a+8(FP), SI")
	p("\tMOVQ b+16(FP), DI")
	p("\tMOVQ c+24(FP), DX")
	p("\tMOVQ ldc+32(FP), R8")
	p("\tMOVQ init+40(FP), R9")
	p("\tSHLQ $2, R8")
}

// x86Loop emits the k loop, two groups per iteration and one more when
// groups is odd; step(off) emits one group reading A at SI+off·aStep and B
// at DI+off·bStep.
func x86Loop(name string, aStep, bStep int, step func(g int)) {
	p("\tSHRQ $1, CX")
	p("\tJZ tail_%s", name)
	p("loop_%s:", name)
	step(0)
	step(1)
	p("\tADDQ $%d, SI", 2*aStep)
	p("\tADDQ $%d, DI", 2*bStep)
	p("\tDECQ CX")
	p("\tJNZ loop_%s", name)
	p("tail_%s:", name)
	p("\tTESTQ $1, groups+0(FP)")
	p("\tJZ store_%s", name)
	step(0)
	p("store_%s:", name)
}

// x86Store writes the accumulators acc(r, h) (vector h of row r, width
// bytes each) to C: C = acc + init[h] when init is not nil (the first
// k block: init holds the zero-point compensation of the panel's columns),
// C += acc otherwise. t0 and t1 are free registers.
func x86Store(name string, rows, vecs, width int, reg string, acc func(r, h int) int, t0, t1 int, mov string) {
	p("\tTESTQ R9, R9")
	p("\tJZ accumulate_%s", name)
	p("\t%s (R9), %s%d", mov, reg, t0)
	p("\t%s %d(R9), %s%d", mov, width, reg, t1)
	for r := 0; r < rows; r++ {
		for h := 0; h < vecs; h++ {
			t := []int{t0, t1}[h]
			p("\tVPADDD %s%d, %s%d, %s%d", reg, t, reg, acc(r, h), reg, acc(r, h))
			p("\t%s %s%d, %d(DX)", mov, reg, acc(r, h), h*width)
		}
		if r < rows-1 {
			p("\tADDQ R8, DX")
		}
	}
	p("\tVZEROUPPER")
	p("\tRET")
	p("accumulate_%s:", name)
	for r := 0; r < rows; r++ {
		for h := 0; h < vecs; h++ {
			p("\tVPADDD %d(DX), %s%d, %s%d", h*width, reg, acc(r, h), reg, acc(r, h))
			p("\t%s %s%d, %d(DX)", mov, reg, acc(r, h), h*width)
		}
		if r < rows-1 {
			p("\tADDQ R8, DX")
		}
	}
	p("\tVZEROUPPER")
	p("\tRET")
}

// vexDPBUSD returns `{vex} vpdpbusd ymm(acc), ymm(src1), ymm(src2)` as bytes:
// VEX.256.66.0F38.W0 50 /r, acc in ModRM.reg, src1 (uint8) in VEX.vvvv,
// src2 (int8) in ModRM.rm.
func vexDPBUSD(acc, src1, src2 int) string {
	b1 := 0x02 // map 0F38
	if acc < 8 {
		b1 |= 0x80 // ~R
	}
	b1 |= 0x40 // ~X
	if src2 < 8 {
		b1 |= 0x20 // ~B
	}
	b2 := (^src1&0xf)<<3 | 0x04 | 0x01 // W0, ~vvvv, L=256, pp=66
	modrm := 0xc0 | (acc&7)<<3 | src2&7
	return fmt.Sprintf("BYTE $0xc4; BYTE $0x%02x; BYTE $0x%02x; BYTE $0x50; BYTE $0x%02x // {vex} vpdpbusd ymm%d, ymm%d, ymm%d",
		b1, b2, modrm, acc, src1, src2)
}

// zmmVNNI: 8×32 tile, groups of 4 k, uint8 A × int8 B, accumulators Z0-Z15,
// B in Z16-Z19, broadcast A in Z20-Z27.
func zmmVNNI() {
	const mr = 8
	name := "i8MicroAVX512VNNI"
	prologue(name)
	for i := 0; i < 2*mr; i++ {
		p("\tVPXORD Z%d, Z%d, Z%d", i, i, i)
	}
	x86Loop(name, 4*mr, 128, func(g int) {
		b0 := 16 + 2*g
		p("\tVMOVDQU32 %d(DI), Z%d", 128*g, b0)
		p("\tVMOVDQU32 %d(DI), Z%d", 128*g+64, b0+1)
		for r := 0; r < mr; r++ {
			t := 20 + r%8
			p("\tVPBROADCASTD %d(SI), Z%d", 4*mr*g+4*r, t)
			p("\tVPDPBUSD Z%d, Z%d, Z%d", b0, t, 2*r)
			p("\tVPDPBUSD Z%d, Z%d, Z%d", b0+1, t, 2*r+1)
		}
	})
	x86Store(name, mr, 2, 64, "Z", func(r, h int) int { return 2*r + h }, 16, 17, "VMOVDQU32")
}

// zmmMaddwd: AVX-512BW without VNNI, 8×32 tile over int16 pairs (as the
// AVX2 kernel): accumulators Z0-Z15, B in Z16/Z17 (Z18/Z19 for the second
// group of an unrolled pair), broadcast A in Z20-Z27, products in Z28-Z31.
func zmmMaddwd() {
	const mr = 8
	name := "i8MicroAVX512BW"
	prologue(name)
	for i := 0; i < 2*mr; i++ {
		p("\tVPXORD Z%d, Z%d, Z%d", i, i, i)
	}
	x86Loop(name, 4*mr, 128, func(g int) {
		b0 := 16 + 2*g
		p("\tVMOVDQU32 %d(DI), Z%d", 128*g, b0)
		p("\tVMOVDQU32 %d(DI), Z%d", 128*g+64, b0+1)
		for r := 0; r < mr; r++ {
			t := 20 + r%8
			p("\tVPBROADCASTD %d(SI), Z%d", 4*mr*g+4*r, t)
			for h := 0; h < 2; h++ {
				tmp := 28 + (2*r+h)%4
				p("\tVPMADDWD Z%d, Z%d, Z%d", b0+h, t, tmp)
				p("\tVPADDD Z%d, Z%d, Z%d", tmp, 2*r+h, 2*r+h)
			}
		}
	})
	x86Store(name, mr, 2, 64, "Z", func(r, h int) int { return 2*r + h }, 16, 17, "VMOVDQU32")
}

// ymm6x16 writes a 6×16 tile kernel over Y registers: accumulators Y0-Y11,
// B in Y12/Y13, the broadcast A in Y14, Y15 scratch. kind selects the
// multiply: "vpmaddwd" (int16 pairs), "evex" or "vex" (vpdpbusd groups of 4).
func ymm6x16(name, kind string) {
	const mr = 6
	prologue(name)
	for i := 0; i < 2*mr; i++ {
		p("\tVPXOR Y%d, Y%d, Y%d", i, i, i)
	}
	x86Loop(name, 4*mr, 64, func(g int) {
		p("\tVMOVDQU %d(DI), Y12", 64*g)
		p("\tVMOVDQU %d(DI), Y13", 64*g+32)
		for r := 0; r < mr; r++ {
			p("\tVPBROADCASTD %d(SI), Y14", 4*mr*g+4*r)
			for h := 0; h < 2; h++ {
				acc, bv := 2*r+h, 12+h
				switch kind {
				case "vpmaddwd":
					p("\tVPMADDWD Y%d, Y14, Y15", bv)
					p("\tVPADDD Y15, Y%d, Y%d", acc, acc)
				case "evex":
					p("\tVPDPBUSD Y%d, Y14, Y%d", bv, acc)
				case "vex":
					p("\t%s", vexDPBUSD(acc, 14, bv))
				}
			}
		}
	})
	x86Store(name, mr, 2, 32, "Y", func(r, h int) int { return 2*r + h }, 12, 13, "VMOVDQU")
}

// row1 writes a one-row kernel for the rows of a partial sliver, where a
// full tile would compute (and discard) up to mr-1 padded rows:
//
//	func name(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)
//
// A advances by aStride bytes per group (the sliver's group stride), B by
// whole panel groups. Four groups per iteration go to separate accumulators
// so that the multiply-add latency does not bound the loop.
func row1(name, reg string, vecs, width int, bstep, bc int, madd func(off int, a, acc, tmp int) []string) {
	p("")
	p("// func %s(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)", name)
	p("TEXT ·%s(SB), NOSPLIT, $0-48", name)
	p("\tMOVQ groups+0(FP), CX")
	p("\tMOVQ a+8(FP), SI")
	p("\tMOVQ aStride+16(FP), R10")
	p("\tMOVQ b+24(FP), DI")
	p("\tMOVQ c+32(FP), DX")
	p("\tMOVQ init+40(FP), R9")
	p("\tLEAQ (R10)(R10*2), R11")
	xor := "VPXOR"
	if reg == "Z" {
		xor = "VPXORD"
	}
	for i := 0; i < 4*vecs; i++ {
		p("\t%s %s%d, %s%d, %s%d", xor, reg, i, reg, i, reg, i)
	}
	p("\tCMPQ CX, $4")
	p("\tJLT tail_%s", name)
	p("loop_%s:", name)
	addr := []string{"(SI)", "(SI)(R10*1)", "(SI)(R10*2)", "(SI)(R11*1)"}
	for u := 0; u < 4; u++ {
		p("\tVPBROADCASTD %s, %s%d", addr[u], reg, bc+u)
		for h := 0; h < vecs; h++ {
			for _, l := range madd(u*bstep+h*width, bc+u, vecs*u+h, 12+h+vecs*(u%2)) {
				p("\t%s", l)
			}
		}
	}
	p("\tLEAQ (SI)(R10*4), SI")
	p("\tADDQ $%d, DI", 4*bstep)
	p("\tSUBQ $4, CX")
	p("\tCMPQ CX, $4")
	p("\tJGE loop_%s", name)
	p("tail_%s:", name)
	p("\tTESTQ CX, CX")
	p("\tJZ sum_%s", name)
	p("tailloop_%s:", name)
	p("\tVPBROADCASTD (SI), %s%d", reg, bc)
	for h := 0; h < vecs; h++ {
		for _, l := range madd(h*width, bc, h, 12+h) {
			p("\t%s", l)
		}
	}
	p("\tADDQ R10, SI")
	p("\tADDQ $%d, DI", bstep)
	p("\tDECQ CX")
	p("\tJNZ tailloop_%s", name)
	p("sum_%s:", name)
	for u := 1; u < 4; u++ {
		for h := 0; h < vecs; h++ {
			p("\tVPADDD %s%d, %s%d, %s%d", reg, vecs*u+h, reg, h, reg, h)
		}
	}
	mov := "VMOVDQU"
	if reg == "Z" {
		mov = "VMOVDQU32"
	}
	p("\tTESTQ R9, R9")
	p("\tJZ accumulate_%s", name)
	for h := 0; h < vecs; h++ {
		p("\tVPADDD %d(R9), %s%d, %s%d", h*width, reg, h, reg, h)
		p("\t%s %s%d, %d(DX)", mov, reg, h, h*width)
	}
	p("\tVZEROUPPER")
	p("\tRET")
	p("accumulate_%s:", name)
	for h := 0; h < vecs; h++ {
		p("\tVPADDD %d(DX), %s%d, %s%d", h*width, reg, h, reg, h)
		p("\t%s %s%d, %d(DX)", mov, reg, h, h*width)
	}
	p("\tVZEROUPPER")
	p("\tRET")
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: _int8gen amd64|arm64")
		os.Exit(2)
	}
	p("// Code generated by go run ./simd/_int8gen %s; DO NOT EDIT.", os.Args[1])
	p("")
	p("//go:build !noasm && !purego")
	p("")
	p("#include \"textflag.h\"")
	p("")
	p("// int8 GEMM microkernels: c[r*ldc+j] += Σ A(r,k)·B(k,j) over a packed A")
	p("// sliver and B panel (layouts in int8.go). groups ≥ 1.")
	switch os.Args[1] {
	case "amd64":
		zmmVNNI()
		row1("i8Row1AVX512VNNI", "Z", 2, 64, 128, 16, func(off int, a, acc, tmp int) []string {
			return []string{fmt.Sprintf("VPDPBUSD %d(DI), Z%d, Z%d", off, a, acc)}
		})
		zmmMaddwd()
		row1("i8Row1AVX512BW", "Z", 2, 64, 128, 16, func(off int, a, acc, tmp int) []string {
			return []string{
				fmt.Sprintf("VPMADDWD %d(DI), Z%d, Z%d", off, a, tmp),
				fmt.Sprintf("VPADDD Z%d, Z%d, Z%d", tmp, acc, acc),
			}
		})
		ymm6x16("i8MicroAVX2", "vpmaddwd")
		row1("i8Row1AVX2", "Y", 2, 32, 64, 8, func(off int, a, acc, tmp int) []string {
			return []string{
				fmt.Sprintf("VPMADDWD %d(DI), Y%d, Y%d", off, a, tmp),
				fmt.Sprintf("VPADDD Y%d, Y%d, Y%d", tmp, acc, acc),
			}
		})
		ymm6x16("i8MicroVNNI256", "evex")
		ymm6x16("i8MicroAVXVNNI", "vex")
		row1("i8Row1VNNI256", "Y", 2, 32, 64, 8, func(off int, a, acc, tmp int) []string {
			return []string{
				fmt.Sprintf("VMOVDQU %d(DI), Y%d", off, tmp),
				fmt.Sprintf("VPDPBUSD Y%d, Y%d, Y%d", tmp, a, acc),
			}
		})
		row1("i8Row1AVXVNNI", "Y", 2, 32, 64, 8, func(off int, a, acc, tmp int) []string {
			return []string{
				fmt.Sprintf("VMOVDQU %d(DI), Y%d", off, tmp),
				vexDPBUSD(acc, a, tmp),
			}
		})
	case "arm64":
		armNEON()
		armSDOT()
		armSMMLA()
		armRow1Kernels()
	default:
		fmt.Fprintln(os.Stderr, "unknown arch", os.Args[1])
		os.Exit(2)
	}
	os.Stdout.WriteString(out.String())
}

func armPrologue(name string) {
	p("")
	p("// func %s(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32)", name)
	p("TEXT ·%s(SB), NOSPLIT, $0-48", name)
	p("\tMOVD groups+0(FP), R0")
	p("\tMOVD a+8(FP), R1")
	p("\tMOVD b+16(FP), R2")
	p("\tMOVD c+24(FP), R3")
	p("\tMOVD ldc+32(FP), R4")
	p("\tMOVD init+40(FP), R5")
	p("\tLSL $2, R4")
	for v := 16; v < 32; v++ {
		p("\tVEOR V%d.B16, V%d.B16, V%d.B16", v, v, v)
	}
	p("loop_%s:", name)
}

// armStoreRows writes accumulator rows to C: row r's eight columns are
// V(lo(r)) and V(lo(r)+1). C = acc + init when init (R5) is not nil, C +=
// acc otherwise.
func armStoreRows(name string, rows int, lo func(r int) int) {
	p("\tCBZ R5, accumulate_%s", name)
	p("\tVLD1 (R5), [V6.S4, V7.S4]")
	for r := 0; r < rows; r++ {
		p("\tVADD V%d.S4, V6.S4, V2.S4", lo(r))
		p("\tVADD V%d.S4, V7.S4, V3.S4", lo(r)+1)
		p("\tVST1 [V2.S4, V3.S4], (R3)")
		if r < rows-1 {
			p("\tADD R4, R3")
		}
	}
	p("\tRET")
	p("accumulate_%s:", name)
	for r := 0; r < rows; r++ {
		p("\tVLD1 (R3), [V2.S4, V3.S4]")
		p("\tVADD V%d.S4, V2.S4, V2.S4", lo(r))
		p("\tVADD V%d.S4, V3.S4, V3.S4", lo(r)+1)
		p("\tVST1 [V2.S4, V3.S4], (R3)")
		if r < rows-1 {
			p("\tADD R4, R3")
		}
	}
	p("\tRET")
}

// smlal returns SMLAL{2} Vd.4S, Vn.{4,8}H, Vm.H[idx] (Vm in V0-V15).
func smlal(d, n, m, idx int, second bool) string {
	w := uint32(0x0f402000) | uint32(d) | uint32(n)<<5 | uint32(m)<<16
	w |= uint32(idx&1)<<20 | uint32(idx>>1&1)<<21 | uint32(idx>>2&1)<<11
	mn, arr := "smlal", "4h"
	if second {
		w |= 1 << 30
		mn, arr = "smlal2", "8h"
	}
	return fmt.Sprintf("WORD $0x%08x // %s v%d.4s, v%d.%s, v%d.h[%d]", w, mn, d, n, arr, m, idx)
}

// sdot returns SDOT Vd.4S, Vn.16B, Vm.4B[idx].
func sdot(d, n, m, idx int) string {
	w := uint32(0x4f80e000) | uint32(d) | uint32(n)<<5 | uint32(m&15)<<16 | uint32(m>>4)<<20
	w |= uint32(idx&1)<<21 | uint32(idx>>1)<<11
	return fmt.Sprintf("WORD $0x%08x // sdot v%d.4s, v%d.16b, v%d.4b[%d]", w, d, n, m, idx)
}

// smmla returns SMMLA Vd.4S, Vn.16B, Vm.16B.
func smmla(d, n, m int) string {
	w := uint32(0x4e80a400) | uint32(d) | uint32(n)<<5 | uint32(m)<<16
	return fmt.Sprintf("WORD $0x%08x // smmla v%d.4s, v%d.16b, v%d.16b", w, d, n, m)
}

// sdotv returns SDOT Vd.4S, Vn.16B, Vm.16B (vector form).
func sdotv(d, n, m int) string {
	w := uint32(0x4e809400) | uint32(d) | uint32(n)<<5 | uint32(m)<<16
	return fmt.Sprintf("WORD $0x%08x // sdot v%d.4s, v%d.16b, v%d.16b", w, d, n, m)
}

// armRow1 writes a one-row kernel (see row1 for amd64):
//
//	func name(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)
//
// Two groups per iteration into separate accumulator sets, V16-V19 and
// V20-V23; the result's eight columns end in V16, V17. load(u) loads
// group u's A into V(u) and B into V(4+4u)..., body(u) accumulates into
// set u, fold combines the sets (and lanes) into V16, V17.
func armRow1(name string, bstep int, load func(u int), body func(u int), fold func()) {
	p("")
	p("// func %s(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)", name)
	p("TEXT ·%s(SB), NOSPLIT, $0-48", name)
	p("\tMOVD groups+0(FP), R0")
	p("\tMOVD a+8(FP), R1")
	p("\tMOVD aStride+16(FP), R2")
	p("\tMOVD b+24(FP), R3")
	p("\tMOVD c+32(FP), R4")
	p("\tMOVD init+40(FP), R5")
	for v := 16; v < 24; v++ {
		p("\tVEOR V%d.B16, V%d.B16, V%d.B16", v, v, v)
	}
	p("\tCMP $2, R0")
	p("\tBLT tail_%s", name)
	p("loop_%s:", name)
	for u := 0; u < 2; u++ {
		load(u)
	}
	for u := 0; u < 2; u++ {
		body(u)
	}
	p("\tSUB $2, R0")
	p("\tCMP $2, R0")
	p("\tBGE loop_%s", name)
	p("tail_%s:", name)
	p("\tCBZ R0, sum_%s", name)
	load(0)
	body(0)
	p("sum_%s:", name)
	fold()
	p("\tCBZ R5, accumulate_%s", name)
	p("\tVLD1 (R5), [V2.S4, V3.S4]")
	p("\tB store_%s", name)
	p("accumulate_%s:", name)
	p("\tVLD1 (R4), [V2.S4, V3.S4]")
	p("store_%s:", name)
	p("\tVADD V16.S4, V2.S4, V2.S4")
	p("\tVADD V17.S4, V3.S4, V3.S4")
	p("\tVST1 [V2.S4, V3.S4], (R4)")
	p("\tRET")
}

func armRow1Kernels() {
	// NEON: one int16 of A (broadcast), eight int16 of B per group.
	armRow1("i8Row1NEON", 16, func(u int) {
		p("\tVLD1R (R1), [V%d.H8]", u)
		p("\tADD R2, R1")
		p("\tVLD1.P 16(R3), [V%d.H8]", 4+u)
	}, func(u int) {
		p("\t%s", smlal(16+4*u, 4+u, u, 0, false))
		p("\t%s", smlal(17+4*u, 4+u, u, 0, true))
	}, func() {
		p("\tVADD V20.S4, V16.S4, V16.S4")
		p("\tVADD V21.S4, V17.S4, V17.S4")
	})
	// SDOT: four bytes of A broadcast, columns 0-3 and 4-7 of B.
	armRow1("i8Row1DotProd", 32, func(u int) {
		p("\tVLD1R (R1), [V%d.S4]", u)
		p("\tADD R2, R1")
		p("\tVLD1.P 32(R3), [V%d.B16, V%d.B16]", 4+2*u, 5+2*u)
	}, func(u int) {
		p("\t%s", sdotv(16+4*u, 4+2*u, u))
		p("\t%s", sdotv(17+4*u, 5+2*u, u))
	}, func() {
		p("\tVADD V20.S4, V16.S4, V16.S4")
		p("\tVADD V21.S4, V17.S4, V17.S4")
	})
	// I8MM layout (8 k per group, two columns per vector) with SDOT: A's
	// eight bytes repeated twice; lane 2c+h of V(16+q) sums half h of
	// column 2q+c, and pairwise adds fold the halves.
	armRow1("i8Row1I8MM", 64, func(u int) {
		p("\tVLD1R (R1), [V%d.D2]", u)
		p("\tADD R2, R1")
		p("\tVLD1.P 64(R3), [V%d.B16, V%d.B16, V%d.B16, V%d.B16]", 4+4*u, 5+4*u, 6+4*u, 7+4*u)
	}, func(u int) {
		for q := 0; q < 4; q++ {
			p("\t%s", sdotv(16+4*u+q, 4+4*u+q, u))
		}
	}, func() {
		for q := 0; q < 4; q++ {
			p("\tVADD V%d.S4, V%d.S4, V%d.S4", 20+q, 16+q, 16+q)
		}
		p("\tVADDP V17.S4, V16.S4, V16.S4")
		p("\tVADDP V19.S4, V18.S4, V17.S4")
	})
}

// armNEON: ARMv8.0, 8×8 tile, one k per step, A and B widened to int16 at
// packing: smlal/smlal2 by element multiply int16 by int16 into int32, so
// no intermediate can overflow. Row r accumulates in V(16+2r), V(17+2r).
func armNEON() {
	name := "i8MicroNEON"
	armPrologue(name)
	p("\tVLD1.P 16(R1), [V0.H8]")
	p("\tVLD1.P 16(R2), [V1.H8]")
	for r := 0; r < 8; r++ {
		p("\t%s", smlal(16+2*r, 1, 0, r, false))
		p("\t%s", smlal(17+2*r, 1, 0, r, true))
	}
	p("\tSUBS $1, R0")
	p("\tBNE loop_%s", name)
	armStoreRows(name, 8, func(r int) int { return 16 + 2*r })
}

// armSDOT: 8×8 tile, groups of 4 k, int8 A × int8 B. A rows 0-3 in
// V0, 4-7 in V1; B columns 0-3 in V4, 4-7 in V5.
func armSDOT() {
	name := "i8MicroDotProd"
	armPrologue(name)
	p("\tVLD1.P 32(R1), [V0.B16, V1.B16]")
	p("\tVLD1.P 32(R2), [V4.B16, V5.B16]")
	for r := 0; r < 8; r++ {
		p("\t%s", sdot(16+2*r, 4, r/4, r%4))
		p("\t%s", sdot(17+2*r, 5, r/4, r%4))
	}
	p("\tSUBS $1, R0")
	p("\tBNE loop_%s", name)
	armStoreRows(name, 8, func(r int) int { return 16 + 2*r })
}

// armSMMLA: 8×8 tile, groups of 8 k, int8 A × int8 B. V0-V3 hold
// row pairs of A, V4-V7 column pairs of B; V(16+4·rp+cp) is the 2×2 block
// rows 2rp..2rp+1 × columns 2cp..2cp+1, row-major. The store unzips the
// blocks into rows in V8-V15 first.
func armSMMLA() {
	name := "i8MicroI8MM"
	armPrologue(name)
	p("\tVLD1.P 64(R1), [V0.B16, V1.B16, V2.B16, V3.B16]")
	p("\tVLD1.P 64(R2), [V4.B16, V5.B16, V6.B16, V7.B16]")
	for rp := 0; rp < 4; rp++ {
		for cp := 0; cp < 4; cp++ {
			p("\t%s", smmla(16+4*rp+cp, rp, 4+cp))
		}
	}
	p("\tSUBS $1, R0")
	p("\tBNE loop_%s", name)
	// Unzip: row 2rp is the low halves of V(16+4rp..19+4rp), row 2rp+1 the
	// high halves; row r lands in V(2r), V(2r+1), within V0-V15, which
	// the loop no longer needs.
	for rp := 0; rp < 4; rp++ {
		b := 16 + 4*rp
		even, odd := 2*(2*rp), 2*(2*rp+1)
		p("\tVZIP1 V%d.D2, V%d.D2, V%d.D2", b+1, b, even)
		p("\tVZIP1 V%d.D2, V%d.D2, V%d.D2", b+3, b+2, even+1)
		p("\tVZIP2 V%d.D2, V%d.D2, V%d.D2", b+1, b, odd)
		p("\tVZIP2 V%d.D2, V%d.D2, V%d.D2", b+3, b+2, odd+1)
	}
	// Rows now sit in V0-V15; move them up so armStoreRows' scratch
	// registers (V2, V3, V6, V7) are free.
	for v := 0; v < 16; v++ {
		p("\tVMOV V%d.B16, V%d.B16", v, 16+v)
	}
	armStoreRows(name, 8, func(r int) int { return 16 + 2*r })
}
