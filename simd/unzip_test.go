package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every Unzip2 kernel this CPU has splits exactly as the definition does
// (moves of bits: equality is exact), for lengths around its blocks of
// sixteen, odd and even, and writes nothing past the halves.
func TestUnzip2(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	for _, n := range []int{0, 1, 2, 15, 16, 17, 31, 32, 33, 128, 131} {
		src := f32Rand(r, n)
		ne, no := (n+1)/2, n/2
		for _, im := range unzip2Family.available() {
			t.Run(fmt.Sprintf("%s/%d", im.name, n), func(t *testing.T) {
				saved := unzip2Fn
				unzip2Fn = im.fn
				defer func() { unzip2Fn = saved }()
				even, odd := make([]float32, ne+1), make([]float32, no+1)
				even[ne], odd[no] = f32Guard, f32Guard
				Unzip2(even, odd, src)
				for i := range ne {
					require.Equal(t, src[2*i], even[i])
				}
				for i := range no {
					require.Equal(t, src[2*i+1], odd[i])
				}
				require.Equal(t, f32Guard, even[ne])
				require.Equal(t, f32Guard, odd[no])
			})
		}
	}
	require.Panics(t, func() { Unzip2(make([]float32, 1), make([]float32, 1), make([]float32, 3)) })
	require.Panics(t, func() { Unzip2(make([]float32, 2), make([]float32, 0), make([]float32, 3)) })
}
