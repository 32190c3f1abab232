package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTucker2(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	cout, cin, k := 12, 10, 3
	// A kernel with exact Tucker ranks (4, 3).
	out, in, core := randMatrix(rng, cout, 4), randMatrix(rng, cin, 3), randMatrix(rng, 4*3, k*k)
	w := make([]float32, cout*cin*k*k)
	for o := 0; o < cout; o++ {
		for i := 0; i < cin; i++ {
			for s := 0; s < k*k; s++ {
				var acc float32
				for a := 0; a < 4; a++ {
					for b := 0; b < 3; b++ {
						acc += out[o*4+a] * core[(a*3+b)*k*k+s] * in[i*3+b]
					}
				}
				w[(o*cin+i)*k*k+s] = acc
			}
		}
	}
	tk, err := NewTucker2(w, cout, cin, k, k, 0, 0, 0.9999)
	require.NoError(t, err)
	require.Equal(t, 4, tk.R1)
	require.Equal(t, 3, tk.R2)
	d := make([]float32, len(w))
	tk.Decode(d)
	var num, den float64
	for i := range w {
		num += math.Pow(float64(w[i]-d[i]), 2)
		den += math.Pow(float64(w[i]), 2)
	}
	require.Less(t, math.Sqrt(num/den), 1e-5)
	orig, fact := tk.MACs()
	require.Equal(t, 12*10*9, orig)
	require.Equal(t, 10*3+3*4*9+4*12, fact)

	// The three convolutions compose to the decoded kernel.
	first, coreK, last := tk.Convs()
	for o := 0; o < cout; o++ {
		for i := 0; i < cin; i++ {
			for s := 0; s < k*k; s++ {
				var acc float32
				for a := 0; a < tk.R1; a++ {
					for b := 0; b < tk.R2; b++ {
						acc += last[o*tk.R1+a] * coreK[(a*tk.R2+b)*k*k+s] * first[b*cin+i]
					}
				}
				require.InDelta(t, d[(o*cin+i)*k*k+s], acc, 1e-5)
			}
		}
	}
	// Lower ranks lose accuracy but stay bounded.
	small, err := NewTucker2(w, cout, cin, k, k, 2, 2, 0)
	require.NoError(t, err)
	require.Less(t, small.Bytes(), tk.Bytes())
	_, err = NewTucker2(w, cout, cin, k, k, 0, 0, 0)
	require.Error(t, err)
	_, err = NewTucker2(w[:5], cout, cin, k, k, 1, 1, 0)
	require.ErrorIs(t, err, ErrShape)
}
