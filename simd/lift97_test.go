package simd

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// The CDF 9/7 lifting constants (the codec's bior4.4).
var testLift97 = [4]float32{-1.586134342059924, -0.052980118572961, 0.882911075530934, 0.443506852043971}

// liftBound is how far a float32 lifting result may be from the float64
// one: a few roundings of values up to about three times the inputs'
// magnitude (inputs here are within ±1).
const liftBound = 4e-6

// Every Lift97Steps kernel this CPU has is within liftBound of the float64
// steps, at lengths around its blocks of eight, and writes nothing past n.
func TestLift97Steps(t *testing.T) {
	r := rand.New(rand.NewPCG(91, 92))
	c := &testLift97
	for _, n := range []int{1, 2, 7, 8, 9, 15, 16, 17, 31, 96, 100, 384} {
		e, o := make([]float32, n+4), make([]float32, n+3)
		for i := range e {
			e[i] = r.Float32()*2 - 1
		}
		for i := range o {
			o[i] = r.Float32()*2 - 1
		}
		a, b, g, d := float64(c[0]), float64(c[1]), float64(c[2]), float64(c[3])
		d1 := func(j int) float64 { return float64(o[j+2]) + a*(float64(e[j+2])+float64(e[j+3])) }
		s1 := func(j int) float64 { return float64(e[j+2]) + b*(d1(j-1)+d1(j)) }
		d2 := func(j int) float64 { return d1(j) + g*(s1(j)+s1(j+1)) }
		for _, im := range lift97StepsFamily.available() {
			t.Run(fmt.Sprintf("%s/%d", im.name, n), func(t *testing.T) {
				saved := lift97StepsFn
				lift97StepsFn = im.fn
				defer func() { lift97StepsFn = saved }()
				lo, hi := make([]float32, n+1), make([]float32, n+1)
				lo[n], hi[n] = f32Guard, f32Guard
				Lift97Steps(lo[:n], hi[:n], e, o, c)
				for k := range n {
					wantHi := d2(k)
					wantLo := s1(k) + d*(d2(k-1)+wantHi)
					require.InDelta(t, wantLo, float64(lo[k]), liftBound, "lo[%d]", k)
					require.InDelta(t, wantHi, float64(hi[k]), liftBound, "hi[%d]", k)
				}
				require.Equal(t, f32Guard, lo[n])
				require.Equal(t, f32Guard, hi[n])
			})
		}
	}
	require.Panics(t, func() { Lift97Steps(make([]float32, 4), make([]float32, 4), make([]float32, 7), make([]float32, 7), c) })
}

// Every Lift97Col kernel this CPU has is within liftBound of the float64
// step, outputs and advanced state alike, around its blocks of eight.
func TestLift97Col(t *testing.T) {
	r := rand.New(rand.NewPCG(93, 94))
	c := &[6]float32{testLift97[0], testLift97[1], testLift97[2], testLift97[3], 1.3215, -0.7528}
	for _, n := range []int{1, 7, 8, 9, 16, 23, 96, 100} {
		rows := make([][]float32, 6) // x2, x3, x4, d1, s1, d2p
		for i := range rows {
			rows[i] = make([]float32, n)
			for j := range rows[i] {
				rows[i][j] = r.Float32()*2 - 1
			}
		}
		for _, im := range lift97ColFamily.available() {
			t.Run(fmt.Sprintf("%s/%d", im.name, n), func(t *testing.T) {
				saved := lift97ColFn
				lift97ColFn = im.fn
				defer func() { lift97ColFn = saved }()
				st := [3][]float32{append([]float32(nil), rows[3]...), append([]float32(nil), rows[4]...), append([]float32(nil), rows[5]...)}
				lo, hi := make([]float32, n+1), make([]float32, n+1)
				lo[n], hi[n] = f32Guard, f32Guard
				Lift97Col(lo[:n], hi[:n], rows[0], rows[1], rows[2], st[0], st[1], st[2], c)
				f := func(v float32) float64 { return float64(v) }
				for i := range n {
					d1n := f(rows[1][i]) + f(c[0])*(f(rows[0][i])+f(rows[2][i]))
					s1n := f(rows[0][i]) + f(c[1])*(f(rows[3][i])+d1n)
					d2 := f(rows[3][i]) + f(c[2])*(f(rows[4][i])+s1n)
					s2 := f(rows[4][i]) + f(c[3])*(f(rows[5][i])+d2)
					for _, p := range [][2]float64{{f(c[4]) * s2, f(lo[i])}, {f(c[5]) * d2, f(hi[i])}, {d1n, f(st[0][i])}, {s1n, f(st[1][i])}, {d2, f(st[2][i])}} {
						require.InDelta(t, p[0], p[1], liftBound, "column %d", i)
					}
				}
				require.Equal(t, f32Guard, lo[n])
				require.Equal(t, f32Guard, hi[n])
			})
		}
	}
	require.Panics(t, func() {
		Lift97Col(make([]float32, 4), make([]float32, 4), nil, nil, nil, nil, nil, nil, c)
	})
}

