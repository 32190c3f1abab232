//go:build !amd64 || noasm || purego

package simd

var vaddArch []impl[func(dst, a, b []float32, relu bool)]
