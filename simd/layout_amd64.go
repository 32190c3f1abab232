//go:build !noasm && !purego

package simd

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

var padUnzipArch = []impl[func(ev, od, src []float32, h, w, ld, pl int, relu bool)]{
	{name: "avx2", level: AVX2, fn: padUnzipAVX2Go},
}

// padUnzipAVX2 splits rows rows of w floats, h rows a plane, into even
// and odd halves rows ld and planes pl bytes apart: blocks of sixteen,
// then one of eight, then pairs, then the last even float.
//
//go:noescape
func padUnzipAVX2(ev, od, src *float32, rows, h, w, ld, pl int, relu bool)

func padUnzipAVX2Go(ev, od, src []float32, h, w, ld, pl int, relu bool) {
	padUnzipAVX2(&ev[0], &od[0], &src[0], len(src)/w, h, w, 4*ld, 4*pl, relu)
}
