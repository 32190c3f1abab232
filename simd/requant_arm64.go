//go:build !noasm && !purego

package simd

var requantArch = []impl[func(int, *int32, *int32, *float32, *rqConst, *byte)]{
	{name: "neon", level: NEON, fn: requantNEON},
}

// The kernel relies on FPCR's default rounding (nearest, ties to even),
// which Go never changes, for SCVTF and FMUL; FCVTNS always rounds to
// nearest with ties to even.
func requantNEON(n int, c, bias *int32, scale *float32, k *rqConst, dst *byte) {
	nb := n &^ 7
	if nb > 0 {
		requantNEONAsm(nb, c, bias, scale, k, dst)
	}
	requantTail(nb, n, c, bias, scale, k, dst)
}

// requantNEONAsm is requantGeneric for n a positive multiple of 8.
//
//go:noescape
func requantNEONAsm(n int, c, bias *int32, scale *float32, k *rqConst, dst *byte)
