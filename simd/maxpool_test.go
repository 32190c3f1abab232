package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// maxPoolInput is random values with NaNs, infinities and zeros of both
// signs sprinkled in, the values on which max kernels disagree.
func maxPoolInput(r *rand.Rand, n int) []float32 {
	s := f32Rand(r, n)
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1))}
	for i := range s {
		if r.IntN(16) == 0 {
			s[i] = special[r.IntN(len(special))]
		}
	}
	return s
}

// Every max-pool kernel this CPU has writes the bits the Go twin writes,
// for widths below, at and past one block of eight outputs, odd heights
// and widths (the last row or column left out), outputs narrower than the
// input allows, and with and without the ReLU. The twin is checked against
// the pooling's definition with Go's max, which equals it but for which
// zero wins a tie of +0 and -0.
func TestMaxPool2x2(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, sh := range [][4]int{{1, 2, 2, 1}, {3, 28, 28, 14}, {16, 14, 14, 7}, {5, 7, 7, 3}, {2, 9, 34, 17},
		{7, 4, 40, 16}, {1, 64, 64, 32}, {4, 2, 6, 3}, {9, 3, 5, 1}, {2, 6, 18, 8}} {
		planes, h, w, ow := sh[0], sh[1], sh[2], sh[3]
		oh := h / 2
		src := maxPoolInput(r, planes*h*w)
		for _, relu := range []bool{false, true} {
			want := make([]float32, planes*oh*ow)
			maxPool2x2Generic(want, src, oh, w, ow, relu)
			for pl := range planes {
				for y := range oh {
					for i := range ow {
						at := func(dy, dx int) float32 { return src[pl*h*w+(2*y+dy)*w+2*i+dx] }
						v := max(at(0, 0), at(0, 1), at(1, 0), at(1, 1))
						if relu {
							v = max(v, 0)
						}
						got := want[(pl*oh+y)*ow+i]
						if v != v {
							require.True(t, got != got, "plane %d (%d, %d): %v, want NaN", pl, y, i, got)
						} else {
							require.Equal(t, v == 0, got == 0)
							if v != 0 {
								require.Equal(t, v, got)
							}
						}
					}
				}
			}
			for _, im := range maxPool2x2Family.available() {
				t.Run(fmt.Sprintf("%s/%dx%dx%d-%d/relu=%v", im.name, planes, h, w, ow, relu), func(t *testing.T) {
					got := make([]float32, len(want)+1)
					got[len(want)] = f32Guard
					saved := maxPool2x2Fn
					maxPool2x2Fn = im.fn
					defer func() { maxPool2x2Fn = saved }()
					MaxPool2x2(got[:len(want)], src, planes, h, w, ow, relu)
					for i := range want {
						require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "output %d", i)
					}
					require.Equal(t, f32Guard, got[len(want)])
				})
			}
		}
	}
}

// Shapes that do not fit the slices are refused before any kernel runs.
func TestMaxPool2x2Bounds(t *testing.T) {
	src, dst := make([]float32, 4*4), make([]float32, 4)
	require.NotPanics(t, func() { MaxPool2x2(dst, src, 1, 4, 4, 2, false) })
	require.Panics(t, func() { MaxPool2x2(dst, src, 2, 4, 4, 2, false) })
	require.Panics(t, func() { MaxPool2x2(dst[:3], src, 1, 4, 4, 2, false) })
	require.Panics(t, func() { MaxPool2x2(dst, src, 1, 4, 4, 3, false) })
	require.Panics(t, func() { MaxPool2x2(dst, src, -1, 4, 4, 2, false) })
}

func BenchmarkMaxPool2x2(b *testing.B) {
	r := rand.New(rand.NewPCG(43, 44))
	for _, sh := range [][4]int{{256, 28, 28, 14}, {512, 14, 14, 7}, {32, 128, 128, 64}} {
		planes, h, w, ow := sh[0], sh[1], sh[2], sh[3]
		src := f32Rand(r, planes*h*w)
		dst := make([]float32, planes*(h/2)*ow)
		for _, im := range maxPool2x2Family.available() {
			b.Run(fmt.Sprintf("%s/%dx%dx%d", im.name, planes, h, w), func(b *testing.B) {
				saved := maxPool2x2Fn
				maxPool2x2Fn = im.fn
				defer func() { maxPool2x2Fn = saved }()
				b.SetBytes(int64(4 * len(src)))
				for b.Loop() {
					MaxPool2x2(dst, src, planes, h, w, ow, true)
				}
			})
		}
	}
}

// Every 3×3/2 max-pool kernel this CPU has writes the bits the Go twin
// writes, for rows shorter than a block, of whole blocks and with a last
// partial block (recomputed overlapping), with and without the ReLU; the
// twin is checked against the definition with Go's max (equal but for
// which of ±0 wins a tie), and rows one float too short are refused.
func TestMaxPool3x3s2(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	for _, n := range []int{1, 5, 8, 9, 16, 31, 32, 45} {
		rows := [3][]float32{maxPoolInput(r, 2*n+1), maxPoolInput(r, 2*n+1), maxPoolInput(r, 2*n+1)}
		for _, relu := range []bool{false, true} {
			want := make([]float32, n)
			maxPool3s2Generic(want, rows[0], rows[1], rows[2], relu)
			for i := range want {
				v := float32(math.Inf(-1))
				for _, row := range rows {
					v = max(v, row[2*i], row[2*i+1], row[2*i+2])
				}
				if relu {
					v = max(v, 0)
				}
				if v != v {
					require.True(t, want[i] != want[i], "output %d: %v, want NaN", i, want[i])
				} else {
					require.Equal(t, v == 0, want[i] == 0)
					if v != 0 {
						require.Equal(t, v, want[i])
					}
				}
			}
			for _, im := range maxPool3s2Family.available() {
				t.Run(fmt.Sprintf("%s/%d/relu=%v", im.name, n, relu), func(t *testing.T) {
					got := make([]float32, n+1)
					got[n] = f32Guard
					saved := maxPool3s2Fn
					maxPool3s2Fn = im.fn
					defer func() { maxPool3s2Fn = saved }()
					MaxPool3x3s2(got[:n], rows[0], rows[1], rows[2], relu)
					for i := range want {
						require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "output %d", i)
					}
					require.Equal(t, f32Guard, got[n])
				})
			}
		}
		require.Panics(t, func() { MaxPool3x3s2(make([]float32, n), rows[0][:2*n], rows[1], rows[2], false) })
	}
}
