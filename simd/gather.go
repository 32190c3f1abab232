package simd

import "fmt"

// GatherRows writes a panel of rows gathered through two offset tables, in
// runs of run consecutive floats:
//
//	nr := len(colOff) * run
//	for p := range rowOff {
//		for j := range colOff {
//			for t := 0; t < run; t++ {
//				dst[p*nr+j*run+t] = src[rowOff[p]+colOff[j]+t]
//			}
//		}
//	}
//
// It is how a convolution's im2col matrix is written straight into a GEMM
// panel: rowOff holds each kernel tap's offset, colOff the origins in the
// input of runs of output positions that are consecutive there (run = 1
// for strided convolutions, the output width or the whole panel for
// stride 1). GatherRows panics unless every offset lands in src and dst
// holds the panel.
func GatherRows(dst, src []float32, rowOff, colOff []int32, run int) {
	if len(rowOff) == 0 || len(colOff) == 0 {
		return
	}
	if run < 1 {
		panic(fmt.Sprintf("simd: GatherRows: run %d", run))
	}
	nr := len(colOff) * run
	clo, chi := bounds32(colOff)
	rlo, rhi := bounds32(rowOff)
	if len(dst) < len(rowOff)*nr || int64(rlo)+int64(clo) < 0 || int64(rhi)+int64(chi)+int64(run) > int64(len(src)) {
		panic(fmt.Sprintf("simd: GatherRows: offsets [%d, %d) outside %d floats, or dst %d < %d×%d",
			int64(rlo)+int64(clo), int64(rhi)+int64(chi)+int64(run), len(src), len(dst), len(rowOff), nr))
	}
	f32RaceRead(src)
	f32RaceWrite(dst[:len(rowOff)*nr])
	gatherRowsFn(dst, src, rowOff, colOff, run)
}

func bounds32(s []int32) (lo, hi int32) {
	lo, hi = s[0], s[0]
	for _, v := range s[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
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
