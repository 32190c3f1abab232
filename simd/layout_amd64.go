//go:build !noasm && !purego

package simd

var unzip2Arch = []impl[func(even, odd, src []float32)]{
	{name: "avx2", level: AVX2, fn: unzip2AVX2Go},
}

// unzip2AVX2 splits blocks of sixteen floats into eight and eight.
//
//go:noescape
func unzip2AVX2(even, odd, src *float32, blocks int)

func unzip2AVX2Go(even, odd, src []float32) {
	n := len(src) / 16
	if n > 0 {
		unzip2AVX2(&even[0], &odd[0], &src[0], n)
	}
	unzip2Generic(even[8*n:], odd[8*n:], src[16*n:])
}

var copyRowsArch = []impl[func(dst, src []float32, h, w, wp, n int, relu bool)]{
	{name: "avx2", level: AVX2, fn: copyRowsAVX2Go},
}

// copyRowsAVX2 copies planes of h rows of w floats, four or more, rows
// wp apart and planes n apart in dst: rows of eight or more in blocks of
// eight, the last block overlapping its predecessor; narrower rows as two
// blocks of four, overlapping. With relu, lanes that compare below zero
// are cleared on the way. All planes in one call: the maps of small
// models are a few rows each.
//
//go:noescape
func copyRowsAVX2(dst, src *float32, planes, h, w, wp, n int, relu bool)

func copyRowsAVX2Go(dst, src []float32, h, w, wp, n int, relu bool) {
	if w < 4 || h == 0 {
		copyRowsGeneric(dst, src, h, w, wp, n, relu)
		return
	}
	copyRowsAVX2(&dst[0], &src[0], len(src)/(h*w), h, w, wp, n, relu)
}
