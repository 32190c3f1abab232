package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// winoWeights4 is G·g·Gᵀ of F(4×4, 3×3), coefficient ξ = 6r+s at [ξ].
func winoWeights4(g [9]float64) []float32 {
	return winoWeightsOf(g, [][3]float64{{1.0 / 4, 0, 0}, {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
		{1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}})
}

// winoCase4 is a padded oh×ow map x (rows wp floats, zero past it, to
// whole 4×4 tiles and four rows more), its four column phases (rows of
// ld), and a 3×3 kernel with its transform.
func winoCase4(r *rand.Rand, oh, ow int) (x []float32, wp int, ps [4][]float32, ld int, g [9]float64, u []float32) {
	th, tw := (oh+3)/4, (ow+3)/4
	hp := 4*th + 2
	wp = 4*tw + 4
	ld = wp / 4
	x = make([]float32, hp*wp)
	for i := 0; i < oh+2; i++ {
		for j := 0; j < ow+2; j++ {
			x[i*wp+j] = r.Float32()*2 - 1
		}
	}
	for i := range g {
		g[i] = r.Float64()*2 - 1
	}
	for s := range ps {
		// Room for the rows a last, unpaired row of tiles reads.
		ps[s] = make([]float32, (hp+4)*ld+16)
		for i := 0; i < hp; i++ {
			for j := 0; j < ld; j++ {
				ps[s][i*ld+j] = x[i*wp+4*j+s]
			}
		}
	}
	return x, wp, ps, ld, g, winoWeights4(g)
}

// winoCheck4 compares y with the correlation of the padded map x (rows
// wp floats) with g, summed in float64, within float32 rounding of
// F(4×4, 3×3), whose transforms scale values by up to 100 and back.
func winoCheck4(t *testing.T, x []float32, wp int, g [9]float64, y []float32, oh, ow int) {
	t.Helper()
	for i := 0; i < oh; i++ {
		for j := 0; j < ow; j++ {
			var want float64
			for a := 0; a < 3; a++ {
				for b := 0; b < 3; b++ {
					want += g[3*a+b] * float64(x[(i+a)*wp+j+b])
				}
			}
			require.InDelta(t, want, y[i*ow+j], 2e-5*9, "%dx%d at (%d, %d)", oh, ow, i, j)
		}
	}
}

// The F(4×4, 3×3) transforms are a convolution: a padded map split into
// its four column phases, transformed, multiplied coefficient by
// coefficient with G·g·Gᵀ and transformed back, is g's stride-1
// correlation within float32 rounding of F(4×4, 3×3) (its transforms
// scale values by up to 100 and back), for maps whose sides are and are
// not multiples of four, narrower and wider than a block of eight tiles.
func TestWinograd4Convolves(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, sz := range [][2]int{{4, 4}, {7, 9}, {13, 32}, {16, 29}, {5, 40}, {32, 32}} {
		oh, ow := sz[0], sz[1]
		th, tw := (oh+3)/4, (ow+3)/4
		x, wp, ps, ld, g, u := winoCase4(r, oh, ow)
		ldv := tw + 8
		v := make([]float32, 36*ldv)
		y := make([]float32, oh*ow)
		for ty := 0; ty < th; ty++ {
			at := 4 * ty * ld
			WinogradIn4(v, ldv, 0, ps[0][at:], ps[1][at:], ps[2][at:], ps[3][at:], ld, 0, 1, tw)
			for xi := 0; xi < 36; xi++ {
				for k := 0; k < tw; k++ {
					v[xi*ldv+k] *= u[xi]
				}
			}
			WinogradOut4(y[4*ty*ow:], ow, 0, v, ldv, 0, nil, 1, tw, ow, min(4, oh-4*ty))
		}
		winoCheck4(t, x, wp, g, y, oh, ow)
	}
}

// Every F(4×4, 3×3) transform kernel this CPU has writes its Go twin's
// bits, for tile counts around blocks of eight, several channels, odd
// strides, every number of rows and special values, and writes nothing
// else: the input transform nothing past its last block of eight lanes,
// the output transform nothing past w columns of its rows.
func TestWinograd4Kernels(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	for _, n := range []int{1, 3, 7, 8, 9, 16, 17} {
		for _, chans := range []int{1, 3} {
			n8 := (n + 7) / 8 * 8
			ld, plane := n8+3, 6*(n8+3)+5
			var ps [4][]float32
			for s := range ps {
				ps[s] = winoPoolInput(r, (chans-1)*plane+5*ld+n8+1, 7)
			}
			vc, vx := n8+3, chans*(n8+3)+1
			vlen := 35*vx + (chans-1)*vc + n8 + 4
			want, _ := guarded(vlen, 0, f32Guard)
			for k := 0; k < n8; k += 8 {
				winoIn4Generic(want[k:], vx, vc, ps[0][k:], ps[1][k:], ps[2][k:], ps[3][k:], ld, plane, chans)
			}
			for _, im := range winoIn4Family.available() {
				t.Run(fmt.Sprintf("in/%s/%d/%d", im.name, n, chans), func(t *testing.T) {
					saved := winoIn4Fn
					winoIn4Fn = im.fn
					defer func() { winoIn4Fn = saved }()
					got, _ := guarded(vlen, 0, f32Guard)
					WinogradIn4(got, vx, vc, ps[0], ps[1], ps[2], ps[3], ld, plane, chans, n)
					for i := range want {
						require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "float %d", i)
					}
				})
			}
			mc, mx := n8+1, chans*(n8+1)+3
			m := winoPoolInput(r, 35*mx+(chans-1)*mc+n8, mx)
			bias := f32Rand(r, chans)
			for _, w := range []int{4*n - 3, 4 * n} {
				if w < 1 {
					continue
				}
				for rows := 1; rows <= 4; rows++ {
					for _, b := range [][]float32{nil, bias} {
						ldy, yplane := w+2, 4*(w+2)+1
						ylen := chans * yplane
						want, _ := guarded(ylen, 0, f32Guard)
						for k := 0; k < n8; k += 8 {
							if w-4*k > 0 {
								winoOut4Generic(want[4*k:], ldy, yplane, m[k:], mx, mc, b, chans, min(32, w-4*k), rows)
							}
						}
						for c := 0; c < chans; c++ {
							for i := 0; i < 4; i++ {
								for j := 0; j < ldy; j++ {
									written := want[c*yplane+i*ldy+j] != f32Guard
									require.Equal(t, i < rows && j < w, written, "row %d column %d", i, j)
								}
							}
						}
						for _, im := range winoOut4Family.available() {
							saved := winoOut4Fn
							winoOut4Fn = im.fn
							got, _ := guarded(ylen, 0, f32Guard)
							WinogradOut4(got, ldy, yplane, m, mx, mc, b, chans, n, w, rows)
							winoOut4Fn = saved
							for i := range want {
								require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s n%d w%d rows %d: float %d", im.name, n, w, rows, i)
							}
						}
					}
				}
			}
		}
	}
	require.Panics(t, func() { WinogradIn4(make([]float32, 400), 8, 0, nil, nil, nil, nil, 6, 0, 1, 8) })
	require.Panics(t, func() { WinogradOut4(make([]float32, 100), 8, 0, make([]float32, 400), 8, 0, nil, 1, 2, 9, 4) })
	require.Panics(t, func() { WinogradOut4(make([]float32, 100), 8, 0, make([]float32, 400), 8, 0, nil, 1, 2, 8, 5) })
}

