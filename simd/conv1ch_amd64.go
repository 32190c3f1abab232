//go:build !noasm && !purego

package simd

var conv1Ch8Arch = []impl[func(dst []float32, ldd, dstRow int, in []float32, inRow int, taps []int32, w, bias []float32, width, rows int)]{
	{name: "avx2", level: AVX2, fn: conv1Ch8AVX2Go},
}

// conv1Ch8AVX2 keeps the eight channels' accumulators in registers: a tap
// is one load of eight inputs and eight broadcast weights into FMAs. It
// does whole rows, blocks of eight, the last one overlapping its
// predecessor (recomputing a few outputs to the same bits), rows dstRow
// and inRow floats apart.
//
//go:noescape
func conv1Ch8AVX2(dst *float32, ldd int, in *float32, taps *int32, n int, w, bias *float32, width, rows, dstRow, inRow int)

func conv1Ch8AVX2Go(dst []float32, ldd, dstRow int, in []float32, inRow int, taps []int32, w, bias []float32, width, rows int) {
	if len(taps) == 0 {
		conv1Ch8RowsGeneric(dst, ldd, dstRow, in, inRow, taps, w, bias, width, rows)
		return
	}
	conv1Ch8AVX2(&dst[0], ldd, &in[0], &taps[0], len(taps), &w[0], &bias[0], width, rows, dstRow, inRow)
}
