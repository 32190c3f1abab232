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
