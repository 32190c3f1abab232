//go:build !noasm && !purego

package simd

//go:generate sh -c "python3 _asm/elem_amd64.py > elem_amd64.s"

var (
	reluArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: reluAVX2},
		{name: "avx512", level: AVX512, fn: reluAVX512},
	}
	roundS8Arch = []impl[func([]int8, []float32)]{
		{name: "avx2", level: AVX2, fn: roundS8AVX2},
		{name: "avx512", level: AVX512, fn: roundS8AVX512},
	}
	expArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: expAVX2},
		{name: "avx512", level: AVX512, fn: expAVX512},
	}
	sigmoidArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: sigmoidAVX2},
		{name: "avx512", level: AVX512, fn: sigmoidAVX512},
	}
	siluArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: siluAVX2},
		{name: "avx512", level: AVX512, fn: siluAVX512},
	}
	tanhArch = []impl[elemFunc]{
		{name: "avx2", level: AVX2, fn: tanhAVX2},
		{name: "avx512", level: AVX512, fn: tanhAVX512},
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
func expAVX2Asm(dst *float32, src *float32, n int)

func expAVX2(dst []float32, src []float32) {
	n := len(src) &^ 3
	if n > 0 {
		expAVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [4]float32
		var d [4]float32
		m := copy(s[:], src[n:])
		expAVX2Asm(&d[0], &s[0], 4)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func expAVX512Asm(dst *float32, src *float32, n int)

func expAVX512(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		expAVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		expAVX512Asm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func sigmoidAVX2Asm(dst *float32, src *float32, n int)

func sigmoidAVX2(dst []float32, src []float32) {
	n := len(src) &^ 3
	if n > 0 {
		sigmoidAVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [4]float32
		var d [4]float32
		m := copy(s[:], src[n:])
		sigmoidAVX2Asm(&d[0], &s[0], 4)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func sigmoidAVX512Asm(dst *float32, src *float32, n int)

func sigmoidAVX512(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		sigmoidAVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		sigmoidAVX512Asm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func siluAVX2Asm(dst *float32, src *float32, n int)

func siluAVX2(dst []float32, src []float32) {
	n := len(src) &^ 3
	if n > 0 {
		siluAVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [4]float32
		var d [4]float32
		m := copy(s[:], src[n:])
		siluAVX2Asm(&d[0], &s[0], 4)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func siluAVX512Asm(dst *float32, src *float32, n int)

func siluAVX512(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		siluAVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		siluAVX512Asm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func tanhAVX2Asm(dst *float32, src *float32, n int)

func tanhAVX2(dst []float32, src []float32) {
	n := len(src) &^ 3
	if n > 0 {
		tanhAVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [4]float32
		var d [4]float32
		m := copy(s[:], src[n:])
		tanhAVX2Asm(&d[0], &s[0], 4)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func tanhAVX512Asm(dst *float32, src *float32, n int)

func tanhAVX512(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		tanhAVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		tanhAVX512Asm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

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