// The two-rows-of-tiles F(4×4, 3×3) transforms are the same convolution
// on maps four tiles wide or less (16×16 and 14×14 maps, one with an odd
// number of rows of tiles, one with short rows of tiles).
func TestWinograd4PairsConvolve(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	for _, sz := range [][2]int{{16, 16}, {14, 14}, {9, 15}, {13, 8}} {
		oh, ow := sz[0], sz[1]
		th := (oh + 3) / 4
		x, wp, ps, ld, g, u := winoCase4(r, oh, ow)
		v := make([]float32, 36*8)
		y := make([]float32, oh*ow)
		for ty := 0; ty < th; ty += 2 {
			at := 4 * ty * ld
			WinogradIn4x2(v, 8, 0, ps[0][at:], ps[1][at:], ps[2][at:], ps[3][at:], ld, 0, 1)
			for xi := 0; xi < 36; xi++ {
				for k := 0; k < 8; k++ {
					v[xi*8+k] *= u[xi]
				}
			}
			WinogradOut4x2(y[4*ty*ow:], ow, 0, v, 8, 0, nil, 1, ow, min(4, oh-4*ty), max(0, min(4, oh-4*ty-4)))
		}
		winoCheck4(t, x, wp, g, y, oh, ow)
	}
}

// Every two-rows-of-tiles F(4×4, 3×3) kernel this CPU has writes its Go
// twin's bits, and nothing else, for every combination of rows and widths.
func TestWinograd4PairKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(47, 48))
	for _, chans := range []int{1, 3} {
		ld, plane := 6, 6*11+2
		var ps [4][]float32
		for s := range ps {
			ps[s] = winoPoolInput(r, (chans-1)*plane+9*ld+5, 7)
		}
		vc, vx := 11, chans*11+3
		vlen := 35*vx + (chans-1)*vc + 8 + 2
		want, _ := guarded(vlen, 0, f32Guard)
		winoIn4x2Generic(want, vx, vc, ps[0], ps[1], ps[2], ps[3], ld, plane, chans)
		for _, im := range winoIn4x2Family.available() {
			got, _ := guarded(vlen, 0, f32Guard)
			im.fn(got, vx, vc, ps[0], ps[1], ps[2], ps[3], ld, plane, chans)
			for i := range want {
				require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s: float %d", im.name, i)
			}
		}
		mc, mx := 9, chans*9+1
		m := winoPoolInput(r, 35*mx+(chans-1)*mc+8, mx)
		bias := f32Rand(r, chans)
		for w := 1; w <= 16; w++ {
			for _, rr := range [][2]int{{1, 0}, {3, 0}, {4, 0}, {4, 1}, {4, 3}, {4, 4}} {
				for _, b := range [][]float32{nil, bias} {
					ldy, yplane := 17, 8*17+3
					ylen := chans * yplane
					want, _ := guarded(ylen, 0, f32Guard)
					winoOut4x2Generic(want, ldy, yplane, m, mx, mc, b, chans, w, rr[0], rr[1])
					for c := 0; c < chans; c++ {
						for i := 0; i < 8; i++ {
							for j := 0; j < ldy; j++ {
								rows := rr[0]
								if i >= 4 {
									rows = 4 + rr[1]
								}
								written := want[c*yplane+i*ldy+j] != f32Guard
								require.Equal(t, i < rows && j < w, written, "row %d column %d", i, j)
							}
						}
					}
					for _, im := range winoOut4x2Family.available() {
						got, _ := guarded(ylen, 0, f32Guard)
						im.fn(got, ldy, yplane, m, mx, mc, b, chans, w, rr[0], rr[1])
						for i := range want {
							require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s w%d rows %v: float %d", im.name, w, rr, i)
						}
					}
				}
			}
		}
	}
	require.Panics(t, func() { WinogradIn4x2(make([]float32, 400), 8, 0, nil, nil, nil, nil, 6, 0, 1) })
	require.Panics(t, func() { WinogradOut4x2(make([]float32, 100), 8, 0, make([]float32, 400), 8, 0, nil, 1, 17, 4, 4) })
	require.Panics(t, func() { WinogradOut4x2(make([]float32, 200), 8, 0, make([]float32, 400), 8, 0, nil, 1, 8, 3, 1) })
}

