package kern

import "math"

// Softmax computes dst = exp(x - max) / Σ exp(x - max) along the axis a
// (torch.softmax(x, dim)). Subtracting the maximum keeps exp from
// overflowing; the sum is accumulated in float64. dst may be x.
func Softmax(a *Axis, dst, x []float32) {
	n, in := a.Len, a.Inner
	for o := 0; o < a.Outer; o++ {
		base := o * n * in
		for j := 0; j < in; j++ {
			off := base + j
			m := x[off]
			for i := 1; i < n; i++ {
				if v := x[off+i*in]; v > m {
					m = v
				}
			}
			var s float64
			for i := 0; i < n; i++ {
				e := math.Exp(float64(x[off+i*in] - m))
				dst[off+i*in] = float32(e)
				s += e
			}
			inv := 1 / s
			for i := 0; i < n; i++ {
				dst[off+i*in] = float32(float64(dst[off+i*in]) * inv)
			}
		}
	}
}
