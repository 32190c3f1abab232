//go:build !noasm && !purego

package simd

var (
	f16ToF32Arch = []impl[func([]float32, []uint16)]{
		{name: "avx2", level: AVX2, fn: f16ToF32AVX2},
		{name: "avx512", level: AVX512, fn: f16ToF32AVX512},
	}
	f32ToF16Arch = []impl[func([]uint16, []float32)]{
		{name: "avx2", level: AVX2, fn: f32ToF16AVX2},
		{name: "avx512", level: AVX512, fn: f32ToF16AVX512},
	}
	bf16ToF32Arch = []impl[func([]float32, []uint16)]{
		{name: "avx2", level: AVX2, fn: bf16ToF32AVX2},
		{name: "avx512", level: AVX512, fn: bf16ToF32AVX512},
	}
	f32ToBF16Arch = []impl[func([]uint16, []float32)]{
		{name: "avx2", level: AVX2, fn: f32ToBF16AVX2},
		{name: "avx512", level: AVX512, fn: f32ToBF16AVX512},
	}
)

// The assembly converts whole blocks; each wrapper below runs the tail
// through a zero-padded block on the stack so the kernels never read or
// write past a slice.

//go:noescape
func f16ToF32AVX2Asm(dst *float32, src *uint16, n int)

//go:noescape
func f32ToF16AVX2Asm(dst *uint16, src *float32, n int)

//go:noescape
func bf16ToF32AVX2Asm(dst *float32, src *uint16, n int)

//go:noescape
func f32ToBF16AVX2Asm(dst *uint16, src *float32, n int)

//go:noescape
func f16ToF32AVX512Asm(dst *float32, src *uint16, n int)

//go:noescape
func f32ToF16AVX512Asm(dst *uint16, src *float32, n int)

//go:noescape
func bf16ToF32AVX512Asm(dst *float32, src *uint16, n int)

//go:noescape
func f32ToBF16AVX512Asm(dst *uint16, src *float32, n int)

func f16ToF32AVX2(dst []float32, src []uint16) {
	n := len(src) &^ 15
	if n > 0 {
		f16ToF32AVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]uint16
		var d [16]float32
		m := copy(s[:], src[n:])
		f16ToF32AVX2Asm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

func f32ToF16AVX2(dst []uint16, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		f32ToF16AVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]float32
		var d [16]uint16
		m := copy(s[:], src[n:])
		f32ToF16AVX2Asm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

func bf16ToF32AVX2(dst []float32, src []uint16) {
	n := len(src) &^ 15
	if n > 0 {
		bf16ToF32AVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]uint16
		var d [16]float32
		m := copy(s[:], src[n:])
		bf16ToF32AVX2Asm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

func f32ToBF16AVX2(dst []uint16, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		f32ToBF16AVX2Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [16]float32
		var d [16]uint16
		m := copy(s[:], src[n:])
		f32ToBF16AVX2Asm(&d[0], &s[0], 16)
		copy(dst[n:n+m], d[:])
	}
}

func f16ToF32AVX512(dst []float32, src []uint16) {
	n := len(src) &^ 31
	if n > 0 {
		f16ToF32AVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [32]uint16
		var d [32]float32
		m := copy(s[:], src[n:])
		f16ToF32AVX512Asm(&d[0], &s[0], 32)
		copy(dst[n:n+m], d[:])
	}
}

func f32ToF16AVX512(dst []uint16, src []float32) {
	n := len(src) &^ 31
	if n > 0 {
		f32ToF16AVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [32]float32
		var d [32]uint16
		m := copy(s[:], src[n:])
		f32ToF16AVX512Asm(&d[0], &s[0], 32)
		copy(dst[n:n+m], d[:])
	}
}

func bf16ToF32AVX512(dst []float32, src []uint16) {
	n := len(src) &^ 31
	if n > 0 {
		bf16ToF32AVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [32]uint16
		var d [32]float32
		m := copy(s[:], src[n:])
		bf16ToF32AVX512Asm(&d[0], &s[0], 32)
		copy(dst[n:n+m], d[:])
	}
}

func f32ToBF16AVX512(dst []uint16, src []float32) {
	n := len(src) &^ 31
	if n > 0 {
		f32ToBF16AVX512Asm(&dst[0], &src[0], n)
	}
	if n < len(src) {
		var s [32]float32
		var d [32]uint16
		m := copy(s[:], src[n:])
		f32ToBF16AVX512Asm(&d[0], &s[0], 32)
		copy(dst[n:n+m], d[:])
	}
}
