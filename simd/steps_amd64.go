//go:build !noasm && !purego

package simd

var stepLookupArch = []impl[func(dst []int8, src []float32, t *StepTable)]{
	{name: "avx2", level: AVX2, fn: stepLookupAVX2Go},
}

// stepLookupAVX2 looks up blocks of eight values: the bucket index by
// vector arithmetic, then two gathers (the bucket's base and threshold)
// and a comparison.
//
//go:noescape
func stepLookupAVX2(dst *int8, src *float32, blocks int, t *StepTable)

// stepApproxAVX2 takes blocks of eight values through t.Approx, arithmetic
// alone, and looks up as stepLookupAVX2 does only a block with a value
// the margin leaves undecided.
//
//go:noescape
func stepApproxAVX2(dst *int8, src *float32, blocks int, t *StepTable)

func stepLookupAVX2Go(dst []int8, src []float32, t *StepTable) {
	nb := len(src) / 8
	switch {
	case nb > 0 && t.Approx != nil:
		stepApproxAVX2(&dst[0], &src[0], nb, t)
	case nb > 0:
		stepLookupAVX2(&dst[0], &src[0], nb, t)
	}
	stepLookupGeneric(dst[8*nb:], src[8*nb:], t)
}
