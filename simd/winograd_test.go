package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The transforms are a convolution: a padded map split into even and odd
// columns, transformed, multiplied coefficient by coefficient with G·g·Gᵀ
// of a 3×3 kernel g and transformed back, is that kernel's stride-1
// correlation, to float32 rounding, over maps of even and odd size.
func TestWinogradConvolves(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	for _, sz := range [][2]int{{2, 2}, {3, 5}, {7, 7}, {14, 14}, {5, 18}, {9, 33}} {
		oh, ow := sz[0], sz[1]
		th, tw := (oh+1)/2, (ow+1)/2
		hp, ld := 2*th+2, tw+1
		x, g := winoCase(r, oh, ow)
		u := winoWeights(g)
		e, o := make([]float32, hp*ld+16), make([]float32, hp*ld+16)
		Unzip2(e, o, x)
		ldv := tw + 8
		v := make([]float32, 16*ldv)
		y := make([]float32, oh*ow)
		for ty := 0; ty < th; ty++ {
			WinogradIn(v, ldv, 0, e[2*ty*ld:], o[2*ty*ld:], ld, 0, 1, tw)
			for xi := 0; xi < 16; xi++ {
				for k := 0; k < tw; k++ {
					v[xi*ldv+k] *= u[xi]
				}
			}
			WinogradOut(y[2*ty*ow:], ow, 0, v, ldv, 0, nil, 1, tw, ow, min(2, oh-2*ty))
		}
		winoCheck(t, x, g, y, oh, ow)
	}
}

// The two-rows-of-tiles transforms are the same convolution, on maps
// four tiles wide or less (the 7×7 and 8×8 maps they are for, a 5×6 one
// with an odd number of rows of tiles and short rows of tiles).
func TestWinogradPairsConvolve(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 10))
	for _, sz := range [][2]int{{7, 7}, {8, 8}, {5, 6}, {3, 8}} {
		oh, ow := sz[0], sz[1]
		th, tw := (oh+1)/2, (ow+1)/2
		hp, ld := 2*th+2, tw+1
		x, g := winoCase(r, oh, ow)
		u := winoWeights(g)
		// Room for the rows a last, unpaired row of tiles reads.
		e, o := make([]float32, (hp+4)*ld+16), make([]float32, (hp+4)*ld+16)
		Unzip2(e, o, x)
		v := make([]float32, 16*8)
		y := make([]float32, oh*ow)
		for ty := 0; ty < th; ty += 2 {
			WinogradIn2(v, 8, 0, e[2*ty*ld:], o[2*ty*ld:], ld, 0, 1)
			for xi := 0; xi < 16; xi++ {
				for k := 0; k < 8; k++ {
					v[xi*8+k] *= u[xi]
				}
			}
			rows0 := min(2, oh-2*ty)
			rows1 := max(0, min(2, oh-2*ty-2))
			WinogradOut2(y[2*ty*ow:], ow, 0, v, 8, 0, nil, 1, ow, rows0, rows1)
		}
		winoCheck(t, x, g, y, oh, ow)
	}
}

// Every two-rows-of-tiles kernel this CPU has writes its Go twin's bits,
// and nothing else, for every combination of rows and widths.
func TestWinogradPairKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, chans := range []int{1, 3} {
		ld, plane := 6, 6*11+2
		e, o := maxPoolInput(r, (chans-1)*plane+5*ld+5), maxPoolInput(r, (chans-1)*plane+5*ld+5)
		vc, vx := 11, chans*11+3
		vlen := 15*vx + (chans-1)*vc + 8 + 2
		want, _ := guarded(vlen, 0, f32Guard)
		winoIn2Generic(want, vx, vc, e, o, ld, plane, chans)
		for _, im := range winoIn2Family.available() {
			saved := winoIn2Fn
			winoIn2Fn = im.fn
			got, _ := guarded(vlen, 0, f32Guard)
			WinogradIn2(got, vx, vc, e, o, ld, plane, chans)
			winoIn2Fn = saved
			for i := range want {
				require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s: float %d", im.name, i)
			}
		}
		mc, mx := 9, chans*9+1
		m := maxPoolInput(r, 15*mx+(chans-1)*mc+8)
		bias := f32Rand(r, chans)
		for w := 1; w <= 8; w++ {
			for _, rr := range [][2]int{{1, 0}, {2, 0}, {2, 1}, {2, 2}} {
				for _, b := range [][]float32{nil, bias} {
					ldy, yplane := 11, 4*11+3
					ylen := chans * yplane
					want, _ := guarded(ylen, 0, f32Guard)
					winoOut2Generic(want, ldy, yplane, m, mx, mc, b, chans, w, rr[0], rr[1])
					for c := 0; c < chans; c++ {
						for i := 0; i < 4; i++ {
							for j := 0; j < ldy; j++ {
								rows := rr[0]
								if i >= 2 {
									rows = 2 + rr[1]
								}
								written := want[c*yplane+i*ldy+j] != f32Guard
								require.Equal(t, i < rows && j < w, written, "row %d column %d", i, j)
							}
						}
					}
					for _, im := range winoOut2Family.available() {
						saved := winoOut2Fn
						winoOut2Fn = im.fn
						got, _ := guarded(ylen, 0, f32Guard)
						WinogradOut2(got, ldy, yplane, m, mx, mc, b, chans, w, rr[0], rr[1])
						winoOut2Fn = saved
						for i := range want {
							require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s w%d rows %v: float %d", im.name, w, rr, i)
						}
					}
				}
			}
		}
	}
	require.Panics(t, func() { WinogradIn2(make([]float32, 200), 8, 0, make([]float32, 20), make([]float32, 40), 6, 0, 1) })
	require.Panics(t, func() { WinogradOut2(make([]float32, 100), 8, 0, make([]float32, 200), 8, 0, nil, 1, 9, 2, 2) })
	require.Panics(t, func() { WinogradOut2(make([]float32, 100), 8, 0, make([]float32, 200), 8, 0, nil, 1, 8, 1, 1) })
}

