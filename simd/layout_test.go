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
		for _, im := range padUnzipFamily.available() {
			t.Run(fmt.Sprintf("%s/%d", im.name, n), func(t *testing.T) {
				saved := padUnzipFn
				padUnzipFn = im.fn
				defer func() { padUnzipFn = saved }()
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

// PadUnzip2 writes what PadPlanes then Unzip2 write, bit for bit, with
// every kernel this CPU has: left paddings of both parities, rows shorter
// and longer than a block, the ReLU, e and o holding garbage before, and
// nothing written past the planes.
func TestPadUnzip2(t *testing.T) {
	r := rand.New(rand.NewPCG(55, 56))
	for _, sh := range [][5]int{{4, 4, 1, 1, 0}, {7, 7, 1, 1, 1}, {32, 32, 1, 1, 0}, {5, 33, 0, 2, 1}, {3, 17, 2, 0, 4}, {1, 1, 0, 0, 0}, {6, 40, 1, 3, 2}, {2, 13, 1, 1, 0}, {2, 26, 0, 1, 1}} {
		h, w, top, left, extra := sh[0], sh[1], sh[2], sh[3], sh[4]
		hp := h + top + 1 + extra%2
		ld := (w + left + 1 + extra) / 2
		wp := 2 * ld
		for _, planes := range []int{1, 3} {
			for _, relu := range []bool{false, true} {
				src := maxPoolInput(r, planes*h*w)
				padded := make([]float32, planes*hp*wp)
				PadPlanes(padded, src, planes, h, w, top, hp-h-top, left, wp-w-left, relu)
				n := planes * hp * ld
				we, wo := make([]float32, n), make([]float32, n)
				Unzip2(we, wo, padded)
				for _, im := range padUnzipFamily.available() {
					t.Run(fmt.Sprintf("%s/%v/%d/relu=%v", im.name, sh, planes, relu), func(t *testing.T) {
						saved := padUnzipFn
						padUnzipFn = im.fn
						defer func() { padUnzipFn = saved }()
						e, o := f32Rand(r, n+1), f32Rand(r, n+1)
						e[n], o[n] = f32Guard, f32Guard
						PadUnzip2(e, o, src, planes, h, w, top, left, hp, ld, relu)
						for i := 0; i < n; i++ {
							require.Equal(t, math.Float32bits(we[i]), math.Float32bits(e[i]), "even half, float %d", i)
							require.Equal(t, math.Float32bits(wo[i]), math.Float32bits(o[i]), "odd half, float %d", i)
						}
						require.Equal(t, f32Guard, e[n])
						require.Equal(t, f32Guard, o[n])
					})
				}
			}
		}
	}
	require.Panics(t, func() {
		PadUnzip2(make([]float32, 100), make([]float32, 100), make([]float32, 16), 1, 4, 4, 1, 1, 5, 2, false)
	})
	require.Panics(t, func() {
		PadUnzip2(make([]float32, 10), make([]float32, 100), make([]float32, 16), 1, 4, 4, 1, 1, 6, 3, false)
	})
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
