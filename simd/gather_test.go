package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every gather kernel this CPU has must write exactly what the Go twin
// writes (they move bits, so equality is exact), for the run lengths and
// panel widths the kernels take and those they hand back, with offsets
// that are negative relative to one table but not in sum.
func TestGatherRows(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	src := f32Rand(r, 5000)
	for _, sh := range [][2]int{{1, 1}, {1, 8}, {1, 16}, {1, 12}, {4, 4}, {4, 1}, {8, 2}, {16, 1}, {32, 1}, {3, 5}, {24, 1}} {
		run, ncol := sh[0], sh[1]
		for _, rows := range []int{1, 3, 577} {
			rowOff := make([]int32, rows)
			for i := range rowOff {
				rowOff[i] = int32(r.IntN(4000)) - 100
			}
			colOff := make([]int32, ncol)
			for j := range colOff {
				colOff[j] = int32(100 + r.IntN(860))
			}
			nr := run * ncol
			want := make([]float32, rows*nr)
			for p := range rowOff {
				for j := range colOff {
					for k := 0; k < run; k++ {
						want[p*nr+j*run+k] = src[int(rowOff[p])+int(colOff[j])+k]
					}
				}
			}
			for _, im := range gatherRowsFamily.available() {
				t.Run(fmt.Sprintf("%s/run%d/cols%d/rows%d", im.name, run, ncol, rows), func(t *testing.T) {
					got := make([]float32, rows*nr+1)
					got[rows*nr] = f32Guard
					saved := gatherRowsFn
					gatherRowsFn = im.fn
					defer func() { gatherRowsFn = saved }()
					GatherRows(got, src, NewOffsets(rowOff), colOff, run)
					require.Equal(t, want, got[:rows*nr])
					require.Equal(t, f32Guard, got[rows*nr])
				})
			}
		}
	}
}

// Offsets that leave src, or a short dst, are refused before any kernel
// reads memory.
func TestGatherRowsBounds(t *testing.T) {
	src := make([]float32, 100)
	dst := make([]float32, 64)
	col := []int32{0, 1, 2, 3, 4, 5, 6, 7}
	require.NotPanics(t, func() { GatherRows(dst, src, NewOffsets([]int32{0, 92}), col, 1) })
	require.Panics(t, func() { GatherRows(dst, src, NewOffsets([]int32{0, 93}), col, 1) })
	require.Panics(t, func() { GatherRows(dst, src, NewOffsets([]int32{-1, 50}), col, 1) })
	require.Panics(t, func() { GatherRows(dst[:15], src, NewOffsets([]int32{0, 1}), col, 1) })
	require.Panics(t, func() { GatherRows(dst, src, NewOffsets([]int32{0}), []int32{-5, 3, 2, 1, 0, 0, 0, 0}, 1) })
	require.NotPanics(t, func() { GatherRows(dst, src, NewOffsets([]int32{0, 90}), []int32{2}, 8) })
	require.Panics(t, func() { GatherRows(dst, src, NewOffsets([]int32{0, 91}), []int32{2}, 8) })
	require.Panics(t, func() { GatherRows(dst, src, NewOffsets([]int32{0, 1}), []int32{2}, 0) })
}

// BenchmarkGatherRows times one im2col panel of a 64-channel 3×3
// convolution on a 4×4 map (padded to 6×6) as runs of 1 and 16, the two
// the convolutions use (blocks of two runs: BenchmarkGatherBlend).
func BenchmarkGatherRows(b *testing.B) {
	r := rand.New(rand.NewPCG(23, 24))
	src := f32Rand(r, 64*36+64)
	rowOff := make([]int32, 576)
	for i := range rowOff {
		c, t := i/9, i%9
		rowOff[i] = int32(c*36 + t/3*6 + t%3)
	}
	dst := make([]float32, 576*16)
	rows := NewOffsets(rowOff)
	for _, run := range []int{1, 16} {
		colOff := make([]int32, 16/run)
		for j := range colOff {
			colOff[j] = int32(j * run / 4 * 6)
		}
		for _, im := range gatherRowsFamily.available() {
			b.Run(fmt.Sprintf("run%d/%s", run, im.name), func(b *testing.B) {
				saved := gatherRowsFn
				gatherRowsFn = im.fn
				defer func() { gatherRowsFn = saved }()
				for range b.N {
					GatherRows(dst, src, rows, colOff, run)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(dst)), "ns/float")
			})
		}
	}
}