// winoCase is a padded oh×ow map (zero past it, to whole tiles) and a
// 3×3 kernel.
func winoCase(r *rand.Rand, oh, ow int) ([]float32, [9]float64) {
	wp := 2*((ow+1)/2) + 2
	x := make([]float32, (2*((oh+1)/2)+2)*wp)
	for i := 0; i < oh+2; i++ {
		for j := 0; j < ow+2; j++ {
			x[i*wp+j] = r.Float32()*2 - 1
		}
	}
	var g [9]float64
	for i := range g {
		g[i] = r.Float64()*2 - 1
	}
	return x, g
}

// winoCheck compares y with the correlation of the padded map x with g,
// summed in float64.
func winoCheck(t *testing.T, x []float32, g [9]float64, y []float32, oh, ow int) {
	t.Helper()
	wp := 2*((ow+1)/2) + 2
	for i := 0; i < oh; i++ {
		for j := 0; j < ow; j++ {
			var want float64
			for a := 0; a < 3; a++ {
				for b := 0; b < 3; b++ {
					want += g[3*a+b] * float64(x[(i+a)*wp+j+b])
				}
			}
			require.InDelta(t, want, y[i*ow+j], 2e-6*9, "%dx%d at (%d, %d)", oh, ow, i, j)
		}
	}
}

// winoWeights is G·g·Gᵀ, coefficient ξ = 4r+s at [ξ].
func winoWeights(g [9]float64) []float32 {
	return winoWeightsOf(g, [][3]float64{{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}})
}

// winoWeightsOf is gm·g·gmᵀ in float64, rounded: coefficient ξ = n·r+s at
// [ξ], for gm of n rows.
func winoWeightsOf(g [9]float64, gm [][3]float64) []float32 {
	n := len(gm)
	u := make([]float32, n*n)
	for r := 0; r < n; r++ {
		for s := 0; s < n; s++ {
			var sum float64
			for a := 0; a < 3; a++ {
				for b := 0; b < 3; b++ {
					sum += gm[r][a] * g[3*a+b] * gm[s][b]
				}
			}
			u[n*r+s] = float32(sum)
		}
	}
	return u
}

