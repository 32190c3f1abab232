//go:build !(amd64 || arm64) || noasm || purego

package simd

var pointwiseArch []impl[func(y []float32, ldy int, pw *PointwiseWeights, x []float32, ldx, n int, add bool)]
