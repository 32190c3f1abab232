//go:build !noasm && !purego

package simd

//go:generate python3 _asm/a64words.py _asm/steps_arm64.s.in steps_arm64.s

var stepLookupArch = []impl[func(dst []int8, src []float32, t *StepTable)]{
	{name: "neon", level: NEON, fn: stepLookupNEONGo},
}

// stepApproxNEON takes blocks of eight values through a, arithmetic alone,
// up to the first block with a value the margin leaves undecided (or NaN),
// and returns how many blocks it wrote.
//
//go:noescape
func stepApproxNEON(dst *int8, src *float32, blocks int, a *StepApprox) int

// stepLookupNEONGo runs the NEON approximation and looks up in the table
// only the blocks it leaves undecided (about one in sixty for the codec's
// companding), and the values past the last whole block. Without an
// approximation it is the Go lookup: NEON has no gather.
func stepLookupNEONGo(dst []int8, src []float32, t *StepTable) {
	nb := 0
	if t.Approx != nil {
		nb = len(src) / 8
	}
	for i := 0; i < nb; {
		i += stepApproxNEON(&dst[8*i], &src[8*i], nb-i, t.Approx)
		if i < nb {
			stepLookupGeneric(dst[8*i:8*i+8], src[8*i:8*i+8], t)
			i++
		}
	}
	stepLookupGeneric(dst[8*nb:], src[8*nb:], t)
}
