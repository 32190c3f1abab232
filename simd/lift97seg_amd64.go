//go:build !noasm && !purego

package simd

var (
	lift97SegRowsArch = []impl[func(dst, src []float32, w int, c *[4]float32)]{
		{name: "avx2", level: AVX2, fn: lift97SegRowsAVX2Go},
	}
	seg8Arch = []impl[func(dst, src []float32, m int)]{
		{name: "avx2", level: AVX2, fn: seg8AVX2},
	}
	unseg8Arch = []impl[func(dst, src []float32, m int)]{
		{name: "avx2", level: AVX2, fn: unseg8AVX2},
	}
)

// lift97SegRowsAVX2 lifts rows lane-segmented rows of n ≥ 2 pairs of
// vectors each: a pair of vectors in, one low and one high out, the lifting
// values passed on in registers.
//
//go:noescape
func lift97SegRowsAVX2(dst, x *float32, n, rows int, c *[4]float32)

func lift97SegRowsAVX2Go(dst, src []float32, w int, c *[4]float32) {
	lift97SegRowsAVX2(&dst[0], &src[0], w/16, len(src)/w, c)
}

// transpose8AVX2 transposes blocks of 8×8 floats (two 4×4 transpositions
// in each half of the registers, the rows loaded half by half).
//
//go:noescape
func transpose8AVX2(dst, src *float32, blocks, srow, sstep, drow, dstep, pf int)

// seg8AVX2 transposes the row's 8×m matrix of stretches in blocks of eight
// columns, the last block overlapping its predecessor.
func seg8AVX2(dst, src []float32, m int) {
	if m < 8 {
		seg8Generic(dst, src, m)
		return
	}
	transpose8AVX2(&dst[0], &src[0], m/8, 4*m, 32, 32, 256, 128*m)
	if j := m - 8; m%8 != 0 {
		transpose8AVX2(&dst[8*j], &src[j], 1, 4*m, 32, 32, 256, 128*m)
	}
}

// unseg8AVX2 is seg8AVX2 the other way.
func unseg8AVX2(dst, src []float32, m int) {
	if m < 8 {
		unseg8Generic(dst, src, m)
		return
	}
	transpose8AVX2(&dst[0], &src[0], m/8, 32, 256, 4*m, 32, 0)
	if j := m - 8; m%8 != 0 {
		transpose8AVX2(&dst[j], &src[8*j], 1, 32, 256, 4*m, 32, 0)
	}
}
