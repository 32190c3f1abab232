//go:build !(amd64 || arm64) || noasm || purego

package simd

// Without assembly only the Go twin exists.
var sgemmArch []impl[sgemmMicro]
