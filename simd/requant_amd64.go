//go:build !noasm && !purego

package simd

var requantArch = []impl[func(int, *int32, *int32, *float32, *rqConst, *byte)]{
	{name: "avx2", level: AVX2, fn: requantAVX2},
	{name: "avx512", level: AVX512, fn: requantAVX512},
}

// The kernels rely on MXCSR's default rounding (nearest, ties to even),
// which Go never changes, for VCVTDQ2PS, VMULPS and VCVTPS2DQ.

func requantAVX2(n int, c, bias *int32, scale *float32, k *rqConst, dst *byte) {
	nb := n &^ 7
	if nb > 0 {
		requantAVX2Asm(nb, c, bias, scale, k, dst)
	}
	requantTail(nb, n, c, bias, scale, k, dst)
}

func requantAVX512(n int, c, bias *int32, scale *float32, k *rqConst, dst *byte) {
	nb := n &^ 15
	if nb > 0 {
		requantAVX512Asm(nb, c, bias, scale, k, dst)
	}
	requantTail(nb, n, c, bias, scale, k, dst)
}

// requantAVX2Asm is requantGeneric for n a positive multiple of 8.
//
//go:noescape
func requantAVX2Asm(n int, c, bias *int32, scale *float32, k *rqConst, dst *byte)

// requantAVX512Asm is requantGeneric for n a positive multiple of 16.
//
//go:noescape
func requantAVX512Asm(n int, c, bias *int32, scale *float32, k *rqConst, dst *byte)
