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

var maxPool3s2Arch = []impl[func(dst, r0, r1, r2 []float32, relu bool)]{
	{name: "avx2", level: AVX2, fn: maxPool3s2AVX2Go},
}

// maxPool3s2AVX2 computes blocks of eight outputs, reading exactly the
// columns they need (seventeen a row).
//
//go:noescape
func maxPool3s2AVX2(dst, r0, r1, r2 *float32, blocks int, relu bool)

// maxPool3s2AVX2Go runs the kernel over whole blocks and once more over
// the last eight outputs (recomputing some, to the same bits); rows of
// fewer than eight outputs go to the Go twin.
func maxPool3s2AVX2Go(dst, r0, r1, r2 []float32, relu bool) {
	n := len(dst)
	if n < 8 {
		maxPool3s2Generic(dst, r0, r1, r2, relu)
		return
	}
	maxPool3s2AVX2(&dst[0], &r0[0], &r1[0], &r2[0], n/8, relu)
	if n%8 != 0 {
		o := n - 8
		maxPool3s2AVX2(&dst[o], &r0[2*o], &r1[2*o], &r2[2*o], 1, relu)
	}
}
