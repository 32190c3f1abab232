//go:build (amd64 || arm64) && !noasm && !purego

package simd

// lift97ColKernel is the signature of the vector Lift97Col kernels: blocks
// of their width.
type lift97ColKernel func(lo, hi, x2, x3, x4, d1, s1, d2p *float32, blocks int, c *[6]float32)

// lift97ColBlocks runs kern over the whole blocks of width columns; the
// state rows are updated in place, so the columns left go to the Go twin
// rather than an overlapping block.
func lift97ColBlocks(kern lift97ColKernel, width int, lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32) {
	nb := len(lo) / width
	if nb > 0 {
		kern(&lo[0], &hi[0], &x2[0], &x3[0], &x4[0], &d1[0], &s1[0], &d2p[0], nb, c)
	}
	if t := width * nb; t < len(lo) {
		lift97ColGeneric(lo[t:], hi[t:], x2[t:], x3[t:], x4[t:], d1[t:], s1[t:], d2p[t:], c)
	}
}
