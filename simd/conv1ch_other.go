//go:build !amd64 || noasm || purego

package simd

var conv1Ch8Arch []impl[func(dst []float32, ldd, dstRow int, in []float32, inRow int, taps []int32, w, bias []float32, width, rows int)]
