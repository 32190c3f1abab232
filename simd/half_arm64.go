//go:build !noasm && !purego

package simd

var (
	f16ToF32Arch  = []impl[func([]float32, []uint16)]{{name: "neon", level: NEON, fn: f16ToF32NEON}}
	f32ToF16Arch  = []impl[func([]uint16, []float32)]{{name: "neon", level: NEON, fn: f32ToF16NEON}}
	bf16ToF32Arch = []impl[func([]float32, []uint16)]{{name: "neon", level: NEON, fn: bf16ToF32NEON}}
	f32ToBF16Arch = []impl[func([]uint16, []float32)]{{name: "neon", level: NEON, fn: f32ToBF16NEON}}
)

//go:generate python3 _asm/a64words.py _asm/half_arm64.s.in half_arm64.s

// The assembly converts whole blocks of 16; each wrapper below runs the
// tail through a zero-padded block on the stack so the kernels never read
// or write past a slice.

//go:noescape
func f16ToF32NEONAsm(dst *float32, src *uint16, n int)

func f16ToF32NEON(dst []float32, src []uint16) {
	n := len(src) &^ 15
	if n > 0 {
		f16ToF32NEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]uint16
		var d [16]float32
		m := copy(s[:], src[n:])
		f16ToF32NEONAsm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func f32ToF16NEONAsm(dst *uint16, src *float32, n int)

func f32ToF16NEON(dst []uint16, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		f32ToF16NEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]float32
		var d [16]uint16
		m := copy(s[:], src[n:])
		f32ToF16NEONAsm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func bf16ToF32NEONAsm(dst *float32, src *uint16, n int)

func bf16ToF32NEON(dst []float32, src []uint16) {
	n := len(src) &^ 15
	if n > 0 {
		bf16ToF32NEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]uint16
		var d [16]float32
		m := copy(s[:], src[n:])
		bf16ToF32NEONAsm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

//go:noescape
func f32ToBF16NEONAsm(dst *uint16, src *float32, n int)

func f32ToBF16NEON(dst []uint16, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		f32ToBF16NEONAsm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]float32
		var d [16]uint16
		m := copy(s[:], src[n:])
		f32ToBF16NEONAsm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}
