//go:build !(amd64 || arm64) || noasm || purego

package simd

var (
	reluArch, expArch, sigmoidArch, siluArch, tanhArch, geluArch, normCDFArch, normPPFArch []impl[elemFunc]

	roundS8Arch  []impl[func([]int8, []float32)]
	scaleAddArch []impl[func(dst, src []float32, a, b float32)]
)
