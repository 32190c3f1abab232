//go:build !noasm && !purego

package simd

//go:generate sh -c "python3 _asm/elem_amd64.py > elem_amd64.s"

var (
	reluArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: reluAVX2},
		{name: "avx512", level: AVX512, fn: reluAVX512},
	}
	scaleAddArch = []impl[func(dst, src []float32, a, b float32)]{
		{name: "avx2", level: AVX2, fn: scaleAddAVX2},
		{name: "avx512", level: AVX512, fn: scaleAddAVX512},
	}
	roundS8Arch = []impl[func([]int8, []float32)]{
		{name: "avx2", level: AVX2, fn: roundS8AVX2},
		{name: "avx512", level: AVX512, fn: roundS8AVX512},
	}
	expArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: expF32AVX2},
		{name: "avx512", level: AVX512, fn: expF32AVX512},
	}
	sigmoidArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: sigmoidF32AVX2},
		{name: "avx512", level: AVX512, fn: sigmoidF32AVX512},
	}
	siluArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: siluF32AVX2},
		{name: "avx512", level: AVX512, fn: siluF32AVX512},
	}
	tanhArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: tanhF32AVX2},
		{name: "avx512", level: AVX512, fn: tanhF32AVX512},
	}
	normCDFArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: normcdfAVX2},
		{name: "avx512", level: AVX512, fn: normcdfAVX512},
	}
	geluArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: geluAVX2},
		{name: "avx512", level: AVX512, fn: geluAVX512},
	}
	normPPFArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: normppfAVX2},
		{name: "avx512", level: AVX512, fn: normppfAVX512},
	}
)

// The assembly maps whole blocks (4 or 8 values for the float64-based
// kernels, 32 or 64 for Relu and RoundS8); each wrapper runs the tail
// through a padded block on the stack, so a kernel never touches memory
// outside the slices and every element gets the same arithmetic.

//go:noescape
func normcdfAVX2Asm(dst *float32, src *float32, n int)

func normcdfAVX2(dst []float32, src []float32) {
	n := len(src) &^ 3
	if n > 0 {
		normcdfAVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [4]float32
		var d [4]float32
		m := copy(s[:], src[n:])
		normcdfAVX2Asm(&d[0], &s[0], 4)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func normcdfAVX512Asm(dst *float32, src *float32, n int)

func normcdfAVX512(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		normcdfAVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		normcdfAVX512Asm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func geluAVX2Asm(dst *float32, src *float32, n int)

func geluAVX2(dst []float32, src []float32) {
	n := len(src) &^ 3
	if n > 0 {
		geluAVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [4]float32
		var d [4]float32
		m := copy(s[:], src[n:])
		geluAVX2Asm(&d[0], &s[0], 4)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func geluAVX512Asm(dst *float32, src *float32, n int)

func geluAVX512(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		geluAVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		geluAVX512Asm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func normppfAVX2Asm(dst *float32, src *float32, n int)

func normppfAVX2(dst []float32, src []float32) {
	n := len(src) &^ 3
	if n > 0 {
		normppfAVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [4]float32
		var d [4]float32
		m := copy(s[:], src[n:])
		normppfAVX2Asm(&d[0], &s[0], 4)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func normppfAVX512Asm(dst *float32, src *float32, n int)

func normppfAVX512(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		normppfAVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		normppfAVX512Asm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func reluAVX2Asm(dst *float32, src *float32, n int)

func reluAVX2(dst []float32, src []float32) {
	n := len(src) &^ 31
	if n > 0 {
		reluAVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [32]float32
		var d [32]float32
		m := copy(s[:], src[n:])
		reluAVX2Asm(&d[0], &s[0], 32)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func reluAVX512Asm(dst *float32, src *float32, n int)

func reluAVX512(dst []float32, src []float32) {
	n := len(src) &^ 63
	if n > 0 {
		reluAVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [64]float32
		var d [64]float32
		m := copy(s[:], src[n:])
		reluAVX512Asm(&d[0], &s[0], 64)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func roundS8AVX2Asm(dst *int8, src *float32, n int)

func roundS8AVX2(dst []int8, src []float32) {
	n := len(src) &^ 31
	if n > 0 {
		roundS8AVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [32]float32
		var d [32]int8
		m := copy(s[:], src[n:])
		roundS8AVX2Asm(&d[0], &s[0], 32)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func roundS8AVX512Asm(dst *int8, src *float32, n int)

func roundS8AVX512(dst []int8, src []float32) {
	n := len(src) &^ 63
	if n > 0 {
		roundS8AVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [64]float32
		var d [64]int8
		m := copy(s[:], src[n:])
		roundS8AVX512Asm(&d[0], &s[0], 64)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func scaleAddAVX2Asm(dst, src *float32, n int, a, b float32)

func scaleAddAVX2(dst, src []float32, a, b float32) {
	n := len(src) &^ 31
	if n > 0 {
		scaleAddAVX2Asm(&dst[0], &src[0], n, a, b)
	}
	if n < len(src) {
		var s, d [32]float32
		m := copy(s[:], src[n:])
		scaleAddAVX2Asm(&d[0], &s[0], 32, a, b)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func scaleAddAVX512Asm(dst, src *float32, n int, a, b float32)

func scaleAddAVX512(dst, src []float32, a, b float32) {
	n := len(src) &^ 63
	if n > 0 {
		scaleAddAVX512Asm(&dst[0], &src[0], n, a, b)
	}
	if n < len(src) {
		var s, d [64]float32
		m := copy(s[:], src[n:])
		scaleAddAVX512Asm(&d[0], &s[0], 64, a, b)
		copy(dst[n:n+m], d[:])
	}
}
