//go:build !amd64 || noasm || purego

package simd

var unzip2Arch []impl[func(even, odd, src []float32)]

var copyRowsArch []impl[func(dst, src []float32, w, wp int, relu bool)]