// Every pooling F(4×4, 3×3) output kernel this CPU has writes its Go
// twin's bits, and nothing else; and the public call gives WinogradOut4x2
// followed by MaxPool2x2, NaN, infinities and zeros of both signs
// included.
func TestWinograd4PoolKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(49, 50))
	for _, chans := range []int{1, 3} {
		mc, mx := 9, chans*9+1
		m := winoPoolInput(r, 35*mx+(chans-1)*mc+8, mx)
		bias := f32Rand(r, chans)
		for w := 1; w <= 8; w++ {
			for _, rr := range [][2]int{{1, 0}, {2, 0}, {2, 1}, {2, 2}} {
				for _, b := range [][]float32{nil, bias} {
					for _, relu := range []bool{false, true} {
						ldy, yplane := 9, 4*9+3
						ylen := chans * yplane
						want, _ := guarded(ylen, 0, f32Guard)
						winoOut4PoolGeneric(want, ldy, yplane, m, mx, mc, b, chans, w, rr[0], rr[1], relu)
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
						for _, im := range winoOut4PoolFam.available() {
							got, _ := guarded(ylen, 0, f32Guard)
							im.fn(got, ldy, yplane, m, mx, mc, b, chans, w, rr[0], rr[1], relu)
							for i := range want {
								require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s w%d rows %v relu %v: float %d", im.name, w, rr, relu, i)
							}
						}
						// The transform, then the pool.
						full := make([]float32, chans*8*16)
						WinogradOut4x2(full, 16, 128, m, mx, mc, b, chans, 16, 4, 4)
						pooled := make([]float32, chans*4*8)
						MaxPool2x2(pooled, full, chans, 8, 16, 8, relu)
						got, _ := guarded(ylen, 0, f32Guard)
						WinogradOut4x2Pool(got, ldy, yplane, m, mx, mc, b, chans, w, rr[0], rr[1], relu)
						for c := 0; c < chans; c++ {
							for i := 0; i < 4; i++ {
								rows := rr[0]
								if i >= 2 {
									rows = 2 + rr[1]
								}
								for j := 0; j < w && i < rows; j++ {
									require.Equal(t, math.Float32bits(pooled[c*32+i*8+j]), math.Float32bits(got[c*yplane+i*ldy+j]),
										"w%d rows %v relu %v: (%d, %d, %d)", w, rr, relu, c, i, j)
								}
							}
						}
					}
				}
			}
		}
	}
	require.Panics(t, func() {
		WinogradOut4x2Pool(make([]float32, 100), 8, 0, make([]float32, 400), 8, 0, nil, 1, 9, 2, 2, false)
	})
	require.Panics(t, func() {
		WinogradOut4x2Pool(make([]float32, 100), 8, 0, make([]float32, 400), 8, 0, nil, 1, 8, 1, 1, false)
	})
}