// Every transform kernel this CPU has writes the Go twin's bits, for tile
// counts around blocks of eight, several channels, odd strides and
// special values, and writes nothing else: the input transform nothing
// past its last block of eight lanes, the output transform nothing past w
// columns of its rows.
func TestWinogradKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 3, 7, 8, 9, 15, 16, 17, 24} {
		for _, chans := range []int{1, 3} {
			n8 := (n + 7) / 8 * 8
			ld, plane := n8+5, 4*(n8+5)+3
			e, o := maxPoolInput(r, (chans-1)*plane+3*ld+n8+1), maxPoolInput(r, (chans-1)*plane+3*ld+n8+1)
			vc, vx := n8+3, chans*(n8+3)+1
			vlen := 15*vx + (chans-1)*vc + n8 + 4
			want, _ := guarded(vlen, 0, f32Guard)
			for k := 0; k < n8; k += 8 {
				winoIn8Generic(want[k:], vx, vc, e[k:], o[k:], ld, plane, chans)
			}
			for _, im := range winoInFamily.available() {
				t.Run(fmt.Sprintf("in/%s/%d/%d", im.name, n, chans), func(t *testing.T) {
					saved := winoIn8Fn
					winoIn8Fn = im.fn
					defer func() { winoIn8Fn = saved }()
					got, _ := guarded(vlen, 0, f32Guard)
					WinogradIn(got, vx, vc, e, o, ld, plane, chans, n)
					for i := range want {
						require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "float %d", i)
					}
				})
			}
			mc, mx := n8+1, chans*(n8+1)+3
			m := maxPoolInput(r, 15*mx+(chans-1)*mc+n8)
			bias := f32Rand(r, chans)
			for _, w := range []int{2*n - 1, 2 * n} {
				for rows := 1; rows <= 2; rows++ {
					for _, b := range [][]float32{nil, bias} {
						ldy, yplane := 2*n8+3, 2*(2*n8+3)+1
						ylen := chans * yplane
						want, _ := guarded(ylen, 0, f32Guard)
						for k := 0; k < n8; k += 8 {
							winoOut8Generic(want[2*k:], ldy, yplane, m[k:], mx, mc, b, chans, min(16, w-2*k), rows)
						}
						for c := 0; c < chans; c++ {
							for i := 0; i < 2; i++ {
								for j := 0; j < ldy; j++ {
									written := want[c*yplane+i*ldy+j] != f32Guard
									require.Equal(t, i < rows && j < w, written, "row %d column %d", i, j)
								}
							}
						}
						for _, im := range winoOutFamily.available() {
							t.Run(fmt.Sprintf("out/%s/%d/%d/w%d/rows%d/bias%v", im.name, n, chans, w, rows, b != nil), func(t *testing.T) {
								saved := winoOut8Fn
								winoOut8Fn = im.fn
								defer func() { winoOut8Fn = saved }()
								got, _ := guarded(ylen, 0, f32Guard)
								WinogradOut(got, ldy, yplane, m, mx, mc, b, chans, n, w, rows)
								for i := range want {
									require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "float %d", i)
								}
							})
						}
					}
				}
			}
		}
	}
	require.Panics(t, func() { WinogradIn(make([]float32, 100), 4, 0, make([]float32, 5), make([]float32, 5), 1, 0, 1, 1) })
	require.Panics(t, func() { WinogradOut(make([]float32, 100), 4, 0, make([]float32, 200), 8, 0, nil, 1, 2, 2, 3) })
	require.Panics(t, func() { WinogradOut(make([]float32, 3), 4, 0, make([]float32, 200), 8, 0, nil, 1, 2, 4, 1) })
}

func BenchmarkWinograd(b *testing.B) {
	const chans, n = 32, 16
	r := rand.New(rand.NewPCG(1, 2))
	ld := n + 1
	e, o := f32Rand(r, chans*4*ld+16), f32Rand(r, chans*4*ld+16)
	v := make([]float32, 16*chans*(n+8))
	y := make([]float32, chans*2*2*n)
	defer SetLevel(Active())
	for _, lv := range Supported() {
		require.NoError(b, SetLevel(lv))
		b.Run("in/"+lv.String(), func(b *testing.B) {
			for b.Loop() {
				WinogradIn(v, chans*(n+8), n+8, e, o, ld, 4*ld, chans, n)
			}
		})
		b.Run("out/"+lv.String(), func(b *testing.B) {
			for b.Loop() {
				WinogradOut(y, 2*n, 4*n, v, chans*(n+8), n+8, nil, chans, n, 2*n, 2)
			}
		})
	}
}

// winoPoolInput is products for the pooling transforms: random values,
// a few NaNs and infinities (sparse enough that most tiles keep finite
// outputs), and some tiles whose sixteen coefficients are all -0 or all
// +0, whose outputs tie at zeros of both signs.
func winoPoolInput(r *rand.Rand, n, mx int) []float32 {
	m := f32Rand(r, n)
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	for i := range m {
		if r.IntN(64) == 0 {
			m[i] = special[r.IntN(len(special))]
		}
	}
	for at := 0; at+15*mx < n; at += 5 {
		z := float32(math.Copysign(0, float64(r.IntN(2)*2-1)))
		for xi := 0; xi < 16; xi++ {
			m[at+xi*mx] = z
		}
	}
	return m
}

