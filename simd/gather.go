package simd

import (
	"fmt"
	"math"
)

// Offsets is a table of row offsets with its bounds, computed once: the
// gathers check every read against src before running, and a table of a
// convolution's kernel taps is used for every panel of every run.
type Offsets struct {
	off    []int32
	lo, hi int32
}

// NewOffsets returns the table of off (which it keeps; do not modify it).
func NewOffsets(off []int32) Offsets {
	o := Offsets{off: off}
	if len(off) > 0 {
		o.lo, o.hi = bounds32(off)
	}
	return o
}

// Len is the number of offsets.
func (o Offsets) Len() int { return len(o.off) }

// Sub is the table of offsets [i, j). It keeps the bounds of o, which hold
// for it too.
func (o Offsets) Sub(i, j int) Offsets { return Offsets{off: o.off[i:j], lo: o.lo, hi: o.hi} }

// GatherRows writes a panel of rows gathered through two offset tables, in
// runs of run consecutive floats:
//
//	nr := len(colOff) * run
//	for p := range rows {
//		for j := range colOff {
//			for t := 0; t < run; t++ {
//				dst[p*nr+j*run+t] = src[rows[p]+colOff[j]+t]
//			}
//		}
//	}
//
// It is how a convolution's im2col matrix is written straight into a GEMM
// panel: rows holds each kernel tap's offset, colOff the origins in the
// input of runs of output positions that are consecutive there (run = 1
// for strided convolutions, the output width or the whole panel for
// stride 1). GatherRows panics unless every offset lands in src and dst
// holds the panel.
func GatherRows(dst, src []float32, rows Offsets, colOff []int32, run int) {
	if len(rows.off) == 0 || len(colOff) == 0 {
		return
	}
	if run < 1 {
		panic(fmt.Sprintf("simd: GatherRows: run %d", run))
	}
	nr := len(colOff) * run
	clo, chi := bounds32(colOff)
	if len(dst) < len(rows.off)*nr || int64(rows.lo)+int64(clo) < 0 || int64(rows.hi)+int64(chi)+int64(run) > int64(len(src)) {
		panic(fmt.Sprintf("simd: GatherRows: offsets [%d, %d) outside %d floats, or dst %d < %d×%d",
			int64(rows.lo)+int64(clo), int64(rows.hi)+int64(chi)+int64(run), len(src), len(dst), len(rows.off), nr))
	}
	f32RaceRead(src)
	f32RaceWrite(dst[:len(rows.off)*nr])
	gatherRowsFn(dst, src, rows.off, colOff, run)
}

func bounds32(s []int32) (lo, hi int32) {
	lo, hi = s[0], s[0]
	for _, v := range s[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// BlendBlock is eight consecutive columns of a panel made of two runs:
// columns l < Split of the block read src[row+A+l], the others
// src[row+B+l]. A panel of output positions that wraps from one output
// row to the next is such blocks, one run ending where the other begins.
type BlendBlock struct {
	A, B  int32
	Split int32
}

// GatherBlend writes a panel of len(blocks)·8 columns gathered as blocks
// of two runs:
//
//	nr := 8 * len(blocks)
//	for p := range rows {
//		for h, b := range blocks {
//			for l := 0; l < 8; l++ {
//				o := b.A
//				if l >= b.Split {
//					o = b.B
//				}
//				dst[p*nr+8*h+l] = src[rows[p]+o+l]
//			}
//		}
//	}
//
// It reads all eight floats from both origins of each block (and selects),
// so it gathers only when all of src[rows[p]+o : rows[p]+o+8] lie in src
// for both origins of every block: it reports whether they did, and
// writes nothing when not. It panics if dst cannot hold the panel or a
// Split is outside [0, 8].
func GatherBlend(dst, src []float32, rows Offsets, blocks []BlendBlock) bool {
	nr := 8 * len(blocks)
	if len(dst) < len(rows.off)*nr {
		panic(fmt.Sprintf("simd: GatherBlend: dst %d < %d×%d", len(dst), len(rows.off), nr))
	}
	if len(rows.off) == 0 || nr == 0 {
		return true
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, b := range blocks {
		if b.Split < 0 || b.Split > 8 {
			panic(fmt.Sprintf("simd: GatherBlend: split %d", b.Split))
		}
		lo = min(lo, int64(b.A), int64(b.B))
		hi = max(hi, int64(b.A), int64(b.B))
	}
	if int64(rows.lo)+lo < 0 || int64(rows.hi)+hi+8 > int64(len(src)) {
		return false
	}
	f32RaceRead(src)
	f32RaceWrite(dst[:len(rows.off)*nr])
	gatherBlendFn(dst, src, rows.off, blocks)
	return true
}

var gatherBlendFn func(dst, src []float32, rowOff []int32, blocks []BlendBlock)

var gatherBlendFamily = newFamily("gatherblend", &gatherBlendFn, gatherBlendGeneric, gatherBlendArch...)

// gatherBlendGeneric is the Go twin of GatherBlend (arguments checked).
func gatherBlendGeneric(dst, src []float32, rowOff []int32, blocks []BlendBlock) {
	nr := 8 * len(blocks)
	for p, r := range rowOff {
		d := dst[p*nr : p*nr+nr]
		for h, b := range blocks {
			a := src[int(r)+int(b.A):]
			copy(d[8*h:8*h+int(b.Split)], a[:b.Split])
			c := src[int(r)+int(b.B):]
			copy(d[8*h+int(b.Split):8*h+8], c[b.Split:8])
		}
	}
}

var gatherRowsFn func(dst, src []float32, rowOff, colOff []int32, run int)

var gatherRowsFamily = newFamily("gatherrows", &gatherRowsFn, gatherRowsGeneric, gatherRowsArch...)

// gatherRowsGeneric is the Go twin of GatherRows (arguments checked).
func gatherRowsGeneric(dst, src []float32, rowOff, colOff []int32, run int) {
	nr := len(colOff) * run
	for p, r := range rowOff {
		d := dst[p*nr : p*nr+nr]
		if run == 1 {
			for j, c := range colOff {
				d[j] = src[int(r)+int(c)]
			}
			continue
		}
		for j, c := range colOff {
			o := int(r) + int(c)
			copy(d[j*run:j*run+run], src[o:o+run])
		}
	}
}