// Every Lift97Row kernel this CPU has splits the row and completes the
// halos exactly, and its bands are within liftBound of the float64 steps
// on that split.
func TestLift97Row(t *testing.T) {
	r := rand.New(rand.NewPCG(99, 100))
	c := &testLift97
	for _, n := range []int{1, 2, 7, 8, 9, 15, 16, 17, 24, 96, 100, 384} {
		x := make([]float32, 2*n)
		for i := range x {
			x[i] = r.Float32()*2 - 1
		}
		// The split with halos: e[j+2] = x[2(j mod n)].
		we, wo := make([]float32, n+4), make([]float32, n+4)
		for j := -2; j < n+2; j++ {
			k := (j + 2*n) % n
			we[j+2], wo[j+2] = x[2*k], x[2*k+1]
		}
		for _, im := range lift97RowFamily.available() {
			t.Run(fmt.Sprintf("%s/%d", im.name, n), func(t *testing.T) {
				saved := lift97RowFn
				lift97RowFn = im.fn
				defer func() { lift97RowFn = saved }()
				e, o := make([]float32, n+4), make([]float32, n+4)
				lo, hi := make([]float32, n+1), make([]float32, n+1)
				lo[n], hi[n] = f32Guard, f32Guard
				Lift97Row(lo[:n], hi[:n], x, e, o, c)
				require.Equal(t, we, e)
				require.Equal(t, wo, o)
				wlo, whi := make([]float32, n), make([]float32, n)
				lift97StepsGeneric(wlo, whi, we, wo, c)
				for k := range n {
					require.InDelta(t, wlo[k], lo[k], liftBound, "lo[%d]", k)
					require.InDelta(t, whi[k], hi[k], liftBound, "hi[%d]", k)
				}
				require.Equal(t, f32Guard, lo[n])
				require.Equal(t, f32Guard, hi[n])
			})
		}
	}
	require.Panics(t, func() {
		Lift97Row(make([]float32, 4), make([]float32, 4), make([]float32, 7), make([]float32, 8), make([]float32, 8), c)
	})
}

// Every Lift97ColSegs kernel this CPU has is within liftBound of the
// float64 step, each segment with its own constants and outputs, for
// segment widths around the kernels' blocks.
func TestLift97ColSegs(t *testing.T) {
	r := rand.New(rand.NewPCG(101, 102))
	c := &[2][6]float32{
		{testLift97[0], testLift97[1], testLift97[2], testLift97[3], 1.3215, -0.7528},
		{testLift97[0], testLift97[1], testLift97[2], testLift97[3], -0.7528, 0.5667},
	}
	for _, wo := range []int{1, 4, 8, 12, 48} {
		for _, segs := range []int{2, 4, 8} {
			n := wo * segs
			rows := make([][]float32, 6) // x2, x3, x4, d1, s1, d2p
			for i := range rows {
				rows[i] = make([]float32, n)
				for j := range rows[i] {
					rows[i][j] = r.Float32()*2 - 1
				}
			}
			for _, im := range lift97ColSegsFamily.available() {
				t.Run(fmt.Sprintf("%s/%dx%d", im.name, segs, wo), func(t *testing.T) {
					saved := lift97ColSegsFn
					lift97ColSegsFn = im.fn
					defer func() { lift97ColSegsFn = saved }()
					st := [3][]float32{append([]float32(nil), rows[3]...), append([]float32(nil), rows[4]...), append([]float32(nil), rows[5]...)}
					out := make([]float32, 2*n+1)
					out[2*n] = f32Guard
					Lift97ColSegs(out[:2*n], rows[0], rows[1], rows[2], st[0], st[1], st[2], wo, c)
					f := func(v float32) float64 { return float64(v) }
					for i := range n {
						s, j := i/wo, i%wo
						k := &c[s%2]
						d1n := f(rows[1][i]) + f(k[0])*(f(rows[0][i])+f(rows[2][i]))
						s1n := f(rows[0][i]) + f(k[1])*(f(rows[3][i])+d1n)
						d2 := f(rows[3][i]) + f(k[2])*(f(rows[4][i])+s1n)
						s2 := f(rows[4][i]) + f(k[3])*(f(rows[5][i])+d2)
						lo, hi := out[2*s*wo+j], out[(2*s+1)*wo+j]
						for _, p := range [][2]float64{{f(k[4]) * s2, f(lo)}, {f(k[5]) * d2, f(hi)}, {d1n, f(st[0][i])}, {s1n, f(st[1][i])}, {d2, f(st[2][i])}} {
							require.InDelta(t, p[0], p[1], liftBound, "segment %d column %d", s, j)
						}
					}
					require.Equal(t, f32Guard, out[2*n])
				})
			}
		}
	}
	require.Panics(t, func() {
		Lift97ColSegs(make([]float32, 10), make([]float32, 6), nil, nil, nil, nil, nil, 2, c)
	})
}

