//go:build !noasm && !purego

package simd

var sdotArch = []impl[func(x, y []float32) float32]{
	{name: "avx2", level: AVX2, fn: sdotAVX2},
	{name: "avx512", level: AVX512, fn: sdotAVX512},
}

var saxpyArch = []impl[func(alpha float32, x, y []float32)]{
	{name: "avx2", level: AVX2, fn: saxpyAVX2},
	{name: "avx512", level: AVX512, fn: saxpyAVX512},
}

// sdotAVX2 and sdotAVX512 are Sdot for len(y) >= len(x): four vector
// accumulators (ymm: 32, zmm: 64 elements a step), then single vectors;
// the AVX2 tail is scalar FMA, the AVX-512 tail one masked step.
//
//go:noescape
func sdotAVX2(x, y []float32) float32

//go:noescape
func sdotAVX512(x, y []float32) float32

// saxpyAVX2 and saxpyAVX512 are Saxpy for len(y) >= len(x), with the same
// stepping as the dot kernels.
//
//go:noescape
func saxpyAVX2(alpha float32, x, y []float32)

//go:noescape
func saxpyAVX512(alpha float32, x, y []float32)
