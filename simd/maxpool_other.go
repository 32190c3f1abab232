//go:build !amd64 || noasm || purego

package simd

var maxPool2x2Arch []impl[func(dst, src []float32, oh, w, ow int, relu bool)]

var maxPool3s2Arch []impl[func(dst, r0, r1, r2 []float32, relu bool)]
