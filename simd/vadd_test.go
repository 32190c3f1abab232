package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every Vadd kernel this CPU has writes the Go twin's bits, around its
// blocks of eight, with and without the ReLU, on sums that are NaN, -0,
// infinite and of both signs; the twin is the definition.
func TestVadd(t *testing.T) {
	r := rand.New(rand.NewPCG(71, 72))
	for _, n := range []int{0, 1, 7, 8, 9, 31, 64, 100} {
		a, b := maxPoolInput(r, n), maxPoolInput(r, n)
		if n > 3 {
			a[0], b[0] = float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1))
			a[1], b[1] = float32(math.Inf(1)), float32(math.Inf(-1))
		}
		for _, relu := range []bool{false, true} {
			want := make([]float32, n)
			for i := range want {
				v := a[i] + b[i]
				if relu && v < 0 {
					v = 0
				}
				want[i] = v
			}
			for _, im := range vaddFamily.available() {
				t.Run(fmt.Sprintf("%s/%d/relu=%v", im.name, n, relu), func(t *testing.T) {
					saved := vaddFn
					vaddFn = im.fn
					defer func() { vaddFn = saved }()
					got := make([]float32, n+1)
					got[n] = f32Guard
					Vadd(got[:n], a, b, relu)
					for i := range want {
						require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "element %d: %v + %v", i, a[i], b[i])
					}
					require.Equal(t, f32Guard, got[n])
				})
			}
		}
	}
	require.Panics(t, func() { Vadd(make([]float32, 3), make([]float32, 2), make([]float32, 3), false) })
}