// The four-groups F(4×4, 3×3) transforms are the same convolution over
// maps two tiles wide and tall (8×8, 7×7, 5×6), two images at a time, and
// with one image (the second's groups written nowhere).
func TestWinograd4QuadsConvolve(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	for _, sz := range [][2]int{{8, 8}, {7, 7}, {5, 6}} {
		for _, images := range []int{2, 1} {
			oh, ow := sz[0], sz[1]
			hp, wp := 10, 12
			ld := wp / 4
			plane := hp * ld
			var gs [9]float64
			for i := range gs {
				gs[i] = r.Float64()*2 - 1
			}
			u := winoWeights4(gs)
			x := make([][]float32, images)
			var ps [4][]float32
			for s := range ps {
				ps[s] = make([]float32, 2*plane+16)
			}
			for n := range x {
				x[n] = make([]float32, hp*wp)
				for i := 0; i < oh+2; i++ {
					for j := 0; j < ow+2; j++ {
						x[n][i*wp+j] = r.Float32()*2 - 1
					}
				}
				for s := range ps {
					for i := 0; i < hp; i++ {
						for j := 0; j < ld; j++ {
							ps[s][n*plane+i*ld+j] = x[n][i*wp+4*j+s]
						}
					}
				}
			}
			v := make([]float32, 36*8)
			WinogradIn4x4(v, 8, 0, ps[0], ps[1], ps[2], ps[3], ld, 0, 1, [4]int{0, 4 * ld, plane, plane + 4*ld})
			for xi := 0; xi < 36; xi++ {
				for k := 0; k < 8; k++ {
					v[xi*8+k] *= u[xi]
				}
			}
			y := make([]float32, 2*oh*ow)
			rows := [4]int{4, oh - 4, 4, oh - 4}
			if images == 1 {
				rows[2], rows[3] = 0, 0
			}
			WinogradOut4x4(y, ow, 0, v, 8, 0, nil, 1, ow, [4]int{0, 4 * ow, oh * ow, oh*ow + 4*ow}, rows)
			for n := 0; n < 2; n++ {
				for i := 0; i < oh; i++ {
					for j := 0; j < ow; j++ {
						got := y[n*oh*ow+i*ow+j]
						if n >= images {
							require.Zero(t, got, "image %d written", n)
							continue
						}
						var want float64
						for a := 0; a < 3; a++ {
							for b := 0; b < 3; b++ {
								want += gs[3*a+b] * float64(x[n][(i+a)*wp+j+b])
							}
						}
						require.InDelta(t, want, got, 2e-5*9, "%dx%d image %d at (%d, %d)", oh, ow, n, i, j)
					}
				}
			}
		}
	}
}

