//go:build !noasm && !purego

package simd

var vaddArch = []impl[func(dst, a, b []float32, relu bool)]{
	{name: "avx2", level: AVX2, fn: vaddAVX2Go},
}

// vaddAVX2 adds blocks of eight floats; the ReLU zeroes the lanes whose
// sum compares below zero, which keeps NaN and -0.
//
//go:noescape
func vaddAVX2(dst, a, b *float32, blocks int, relu bool)

func vaddAVX2Go(dst, a, b []float32, relu bool) {
	n := len(dst) / 8
	if n > 0 {
		vaddAVX2(&dst[0], &a[0], &b[0], n, relu)
	}
	vaddGeneric(dst[8*n:], a[8*n:], b[8*n:], relu)
}
