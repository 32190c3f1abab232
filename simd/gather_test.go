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
					GatherRows(got, src, rowOff, colOff, run)
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
	require.NotPanics(t, func() { GatherRows(dst, src, []int32{0, 92}, col, 1) })
	require.Panics(t, func() { GatherRows(dst, src, []int32{0, 93}, col, 1) })
	require.Panics(t, func() { GatherRows(dst, src, []int32{-1, 50}, col, 1) })
	require.Panics(t, func() { GatherRows(dst[:15], src, []int32{0, 1}, col, 1) })
	require.Panics(t, func() { GatherRows(dst, src, []int32{0}, []int32{-5, 3, 2, 1, 0, 0, 0, 0}, 1) })
	require.NotPanics(t, func() { GatherRows(dst, src, []int32{0, 90}, []int32{2}, 8) })
	require.Panics(t, func() { GatherRows(dst, src, []int32{0, 91}, []int32{2}, 8) })
	require.Panics(t, func() { GatherRows(dst, src, []int32{0, 1}, []int32{2}, 0) })
}

// BenchmarkGatherRows times one im2col panel of a 64-channel 3×3
// convolution on a 4×4 map (padded to 6×6) as runs of 1, 4 and 16.
func BenchmarkGatherRows(b *testing.B) {
	r := rand.New(rand.NewPCG(23, 24))
	src := f32Rand(r, 64*36+64)
	rowOff := make([]int32, 576)
	for i := range rowOff {
		c, t := i/9, i%9
		rowOff[i] = int32(c*36 + t/3*6 + t%3)
	}
	dst := make([]float32, 576*16)
	for _, run := range []int{1, 4, 16} {
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
					GatherRows(dst, src, rowOff, colOff, run)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(dst)), "ns/float")
			})
		}
	}
}
