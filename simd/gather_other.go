//go:build !amd64 || noasm || purego

package simd

// Elsewhere only the Go twin exists: NEON has no gather, and its copies
// are what the Go runtime's memmove already does.
var gatherRowsArch []impl[func(dst, src []float32, rowOff, colOff []int32, run int)]

var gatherBlendArch []impl[func(dst, src []float32, rowOff []int32, blocks []BlendBlock)]
