//go:build !noasm && !purego

package simd

var maxPool2x2Arch = []impl[func(dst, src []float32, oh, w, ow int, relu bool)]{
	{name: "avx2", level: AVX2, fn: maxPool2x2AVX2Go},
}

// maxPool2x2AVX2 computes output rows [0, rows) eight outputs (sixteen
// input columns) at a time. A row's last block may be short: it reads past
// the window's rows (into the next ones) and writes past the row's ow
// outputs, into the next rows' outputs, which later rows overwrite. So
// rows are done in order, and the caller gives it only rows whose reads
// and writes stay inside src and dst.
//
//go:noescape
func maxPool2x2AVX2(dst, src *float32, rows, oh, hw, w, ow int, relu bool)

func maxPool2x2AVX2Go(dst, src []float32, oh, w, ow int, relu bool) {
	rows := len(dst) / ow
	hw := len(src) / (rows / oh)
	span := (ow + 7) / 8 * 8
	safe := rows
	for safe > 0 {
		r := safe - 1
		if r*ow+span <= len(dst) && (r/oh)*hw+2*(r%oh)*w+w+2*span <= len(src) {
			break
		}
		safe--
	}
	if safe > 0 {
		maxPool2x2AVX2(&dst[0], &src[0], safe, oh, hw, w, ow, relu)
	}
	maxPool2x2Rows(dst, src, oh, w, ow, relu, safe, rows)
}
