package simd

import (
	"math"

	"github.com/x448/float16"
)

func f16ToF32Generic(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	for i, h := range src {
		dst[i] = float16.Frombits(h).Float32()
	}
}

func f32ToF16Generic(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	for i, f := range src {
		dst[i] = float16.Fromfloat32(f).Bits()
	}
}

func bf16ToF32Generic(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	for i, b := range src {
		dst[i] = math.Float32frombits(uint32(b) << 16)
	}
}

func f32ToBF16Generic(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	for i, f := range src {
		dst[i] = bf16FromF32(math.Float32bits(f))
	}
}

// bf16FromF32 rounds float32 bits to bfloat16 bits, to nearest with ties to
// even: adding 0x7fff plus the lowest kept bit carries into the kept part
// exactly when the dropped half is above one half, or equal to it with an
// odd kept part. Overflow carries into the exponent and yields ±Inf, as it
// should. A NaN only gets its quiet bit set: rounding could carry its
// payload into an infinity.
func bf16FromF32(u uint32) uint16 {
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 0x40
	}
	return uint16((u + 0x7fff + (u>>16)&1) >> 16)
}
