package kern

import (
	"math"

	"github.com/edgerun/edgerun/simd"
)

// Softmax computes dst = exp(x - max) / Σ exp(x - max) along the axis a
// (torch.softmax(x, dim)). Subtracting the maximum keeps exp from
// overflowing; the sum is accumulated in float64. dst may be x. Along a
// contiguous axis the exponentials come from simd.Exp.
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
			if in == 1 {
				// Contiguous along the axis: one vector exp (within
				// 1 ulp of float32, as the float64 loop below).
				row := dst[off : off+n]
				for i, v := range x[off : off+n] {
					row[i] = v - m
				}
				simd.Exp(row, row)
				for _, e := range row {
					s += float64(e)
				}
			} else {
				for i := 0; i < n; i++ {
					e := math.Exp(float64(x[off+i*in] - m))
					dst[off+i*in] = float32(e)
					s += e
				}
			}
			inv := 1 / s
			for i := 0; i < n; i++ {
				dst[off+i*in] = float32(float64(dst[off+i*in]) * inv)
			}
		}
	}
}
