package simd

// IEEE 754 binary16 (f16) and bfloat16 (bf16) conversions to and from
// float32. Values travel as raw bit patterns in uint16 so callers can read
// them straight from a mapped weight file.

// F16ToF32 widens IEEE binary16 values to float32, exactly:
//
//	for i, h := range src { dst[i] = float16.Frombits(h).Float32() }
//
// (github.com/x448/float16). Subnormals become normal float32 values, a
// signalling NaN comes back quiet with its payload kept. dst must hold at
// least len(src) values.
func F16ToF32(dst []float32, src []uint16) {
	if len(src) == 0 {
		return
	}
	f16ToF32Fn(dst[:len(src)], src)
}

// F32ToF16 narrows float32 values to IEEE binary16, rounding to nearest
// with ties to even:
//
//	for i, f := range src { dst[i] = float16.Fromfloat32(f).Bits() }
//
// Values too large become ±Inf, values too small ±0 or a subnormal; a NaN
// stays a NaN (quiet, sign and top payload bits kept). dst must hold at
// least len(src) values.
func F32ToF16(dst []uint16, src []float32) {
	if len(src) == 0 {
		return
	}
	f32ToF16Fn(dst[:len(src)], src)
}

// BF16ToF32 widens bfloat16 values to float32, exactly:
//
//	for i, b := range src { dst[i] = math.Float32frombits(uint32(b) << 16) }
//
// dst must hold at least len(src) values.
func BF16ToF32(dst []float32, src []uint16) {
	if len(src) == 0 {
		return
	}
	bf16ToF32Fn(dst[:len(src)], src)
}

// F32ToBF16 narrows float32 values to bfloat16, rounding to nearest with
// ties to even (see bf16FromF32). A NaN stays a NaN and is made quiet, so
// rounding can never turn it into an infinity. dst must hold at least
// len(src) values.
func F32ToBF16(dst []uint16, src []float32) {
	if len(src) == 0 {
		return
	}
	f32ToBF16Fn(dst[:len(src)], src)
}

var (
	f16ToF32Fn  func(dst []float32, src []uint16)
	f32ToF16Fn  func(dst []uint16, src []float32)
	bf16ToF32Fn func(dst []float32, src []uint16)
	f32ToBF16Fn func(dst []uint16, src []float32)

	f16ToF32Family  = newFamily("f16tof32", &f16ToF32Fn, f16ToF32Generic, f16ToF32Arch...)
	f32ToF16Family  = newFamily("f32tof16", &f32ToF16Fn, f32ToF16Generic, f32ToF16Arch...)
	bf16ToF32Family = newFamily("bf16tof32", &bf16ToF32Fn, bf16ToF32Generic, bf16ToF32Arch...)
	f32ToBF16Family = newFamily("f32tobf16", &f32ToBF16Fn, f32ToBF16Generic, f32ToBF16Arch...)
)
