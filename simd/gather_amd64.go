//go:build !noasm && !purego

package simd

var gatherRowsArch = []impl[func(dst, src []float32, rowOff, colOff []int32, run int)]{
	{name: "avx2", level: AVX2, fn: gatherRowsAVX2Go},
}

// gatherRowsAVX2 takes runs of one float when len(colOff) is a multiple of
// 8 (VPGATHERDD, eight offsets at a time), runs of four (one 16-byte move
// each) and runs that are multiples of eight (32-byte moves); other shapes
// go to the Go twin. Arguments are checked by GatherRows.
//
//go:noescape
func gatherRows1AVX2(dst, src *float32, rowOff *int32, rows int, colOff *int32, ncol int)

//go:noescape
func gatherRows4AVX2(dst, src *float32, rowOff *int32, rows int, colOff *int32, ncol int)

//go:noescape
func gatherRows8AVX2(dst, src *float32, rowOff *int32, rows int, colOff *int32, ncol, run int)

func gatherRowsAVX2Go(dst, src []float32, rowOff, colOff []int32, run int) {
	switch {
	case run == 1 && len(colOff)%8 == 0:
		gatherRows1AVX2(&dst[0], &src[0], &rowOff[0], len(rowOff), &colOff[0], len(colOff))
	case run == 4:
		gatherRows4AVX2(&dst[0], &src[0], &rowOff[0], len(rowOff), &colOff[0], len(colOff))
	case run%8 == 0:
		gatherRows8AVX2(&dst[0], &src[0], &rowOff[0], len(rowOff), &colOff[0], len(colOff), run)
	default:
		gatherRowsGeneric(dst, src, rowOff, colOff, run)
	}
}