// Every four-groups F(4×4, 3×3) kernel this CPU has writes its Go twin's
// bits and nothing else, for every width and combination of rows, with
// and without bias and ReLU; the pooling one gives WinogradOut4x4 then
// MaxPool2x2.
func TestWinograd4QuadKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(53, 54))
	for _, chans := range []int{1, 3} {
		ld, plane := 5, 6*5+3
		off := [4]int{0, 7, chans*plane + 2, chans*plane + 11}
		var ps [4][]float32
		for s := range ps {
			ps[s] = winoPoolInput(r, off[3]+(chans-1)*plane+5*ld+3, 7)
		}
		vc, vx := 11, chans*11+3
		vlen := 35*vx + (chans-1)*vc + 8 + 2
		want, _ := guarded(vlen, 0, f32Guard)
		winoIn4x4Generic(want, vx, vc, ps[0], ps[1], ps[2], ps[3], ld, plane, chans, off)
		for _, im := range winoIn4x4Family.available() {
			got, _ := guarded(vlen, 0, f32Guard)
			im.fn(got, vx, vc, ps[0], ps[1], ps[2], ps[3], ld, plane, chans, off)
			for i := range want {
				require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s: float %d", im.name, i)
			}
		}
		mc, mx := 9, chans*9+1
		m := winoPoolInput(r, 35*mx+(chans-1)*mc+12, mx)
		bias := f32Rand(r, chans)
		ldy, yplane := 9, 8*9+3
		doff := [4]int{0, 4 * ldy, chans * yplane, chans*yplane + 4*ldy}
		ylen := 2*chans*yplane + 8*ldy
		for _, rows := range [][4]int{{4, 4, 4, 4}, {4, 3, 4, 3}, {4, 4, 0, 0}, {1, 0, 1, 0}, {2, 0, 0, 0}} {
			for w := 1; w <= 8; w++ {
				for _, b := range [][]float32{nil, bias} {
					want, _ := guarded(ylen, 0, f32Guard)
					winoOut4x4Generic(want, ldy, yplane, m, mx, mc, b, chans, w, doff, rows)
					for _, im := range winoOut4x4Family.available() {
						got, _ := guarded(ylen, 0, f32Guard)
						im.fn(got, ldy, yplane, m, mx, mc, b, chans, w, doff, rows)
						for i := range want {
							require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s w%d rows %v: float %d", im.name, w, rows, i)
						}
					}
					if w > 4 {
						continue
					}
					prows := [4]int{min(rows[0], 2), min(rows[1], 2), min(rows[2], 2), min(rows[3], 2)}
					pdoff := [4]int{0, 2 * ldy, chans * yplane, chans*yplane + 2*ldy}
					for _, relu := range []bool{false, true} {
						want, _ := guarded(ylen, 0, f32Guard)
						winoOut4PoolQuadGeneric(want, ldy, yplane, m, mx, mc, b, chans, w, pdoff, prows, relu)
						for _, im := range winoOut4PoolQuad.available() {
							got, _ := guarded(ylen, 0, f32Guard)
							im.fn(got, ldy, yplane, m, mx, mc, b, chans, w, pdoff, prows, relu)
							for i := range want {
								require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "%s pool w%d rows %v relu %v: float %d", im.name, w, prows, relu, i)
							}
						}
						// The transform of all eight tiles, then the pool.
						full := make([]float32, chans*4*32)
						WinogradOut4x4(full, 32, 128, m, mx, mc, b, chans, 8, [4]int{0, 8, 0, 0}, [4]int{4, 4, 0, 0})
						WinogradOut4x4(full[16:], 32, 128, m[4:], mx, mc, b, chans, 8, [4]int{0, 8, 0, 0}, [4]int{4, 4, 0, 0})
						pooled := make([]float32, chans*2*16)
						MaxPool2x2(pooled, full, chans, 4, 32, 16, relu)
						for c := 0; c < chans; c++ {
							for g := 0; g < 4; g++ {
								for i := 0; i < prows[g]; i++ {
									for j := 0; j < w; j++ {
										require.Equal(t, math.Float32bits(pooled[c*32+i*16+4*g+j]), math.Float32bits(want[pdoff[g]+c*yplane+i*ldy+j]),
											"pool w%d rows %v relu %v: (%d, %d, %d, %d)", w, prows, relu, c, g, i, j)
									}
								}
							}
						}
					}
				}
			}
		}
	}
	require.Panics(t, func() {
		WinogradOut4x4(make([]float32, 100), 8, 0, make([]float32, 400), 8, 0, nil, 1, 9, [4]int{}, [4]int{4, 4, 4, 4})
	})
	require.Panics(t, func() {
		WinogradOut4x4Pool(make([]float32, 100), 8, 0, make([]float32, 400), 8, 0, nil, 1, 4, [4]int{}, [4]int{2, 3, 0, 0}, false)
	})
}
