//go:build !noasm && !purego

package simd

//go:generate sh -c "python3 _asm/elemf32.py arm64 > _asm/elemf32_arm64.s.in && python3 _asm/a64words.py _asm/elemf32_arm64.s.in elemf32_arm64.s"

// Exp, Sigmoid, Silu and Tanh in float32 lanes (see _asm/elemf32.py); the
// wrappers run the tail through a padded block like the others.

//go:noescape
func expF32NEONAsm(dst *float32, src *float32, n int)

func expF32NEON(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		expF32NEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		expF32NEONAsm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func sigmoidF32NEONAsm(dst *float32, src *float32, n int)

func sigmoidF32NEON(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		sigmoidF32NEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		sigmoidF32NEONAsm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func siluF32NEONAsm(dst *float32, src *float32, n int)

func siluF32NEON(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		siluF32NEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		siluF32NEONAsm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func tanhF32NEONAsm(dst *float32, src *float32, n int)

func tanhF32NEON(dst []float32, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		tanhF32NEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [8]float32
		var d [8]float32
		m := copy(s[:], src[n:])
		tanhF32NEONAsm(&d[0], &s[0], 8)
		copy(dst[n:n+m], d[:])
	}
}
