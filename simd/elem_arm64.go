//go:build !noasm && !purego

package simd

//go:generate sh -c "python3 _asm/elem_arm64.py > _asm/elem_arm64.s.in && python3 _asm/a64words.py _asm/elem_arm64.s.in elem_arm64.s"

var (
	roundS8Arch  = []impl[func([]int8, []float32)]{{name: "neon", level: NEON, fn: roundS8NEON}}
	scaleAddArch = []impl[func(dst, src []float32, a, b float32)]{{name: "neon", level: NEON, fn: scaleAddNEON}}
	normPPFArch  = []impl[elemFunc]{{name: "neon", level: NEON, fn: normppfNEON}}
	expArch      = []impl[elemFunc]{{name: "neon", level: NEON, fn: expF32NEON}}
	sigmoidArch  = []impl[elemFunc]{{name: "neon", level: NEON, fn: sigmoidF32NEON}}
	siluArch     = []impl[elemFunc]{{name: "neon", level: NEON, fn: siluF32NEON}}
	tanhArch     = []impl[elemFunc]{{name: "neon", level: NEON, fn: tanhF32NEON}}
	normCDFArch  = []impl[elemFunc]{{name: "neon", level: NEON, fn: normcdfNEON}}
	geluArch     = []impl[elemFunc]{{name: "neon", level: NEON, fn: geluNEON}}
	reluArch     = []impl[elemFunc]{{name: "neon", level: NEON, fn: reluNEON}}
)

// The assembly maps whole blocks (4 values for the float64-based kernels,
// 16 for Relu and RoundS8); each wrapper runs the tail through a padded
// block on the stack, so a kernel never touches memory outside the slices
// and every element gets the same arithmetic.

//go:noescape
func normcdfNEONAsm(dst *float32, src *float32, n int)

func normcdfNEON(dst []float32, src []float32) {
	n := len(src) &^ 3
	if n > 0 {
		normcdfNEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [4]float32
		var d [4]float32
		m := copy(s[:], src[n:])
		normcdfNEONAsm(&d[0], &s[0], 4)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func geluNEONAsm(dst *float32, src *float32, n int)

func geluNEON(dst []float32, src []float32) {
	n := len(src) &^ 3
	if n > 0 {
		geluNEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [4]float32
		var d [4]float32
		m := copy(s[:], src[n:])
		geluNEONAsm(&d[0], &s[0], 4)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func normppfNEONAsm(dst *float32, src *float32, n int)

func normppfNEON(dst []float32, src []float32) {
	n := len(src) &^ 3
	if n > 0 {
		normppfNEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [4]float32
		var d [4]float32
		m := copy(s[:], src[n:])
		normppfNEONAsm(&d[0], &s[0], 4)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func reluNEONAsm(dst *float32, src *float32, n int)

func reluNEON(dst []float32, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		reluNEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]float32
		var d [16]float32
		m := copy(s[:], src[n:])
		reluNEONAsm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func roundS8NEONAsm(dst *int8, src *float32, n int)

func roundS8NEON(dst []int8, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		roundS8NEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]float32
		var d [16]int8
		m := copy(s[:], src[n:])
		roundS8NEONAsm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func scaleAddNEONAsm(dst, src *float32, n int, a, b float32)

func scaleAddNEON(dst, src []float32, a, b float32) {
	n := len(src) &^ 15
	if n > 0 {
		scaleAddNEONAsm(&dst[0], &src[0], n, a, b)
	}
	if n < len(src) {
		var s, d [16]float32
		m := copy(s[:], src[n:])
		scaleAddNEONAsm(&d[0], &s[0], 16, a, b)
		copy(dst[n:n+m], d[:])
	}
}
