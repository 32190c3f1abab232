//go:build (amd64 || arm64) && !noasm && !purego

package simd

// pointwiseKernel is the signature of the vector Pointwise kernels: strips
// of their width, ldy and ldx in bytes.
type pointwiseKernel func(y *float32, ldy int, a *float32, k int, bias *float32, x *float32, ldx, strips, groups, lastRows int, add bool)

// pointwiseStrips runs kern over the whole strips of width columns and the
// Go twin over the columns left.
func pointwiseStrips(kern pointwiseKernel, width int, y []float32, ldy int, pw *PointwiseWeights, x []float32, ldx, n int, add bool) {
	strips := n / width
	if pw.k == 0 {
		strips = 0
	}
	if strips > 0 {
		g := (pw.m + 3) / 4
		kern(&y[0], 4*ldy, &pw.a[0], pw.k, &pw.bias[0], &x[0], 4*ldx, strips, g, pw.m-4*(g-1), add)
	}
	if t := width * strips; t < n {
		pointwiseGeneric(y[t:], ldy, pw, x[t:], ldx, n-t, add)
	}
}