// Every blend-gather kernel this CPU has writes exactly what the Go twin
// writes, for one to five blocks (past the kernels' four), splits at both
// ends and in between, and origins before and after each other; reads that
// would leave src are refused whole, with dst untouched.
func TestGatherBlend(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	src := f32Rand(r, 3000)
	for _, nb := range []int{1, 2, 3, 4, 5} {
		for _, rows := range []int{1, 7, 300} {
			rowOff := make([]int32, rows)
			for i := range rowOff {
				rowOff[i] = int32(r.IntN(2000)) - 50
			}
			blocks := make([]BlendBlock, nb)
			for h := range blocks {
				blocks[h] = BlendBlock{A: int32(60 + r.IntN(900)), B: int32(60 + r.IntN(900)), Split: int32(r.IntN(9))}
			}
			nr := 8 * nb
			want := make([]float32, rows*nr)
			for p := range rowOff {
				for h, b := range blocks {
					for l := 0; l < 8; l++ {
						o := b.A
						if int32(l) >= b.Split {
							o = b.B
						}
						want[p*nr+8*h+l] = src[int(rowOff[p])+int(o)+l]
					}
				}
			}
			for _, im := range gatherBlendFamily.available() {
				t.Run(fmt.Sprintf("%s/blocks%d/rows%d", im.name, nb, rows), func(t *testing.T) {
					got := make([]float32, rows*nr+1)
					got[rows*nr] = f32Guard
					saved := gatherBlendFn
					gatherBlendFn = im.fn
					defer func() { gatherBlendFn = saved }()
					require.True(t, GatherBlend(got, src, NewOffsets(rowOff), blocks))
					require.Equal(t, want, got[:rows*nr])
					require.Equal(t, f32Guard, got[rows*nr])
				})
			}
		}
	}
	dst := make([]float32, 32)
	rows := NewOffsets([]int32{0, 40})
	require.True(t, GatherBlend(dst, src[:60], rows, []BlendBlock{{A: 12, B: 0, Split: 3}, {A: 4, B: 0, Split: 8}}))
	clear(dst)
	require.False(t, GatherBlend(dst, src[:60], rows, []BlendBlock{{A: 13, B: 0, Split: 3}, {A: 4, B: 0, Split: 8}}))
	require.False(t, GatherBlend(dst, src[:60], rows, []BlendBlock{{A: 12, B: -1, Split: 8}, {A: 4, B: 0, Split: 8}}))
	require.Equal(t, make([]float32, 32), dst)
	require.Panics(t, func() { GatherBlend(dst[:31], src, rows, []BlendBlock{{}, {}}) })
	require.Panics(t, func() { GatherBlend(dst, src, rows, []BlendBlock{{Split: 9}}) })
}

// BenchmarkGatherBlend times the panel of BenchmarkGatherRows as two
// blocks that each wrap from one row of the 4×4 map to the next.
func BenchmarkGatherBlend(b *testing.B) {
	r := rand.New(rand.NewPCG(27, 28))
	src := f32Rand(r, 64*36+64)
	rowOff := make([]int32, 576)
	for i := range rowOff {
		c, t := i/9, i%9
		rowOff[i] = int32(c*36 + t/3*6 + t%3)
	}
	rows := NewOffsets(rowOff)
	dst := make([]float32, 576*16)
	blocks := []BlendBlock{{A: 2, B: 4, Split: 2}, {A: 14, B: 16, Split: 2}}
	for _, im := range gatherBlendFamily.available() {
		b.Run(im.name, func(b *testing.B) {
			saved := gatherBlendFn
			gatherBlendFn = im.fn
			defer func() { gatherBlendFn = saved }()
			for range b.N {
				GatherBlend(dst, src, rows, blocks)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(dst)), "ns/float")
		})
	}
}