// Every pooling output kernel this CPU has writes its Go twin's bits, and
// nothing else, for every width of one row of tiles and of two, with and
// without bias and ReLU.
func TestWinogradPoolKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, chans := range []int{1, 3} {
		mc, mx := 9, chans*9+1
		m := winoPoolInput(r, 15*mx+(chans-1)*mc+8, mx)
		bias := f32Rand(r, chans)
		var shapes [][2]int
		for w := 0; w <= 8; w++ {
			shapes = append(shapes, [2]int{w, 0})
		}
		for w0 := 1; w0 <= 4; w0++ {
			for w1 := 1; w1 <= 4; w1++ {
				shapes = append(shapes, [2]int{w0, w1})
			}
		}
		for _, sh := range shapes {
			for _, b := range [][]float32{nil, bias} {
				for _, relu := range []bool{false, true} {
					ldy, yplane := 9, 2*9+3
					ylen := chans * yplane
					want, _ := guarded(ylen, 0, f32Guard)
					winoOutPoolGeneric(want, ldy, yplane, m, mx, mc, b, chans, sh[0], sh[1], relu)
					for c := 0; c < chans; c++ {
						for j := 0; j < yplane; j++ {
							written := want[c*yplane+j] != f32Guard
							require.Equal(t, j < sh[0] || (j >= ldy && j < ldy+sh[1]), written, "float %d", j)
						}
					}
					for _, im := range winoPoolFamily.available() {
						got, _ := guarded(ylen, 0, f32Guard)
						im.fn(got, ldy, yplane, m, mx, mc, b, chans, sh[0], sh[1], relu)
						for i := range want {
							require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s %v relu %v: float %d", im.name, sh, relu, i)
						}
					}
				}
			}
		}
	}
	require.Panics(t, func() { WinogradOutPool(make([]float32, 10), 4, make([]float32, 200), 8, 0, nil, 3, 8, false) })
	require.Panics(t, func() { WinogradOut2Pool(make([]float32, 100), 8, 0, make([]float32, 200), 8, 0, nil, 1, 5, 1, false) })
	require.Panics(t, func() { WinogradOut2Pool(make([]float32, 100), 8, 0, make([]float32, 100), 8, 0, nil, 1, 4, 2, false) })
}

// The pooling transforms give the bits of WinogradOut (or WinogradOut2)
// followed by MaxPool2x2, NaN, infinities and signed zeros included, for
// rows of tiles longer than one kernel call and for two rows four wide.
func TestWinogradPoolIsOutThenPool(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	const chans = 3
	for _, relu := range []bool{false, true} {
		// One row of tw tiles: WinogradOut's 2×2tw outputs, pooled.
		for _, tw := range []int{1, 5, 8, 13} {
			mc := tw + 8
			mx := chans * mc
			m := winoPoolInput(r, 16*mx, mx)
			bias := f32Rand(r, chans)
			full := make([]float32, chans*2*2*tw)
			WinogradOut(full, 2*tw, 4*tw, m, mx, mc, bias, chans, tw, 2*tw, 2)
			want := make([]float32, chans*tw)
			MaxPool2x2(want, full, chans, 2, 2*tw, tw, relu)
			got := make([]float32, chans*tw)
			WinogradOutPool(got, tw, m, mx, mc, bias, chans, tw, relu)
			for i := range want {
				require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "tw %d relu %v: float %d", tw, relu, i)
			}
		}
		// Two rows of tiles four wide, the second pooled row present or
		// not, three or four pooled columns (7- and 8-wide maps).
		for _, pw := range []int{3, 4} {
			for rows := 1; rows <= 2; rows++ {
				mc := 8
				mx := chans * mc
				m := winoPoolInput(r, 16*mx, mx)
				full := make([]float32, chans*4*8)
				WinogradOut2(full, 8, 32, m, mx, mc, nil, chans, 8, 2, 2)
				pooled := make([]float32, chans*2*4)
				MaxPool2x2(pooled, full, chans, 4, 8, 4, relu)
				got := make([]float32, chans*2*pw)
				for i := range got {
					got[i] = f32Guard
				}
				WinogradOut2Pool(got, pw, 2*pw, m, mx, mc, nil, chans, pw, rows, relu)
				for c := 0; c < chans; c++ {
					for i := 0; i < 2; i++ {
						for j := 0; j < pw; j++ {
							g := got[c*2*pw+i*pw+j]
							if i >= rows {
								require.Equal(t, f32Guard, g, "row %d written", i)
								continue
							}
							w := pooled[c*8+i*4+j]
							require.Equal(t, math.Float32bits(w), math.Float32bits(g), "pw %d rows %d relu %v: (%d, %d, %d)", pw, rows, relu, c, i, j)
						}
					}
				}
			}
		}
	}
}