// Lift97Rows is Lift97Row row by row.
func TestLift97Rows(t *testing.T) {
	r := rand.New(rand.NewPCG(103, 104))
	for _, w := range []int{2, 16, 48, 96} {
		src := make([]float32, 4*w)
		for i := range src {
			src[i] = r.Float32()*2 - 1
		}
		e, o := make([]float32, w/2+4), make([]float32, w/2+4)
		got := make([]float32, len(src)+1)
		got[len(src)] = f32Guard
		Lift97Rows(got[:len(src)], src, w, e, o, &testLift97)
		want := make([]float32, len(src))
		for k := 0; k < len(src); k += w {
			Lift97Row(want[k:k+w/2], want[k+w/2:k+w], src[k:k+w], e, o, &testLift97)
		}
		require.Equal(t, want, got[:len(src)])
		require.Equal(t, f32Guard, got[len(src)])
	}
	require.Panics(t, func() {
		Lift97Rows(make([]float32, 6), make([]float32, 6), 3, make([]float32, 8), make([]float32, 8), &testLift97)
	})
}

// Every Lift97ColSegs3 kernel this CPU has gives the bits of three calls
// of its level's Lift97ColSegs kernel, outputs and state, with its outputs
// equally spaced (the kernels' case) and not, with scales and with scales
// of 1.
func TestLift97ColSegs3(t *testing.T) {
	r := rand.New(rand.NewPCG(107, 108))
	for _, c := range []*[2][6]float32{
		{
			{testLift97[0], testLift97[1], testLift97[2], testLift97[3], 1.3215, -0.7528},
			{testLift97[0], testLift97[1], testLift97[2], testLift97[3], -0.7528, 0.5667},
		},
		{
			{testLift97[0], testLift97[1], testLift97[2], testLift97[3], 1, 1},
			{testLift97[0], testLift97[1], testLift97[2], testLift97[3], 1, 1},
		},
	} {
		for _, wo := range []int{1, 4, 8, 16, 48} {
			for _, segs := range []int{2, 8} {
				n := wo * segs
				rows := make([][]float32, 10) // x2 .. x8, d1, s1, d2p
				for i := range rows {
					rows[i] = make([]float32, n)
					for j := range rows[i] {
						rows[i][j] = r.Float32()*2 - 1
					}
				}
				st := func() [3][]float32 {
					return [3][]float32{slices.Clone(rows[7]), slices.Clone(rows[8]), slices.Clone(rows[9])}
				}
				for _, im := range lift97ColSegs3Family.available() {
					var one func(out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32)
					for _, o := range lift97ColSegsFamily.available() {
						if o.name == im.name {
							one = o.fn
						}
					}
					var want [3][]float32
					ws := st()
					for k := range want {
						want[k] = make([]float32, 2*n)
						one(want[k], rows[2*k], rows[2*k+1], rows[2*k+2], ws[0], ws[1], ws[2], wo, c)
					}
					for _, gap := range []int{0, 8, -1, -2} {
						t.Run(fmt.Sprintf("%s/%dx%d/gap=%d/scale=%v", im.name, segs, wo, gap, c[0][4]), func(t *testing.T) {
							saved := lift97ColSegs3Fn
							lift97ColSegs3Fn = im.fn
							defer func() { lift97ColSegs3Fn = saved }()
							out, buf := col3Outputs(n, gap)
							end := len(buf) - 1
							gs := st()
							Lift97ColSegs3(out[0], out[1], out[2], rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6],
								gs[0], gs[1], gs[2], wo, c)
							for k := range out {
								require.Equal(t, want[k], out[k], "row %d", k)
							}
							require.Equal(t, ws, gs)
							require.Equal(t, f32Guard, buf[end])
						})
					}
				}
			}
		}
	}
}

