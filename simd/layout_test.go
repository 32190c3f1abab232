package simd

import (
	"fmt"
	"math"
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

// Every PadPlanes kernel this CPU has writes the padded planes exactly:
// rows narrower than a block, of whole blocks and not, paddings of zero to
// past eight in all, planes of one row, one plane and several; the
// padding is zero even where dst held garbage, and nothing past the planes
// is written.
func TestPadPlanes(t *testing.T) {
	r := rand.New(rand.NewPCG(53, 54))
	for _, sh := range [][6]int{{1, 1, 0, 0, 0, 0}, {7, 7, 1, 1, 1, 1}, {4, 4, 1, 1, 1, 1}, {3, 5, 2, 1, 0, 2}, {2, 3, 1, 1, 1, 1}, {0, 5, 1, 1, 1, 1}, {14, 14, 1, 1, 1, 1}, {32, 32, 1, 1, 1, 1},
		{5, 9, 0, 0, 0, 0}, {3, 17, 2, 0, 3, 5}, {1, 8, 0, 0, 1, 0}, {6, 24, 3, 3, 4, 4}, {4, 16, 0, 1, 6, 6}, {9, 33, 1, 2, 0, 1}} {
		h, w, top, bottom, left, right := sh[0], sh[1], sh[2], sh[3], sh[4], sh[5]
		wp, hp := w+left+right, h+top+bottom
		for _, c := range []struct {
			planes int
			relu   bool
		}{{1, false}, {3, false}, {2, true}} {
			planes, relu := c.planes, c.relu
			src := maxPoolInput(r, planes*h*w)
			n := planes * hp * wp
			want := make([]float32, n)
			for pl := range planes {
				for y := range h {
					for x, v := range src[(pl*h+y)*w : (pl*h+y+1)*w] {
						if relu && v < 0 {
							v = 0
						}
						want[pl*hp*wp+(top+y)*wp+left+x] = v
					}
				}
			}
			for _, im := range copyRowsFamily.available() {
				t.Run(fmt.Sprintf("%s/%dx%dx%d/%d-%d-%d-%d/relu=%v", im.name, planes, h, w, top, bottom, left, right, relu), func(t *testing.T) {
					saved := copyRowsFn
					copyRowsFn = im.fn
					defer func() { copyRowsFn = saved }()
					got := f32Rand(r, n+1)
					got[n] = f32Guard
					PadPlanes(got, src, planes, h, w, top, bottom, left, right, relu)
					for i := range want {
						require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "float %d", i)
					}
					require.Equal(t, f32Guard, got[n])

				})
			}
		}
	}
	require.Panics(t, func() { PadPlanes(make([]float32, 15), make([]float32, 4), 1, 2, 2, 1, 1, 1, 1, false) })
	require.Panics(t, func() { PadPlanes(make([]float32, 16), make([]float32, 3), 1, 2, 2, 1, 1, 1, 1, false) })
	require.Panics(t, func() { PadPlanes(make([]float32, 16), make([]float32, 4), 1, 2, 2, -1, 1, 1, 1, false) })
	require.Panics(t, func() { PadPlanes(make([]float32, 31), make([]float32, 8), 2, 2, 2, 1, 1, 1, 1, false) })
}
