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
	strips := n / 8
	if pw.k == 0 {
		strips = 0
	}
	if strips > 0 {
		g := (pw.m + 3) / 4
		pointwiseNEON(&y[0], 4*ldy, &pw.a[0], pw.k, &pw.bias[0], &x[0], 4*ldx, strips, g, pw.m-4*(g-1), add)
	}
	if t := 8 * strips; t < n {
		pointwiseGeneric(y[t:], ldy, pw, x[t:], ldx, n-t, add)
	}
}
