//go:build !noasm && !purego

package simd

var pointwiseArch = []impl[func(y []float32, ldy int, pw *PointwiseWeights, x []float32, ldx, n int, add bool)]{
	{name: "avx2", level: AVX2, fn: pointwiseAVX2Go},
}

// pointwiseAVX2 computes strips of 24 columns: for each strip, every group
// of four channels in turn (twelve accumulators: with eight, each FMA pipe
// would wait on the latency of its chain), the strip's input staying in L1
// between groups. The last group loads and stores lastRows channels. With
// add the accumulators start from y, else from the bias.
//
//go:noescape
func pointwiseAVX2(y *float32, ldy int, a *float32, k int, bias *float32, x *float32, ldx, strips, groups, lastRows int, add bool)

func pointwiseAVX2Go(y []float32, ldy int, pw *PointwiseWeights, x []float32, ldx, n int, add bool) {
	pointwiseStrips(pointwiseAVX2, 24, y, ldy, pw, x, ldx, n, add)
}
