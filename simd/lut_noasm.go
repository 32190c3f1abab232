//go:build !(amd64 || arm64) || noasm || purego

package simd

var lut16Arch []impl[func([]int32, []byte, []int8, int, int, int)]
