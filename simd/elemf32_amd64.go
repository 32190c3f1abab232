//go:build !noasm && !purego

package simd

//go:generate sh -c "python3 _asm/elemf32.py amd64 > elemf32_amd64.s"

// Exp, Sigmoid, Silu and Tanh in float32 lanes (see _asm/elemf32.py); the
// wrappers run the tail through a padded block like the others.

//go:noescape
func expF32AVX2Asm(dst *float32, src *float32, n int)

func expF32AVX2(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		expF32AVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		expF32AVX2Asm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func expF32AVX512Asm(dst *float32, src *float32, n int)

func expF32AVX512(dst []float32, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		expF32AVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]float32
		var d [16]float32
		m := copy(s[:], src[n:])
		expF32AVX512Asm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func sigmoidF32AVX2Asm(dst *float32, src *float32, n int)

func sigmoidF32AVX2(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		sigmoidF32AVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		sigmoidF32AVX2Asm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func sigmoidF32AVX512Asm(dst *float32, src *float32, n int)

func sigmoidF32AVX512(dst []float32, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		sigmoidF32AVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]float32
		var d [16]float32
		m := copy(s[:], src[n:])
		sigmoidF32AVX512Asm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func siluF32AVX2Asm(dst *float32, src *float32, n int)

func siluF32AVX2(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		siluF32AVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		siluF32AVX2Asm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func siluF32AVX512Asm(dst *float32, src *float32, n int)

func siluF32AVX512(dst []float32, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		siluF32AVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]float32
		var d [16]float32
		m := copy(s[:], src[n:])
		siluF32AVX512Asm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func tanhF32AVX2Asm(dst *float32, src *float32, n int)

func tanhF32AVX2(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		tanhF32AVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		tanhF32AVX2Asm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func tanhF32AVX512Asm(dst *float32, src *float32, n int)

func tanhF32AVX512(dst []float32, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		tanhF32AVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]float32
		var d [16]float32
		m := copy(s[:], src[n:])
		tanhF32AVX512Asm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}
