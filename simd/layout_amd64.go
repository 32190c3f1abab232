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

var padRowsArch = []impl[func(dst, src []float32, w, left, right int)]{
	{name: "avx2", level: AVX2, fn: padRowsAVX2Go},
}

// padRowsAVX2 writes rows of the padded plane from the row at dst (its
// first float): the row in blocks of eight (the last one overlapping its
// predecessor), then eight zeros from its end, which cover its right
// padding and the next row's left (at most eight in all) and run into the
// next row, written after. So rows go in order, the caller writes the
// first row's left padding and keeps the last row's zeros inside dst.
//
//go:noescape
func padRowsAVX2(dst, src *float32, rows, w, wp int)

// padRowsAVX2Go takes rows of eight floats or more between paddings of at
// most eight in all; the last rows, whose trailing zeros would leave dst,
// and other shapes go to the Go twin.
func padRowsAVX2Go(dst, src []float32, w, left, right int) {
	wp := w + left + right
	rows := len(dst) / wp
	if w < 8 || left+right > 8 || rows == 0 {
		padRowsGeneric(dst, src, w, left, right)
		return
	}
	last := rows
	for last > 0 && (last-1)*wp+left+w+8 > len(dst) {
		last--
	}
	if last > 0 {
		clear(dst[:left])
		padRowsAVX2(&dst[left], &src[0], last, w, wp)
	}
	padRowsGeneric(dst[last*wp:], src[last*w:], w, left, right)
}
