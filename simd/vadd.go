package simd

import "fmt"

// Vadd writes dst[i] = a[i] + b[i] for i < len(dst), and with relu set,
// 0 in place of each sum below zero (a NaN or -0 sum is kept, as Relu
// keeps them): the residual addition of a ResNet block, with the ReLU
// that follows it folded in. It panics if a or b is shorter than dst.
func Vadd(dst, a, b []float32, relu bool) {
	if len(a) < len(dst) || len(b) < len(dst) {
		panic(fmt.Sprintf("simd: Vadd: %d floats from %d and %d", len(dst), len(a), len(b)))
	}
	if len(dst) == 0 {
		return
	}
	a, b = a[:len(dst)], b[:len(dst)]
	f32RaceRead(a)
	f32RaceRead(b)
	f32RaceWrite(dst)
	vaddFn(dst, a, b, relu)
}

var vaddFn func(dst, a, b []float32, relu bool)

var vaddFamily = newFamily("vadd", &vaddFn, vaddGeneric, vaddArch...)

// vaddGeneric is the Go twin of Vadd (slices of equal length).
func vaddGeneric(dst, a, b []float32, relu bool) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		v := a[i] + b[i]
		if relu && v < 0 {
			v = 0
		}
		dst[i] = v
	}
}
