//go:build !amd64 || noasm || purego

package simd

var conv1Ch8Arch []impl[func(dst []float32, ldd int, in []float32, taps []int32, w, bias []float32, width int)]
