package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every Pointwise kernel this CPU has is within float32 rounding of the
// float64 sums, from the bias or (PointwiseAdd) from y, for channel counts
// around its groups of four and column counts around its strips of 24, and
// writes nothing outside the m×n outputs.
func TestPointwise(t *testing.T) {
	r := rand.New(rand.NewPCG(95, 96))
	for _, m := range []int{1, 3, 4, 5, 8, 12, 13} {
		for _, k := range []int{0, 1, 7, 64} {
			for _, n := range []int{0, 1, 15, 16, 17, 40, 100} {
				w, bias := make([]float32, m*k), make([]float32, m)
				for i := range w {
					w[i] = r.Float32()*2 - 1
				}
				for i := range bias {
					bias[i] = r.Float32()*2 - 1
				}
				ldx, ldy := n+3, n+5
				x := make([]float32, max(0, (k-1)*ldx+n))
				for i := range x {
					x[i] = r.Float32()*2 - 1
				}
				pw := PackPointwise(w, bias, m, k)
				for _, im := range pointwiseFamily.available() {
					for _, add := range []bool{false, true} {
						t.Run(fmt.Sprintf("%s/%dx%dx%d/add=%v", im.name, m, k, n, add), func(t *testing.T) {
							saved := pointwiseFn
							pointwiseFn = im.fn
							defer func() { pointwiseFn = saved }()
							y, y0 := make([]float32, m*ldy), make([]float32, m*ldy)
							for i := range y {
								y[i] = f32Guard
								if add && i%ldy < n {
									y[i] = r.Float32()*2 - 1
								}
								y0[i] = y[i]
							}
							if add {
								PointwiseAdd(y, ldy, pw, x, ldx, n)
							} else {
								Pointwise(y, ldy, pw, x, ldx, n)
							}
							for o := range m {
								for j := range ldy {
									got := y[o*ldy+j]
									if j >= n {
										require.Equal(t, f32Guard, got, "y[%d][%d] past the columns", o, j)
										continue
									}
									start := bias[o]
									if add {
										start = y0[o*ldy+j]
									}
									want, mag := float64(start), math.Abs(float64(start))
									for p := range k {
										v := float64(w[o*k+p]) * float64(x[p*ldx+j])
										want += v
										mag += math.Abs(v)
									}
									// One rounding a term, of values up to mag.
									require.InDelta(t, want, float64(got), float64(k+1)*mag*0x1p-24+1e-30, "y[%d][%d]", o, j)
								}
							}
						})
					}
				}
			}
		}
	}
	pw := PackPointwise(make([]float32, 8), nil, 2, 4)
	require.Panics(t, func() { Pointwise(make([]float32, 10), 8, pw, make([]float32, 3*8+7), 8, 8) })
	require.Panics(t, func() { PackPointwise(make([]float32, 7), nil, 2, 4) })
}
