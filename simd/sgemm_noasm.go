//go:build !(amd64 || arm64) || noasm || purego

package simd

// Without assembly only the Go twin exists.
var sgemmArch []impl[sgemmMicro]

var sgemmStridedArch []impl[func(rows, k int, a, b, c []float32, ldc, ldb, panels int)]
