//go:build !noasm && !purego

package simd

var (
	lift97SegRowsArch = []impl[func(dst, src []float32, w int, c *[4]float32)]{
		{name: "avx2", level: AVX2, fn: lift97SegRowsAVX2Go},
	}
	seg8Arch = []impl[func(dst, src []float32, m int)]{
		{name: "avx2", level: AVX2, fn: seg8AVX2},
	}
	unseg8Arch = []impl[func(dst, src []float32, m, rows int)]{
		{name: "avx2", level: AVX2, fn: unseg8AVX2},
	}
)

// lift97SegRowsAVX2 lifts rows lane-segmented rows of n ≥ 2 pairs of
// vectors each: a pair of vectors in, one low and one high out, the lifting
// values passed on in registers.
//
//go:noescape
func lift97SegRowsAVX2(dst, x *float32, n, rows int, c *[4]float32)

// lift97SegRowsSkewAVX2 is lift97SegRowsAVX2 for n ≥ 6 with the lifting
// steps of four outputs in each iteration (skewed): four short chains
// instead of one long one, about a sixth less time a pair.
//
//go:noescape
func lift97SegRowsSkewAVX2(dst, x *float32, n, rows int, c *[4]float32)

func lift97SegRowsAVX2Go(dst, src []float32, w int, c *[4]float32) {
	if w/16 >= 6 {
		lift97SegRowsSkewAVX2(&dst[0], &src[0], w/16, len(src)/w, c)
		return
	}
	lift97SegRowsAVX2(&dst[0], &src[0], w/16, len(src)/w, c)
}

// transpose8AVX2 transposes blocks of 8×8 floats (two 4×4 transpositions
// in each half of the registers, the rows loaded half by half): a
// transpose8Kernel.
//
//go:noescape
func transpose8AVX2(dst, src *float32, blocks, srow, sstep, drow, dstep, pf int)

func seg8AVX2(dst, src []float32, m int)         { seg8By(transpose8AVX2, dst, src, m) }
func unseg8AVX2(dst, src []float32, m, rows int) { unseg8By(transpose8AVX2, dst, src, m, rows) }
