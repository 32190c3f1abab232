//go:build !(amd64 || arm64) || noasm || purego

package simd

var stepLookupArch []impl[func(dst []int8, src []float32, t *StepTable)]