// TestLift97ColSegs3Carry checks every Lift97ColSegs3Carry this CPU runs
// against three steps of the same level's one-row kernel with a d2p row of
// its own, over two calls, so that the second reads the d2 state the first
// left in out3.
func TestLift97ColSegs3Carry(t *testing.T) {
	r := rand.New(rand.NewPCG(109, 110))
	alt := testLift97
	alt[2] *= 0.75
	for _, c := range []*[2][6]float32{
		{
			{testLift97[0], testLift97[1], testLift97[2], testLift97[3], 1, 1},
			{testLift97[0], testLift97[1], testLift97[2], testLift97[3], 1, 1},
		},
		{
			{testLift97[0], testLift97[1], testLift97[2], testLift97[3], 1, 1},
			{alt[0], alt[1], alt[2], alt[3], 1, 1},
		},
	} {
		for _, wo := range []int{1, 4, 8, 16, 48} {
			for _, segs := range []int{2, 8} {
				n := wo * segs
				rnd := func() []float32 {
					x := make([]float32, n)
					for j := range x {
						x[j] = r.Float32()*2 - 1
					}
					return x
				}
				var x [13][]float32 // two calls' rows: x2 .. x8, then x8 .. x14
				for i := range x {
					x[i] = rnd()
				}
				d1, s1, d2p := rnd(), rnd(), rnd()
				for _, im := range lift97ColSegs3CarryFamily.available() {
					var one func(out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32)
					for _, o := range lift97ColSegsFamily.available() {
						if o.name == im.name {
							one = o.fn
						}
					}
					ws := [3][]float32{slices.Clone(d1), slices.Clone(s1), slices.Clone(d2p)}
					var want [6][]float32
					for k := range want {
						want[k] = make([]float32, 2*n)
						one(want[k], x[2*k], x[2*k+1], x[2*k+2], ws[0], ws[1], ws[2], wo, c)
					}
					for _, gap := range []int{0, 8, -1, -2} {
						t.Run(fmt.Sprintf("%s/%dx%d/gap=%d/alike=%v", im.name, segs, wo, gap, c[0] == c[1]), func(t *testing.T) {
							saved := lift97ColSegs3CarryFn
							lift97ColSegs3CarryFn = im.fn
							defer func() { lift97ColSegs3CarryFn = saved }()
							out, buf := col3Outputs(n, gap)
							end := len(buf) - 1
							// The state before the first call: d2p in out3's
							// high halves.
							for s := range segs {
								copy(out[2][(2*s+1)*wo:(2*s+2)*wo], d2p[s*wo:(s+1)*wo])
							}
							gd1, gs1 := slices.Clone(d1), slices.Clone(s1)
							for call := range 2 {
								y := x[6*call:]
								Lift97ColSegs3Carry(out[0], out[1], out[2], y[0], y[1], y[2], y[3], y[4], y[5], y[6], gd1, gs1, wo, c)
								for k := range out {
									require.Equal(t, want[3*call+k], out[k], "call %d, row %d", call, k)
								}
							}
							require.Equal(t, ws[0], gd1)
							require.Equal(t, ws[1], gs1)
							require.Equal(t, f32Guard, buf[end])
						})
					}
				}
			}
		}
	}
	require.Panics(t, func() {
		c := [2][6]float32{{1, 2, 3, 4, 1, 1}, {1, 2, 3, 4, 1, 0.5}}
		x := make([]float32, 16)
		Lift97ColSegs3Carry(x, x, x, x, x, x, x, x, x, x, x, x, 8, &c)
	})
}

// col3Outputs lays out the three output rows of a three-row column step,
// 2n floats each, in one buffer with a guard after them: equally spaced,
// 2n (gap 0) or 2n+gap apart, in reverse (gap -1), and not equally spaced
// (gap -2: the third 8 floats further).
func col3Outputs(n, gap int) (out [3][]float32, buf []float32) {
	S := 2 * n
	at := [3]int{0, S + max(gap, 0), 2 * (S + max(gap, 0))}
	switch gap {
	case -1:
		at = [3]int{2 * S, S, 0}
	case -2:
		at = [3]int{0, S, 2*S + 8}
	}
	end := max(at[0], at[1], at[2]) + S
	buf = make([]float32, end+1)
	buf[end] = f32Guard
	for k, a := range at {
		out[k] = buf[a : a+S]
	}
	return out, buf
}
