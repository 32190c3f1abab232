//go:build !(amd64 || arm64) || noasm || purego

package simd

var (
	f16ToF32Arch  []impl[func([]float32, []uint16)]
	f32ToF16Arch  []impl[func([]uint16, []float32)]
	bf16ToF32Arch []impl[func([]float32, []uint16)]
	f32ToBF16Arch []impl[func([]uint16, []float32)]
)
