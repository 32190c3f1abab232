//go:build !noasm && !purego

package simd

var pointwiseArch = []impl[func(y []float32, ldy int, pw *PointwiseWeights, x []float32, ldx, n int, add bool)]{
	{name: "neon", level: NEON, fn: pointwiseNEONGo},
}

// pointwiseNEON computes strips of eight columns: for each strip, every
// group of four channels in turn, the strip's input staying in L1 between
// groups. The last group loads and stores lastRows channels. With add the
// accumulators start from y, else from the bias.
//
//go:noescape
func pointwiseNEON(y *float32, ldy int, a *float32, k int, bias *float32, x *float32, ldx, strips, groups, lastRows int, add bool)

func pointwiseNEONGo(y []float32, ldy int, pw *PointwiseWeights, x []float32, ldx, n int, add bool) {
	pointwiseStrips(pointwiseNEON, 8, y, ldy, pw, x, ldx, n, add)
}
