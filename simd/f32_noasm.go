//go:build !(amd64 || arm64) || noasm || purego

package simd

// Without assembly only the Go twins exist.
var (
	sdotArch  []impl[func(x, y []float32) float32]
	saxpyArch []impl[func(alpha float32, x, y []float32)]
)
