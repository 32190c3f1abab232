package simd

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Eight images' 4×4 maps a lane each, padded and interleaved, transformed,
// multiplied by G·g·Gᵀ and transformed back, are each image's stride-1
// correlation with g, within F(4×4, 3×3)'s rounding; fewer images than
// lanes leave the rest of y alone; the ReLU folds into the copy.
func TestWinograd4LanesConvolve(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	for _, count := range []int{8, 5, 1} {
		for _, relu := range []bool{false, true} {
			const chans = 2
			x := make([]float32, count*chans*16)
			for i := range x {
				x[i] = r.Float32()*2 - 1
			}
			var g [9]float64
			for i := range g {
				g[i] = r.Float64()*2 - 1
			}
			u := winoWeights4(g)
			d := make([]float32, chans*288)
			for i := range d {
				d[i] = 7 // overwritten: the copy writes every float
			}
			PadInterleave8(d, x, count, chans, 4, 4, 1, 1, 6, 6, relu)
			v := make([]float32, 36*chans*8)
			WinogradIn4L(v, chans*8, 8, d, chans)
			for xi := 0; xi < 36; xi++ {
				for c := 0; c < chans; c++ {
					for k := 0; k < 8; k++ {
						v[xi*chans*8+c*8+k] *= u[xi]
					}
				}
			}
			ystride := chans*16 + 3
			y := make([]float32, 8*ystride)
			WinogradOut4L(y, ystride, v, chans*8, 8, nil, chans, count)
			for k := 0; k < 8; k++ {
				for c := 0; c < chans; c++ {
					for i := 0; i < 4; i++ {
						for j := 0; j < 4; j++ {
							got := y[k*ystride+c*16+i*4+j]
							if k >= count {
								require.Zero(t, got, "image %d written", k)
								continue
							}
							var want float64
							for a := 0; a < 3; a++ {
								for b := 0; b < 3; b++ {
									yy, xx := i+a-1, j+b-1
									if yy < 0 || yy >= 4 || xx < 0 || xx >= 4 {
										continue
									}
									v := x[(k*chans+c)*16+yy*4+xx]
									if relu && v < 0 {
										v = 0
									}
									want += g[3*a+b] * float64(v)
								}
							}
							require.InDelta(t, want, got, 2e-5*9, "image %d channel %d (%d, %d)", k, c, i, j)
						}
					}
				}
			}
		}
	}
}

// Every lanes kernel this CPU has writes its Go twin's bits and nothing
// else, for every image count, with and without bias, on values with
// NaNs, infinities and zeros of both signs.
func TestWinograd4LanesKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(63, 64))
	for _, chans := range []int{1, 3} {
		d := winoPoolInput(r, chans*288, 7)
		vc, vx := 11, chans*11+3
		vlen := 35*vx + (chans-1)*vc + 8 + 2
		want, _ := guarded(vlen, 0, f32Guard)
		winoIn4LGeneric(want, vx, vc, d, chans)
		for _, im := range winoIn4LFamily.available() {
			got, _ := guarded(vlen, 0, f32Guard)
			im.fn(got, vx, vc, d, chans)
			for i := range want {
				require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s: float %d", im.name, i)
			}
		}
		mc, mx := 9, chans*9+1
		m := winoPoolInput(r, 35*mx+(chans-1)*mc+8, mx)
		bias := f32Rand(r, chans)
		ystride := chans*16 + 5
		for count := 1; count <= 8; count++ {
			for _, b := range [][]float32{nil, bias} {
				want, _ := guarded(8*ystride, 0, f32Guard)
				winoOut4LGeneric(want, ystride, m, mx, mc, b, chans, count)
				for k := 0; k < 8; k++ {
					for i := 0; i < ystride; i++ {
						written := want[k*ystride+i] != f32Guard
						require.Equal(t, k < count && i < 16*chans, written, "image %d float %d", k, i)
					}
				}
				for _, im := range winoOut4LFamily.available() {
					got, _ := guarded(8*ystride, 0, f32Guard)
					im.fn(got, ystride, m, mx, mc, b, chans, count)
					for i := range want {
						require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s count %d: float %d", im.name, count, i)
					}
				}
			}
		}
	}
	require.Panics(t, func() { PadInterleave8(make([]float32, 288), make([]float32, 16), 2, 1, 4, 4, 1, 1, 6, 6, false) })
	require.Panics(t, func() { PadInterleave8(make([]float32, 288), make([]float32, 160), 9, 1, 4, 4, 1, 1, 6, 6, false) })
	require.Panics(t, func() { WinogradIn4L(make([]float32, 400), 8, 0, make([]float32, 100), 1) })
	require.Panics(t, func() { WinogradOut4L(make([]float32, 100), 16, make([]float32, 400), 8, 0, nil, 1, 9) })
}
