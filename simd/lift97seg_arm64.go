//go:build !noasm && !purego

package simd

var (
	lift97SegRowsArch = []impl[func(dst, src []float32, w int, c *[4]float32)]{
		{name: "neon", level: NEON, fn: lift97SegRowsNEONGo},
	}
	seg8Arch = []impl[func(dst, src []float32, m int)]{
		{name: "neon", level: NEON, fn: seg8NEON},
	}
	unseg8Arch = []impl[func(dst, src []float32, m, rows int)]{
		{name: "neon", level: NEON, fn: unseg8NEON},
	}
)

// lift97SegRowsNEON lifts rows lane-segmented rows of n ≥ 2 pairs of
// vectors each, a vector of eight lanes in two registers, the lifting
// values passed on in registers.
//
//go:noescape
func lift97SegRowsNEON(dst, x *float32, n, rows int, c *[4]float32)

func lift97SegRowsNEONGo(dst, src []float32, w int, c *[4]float32) {
	lift97SegRowsNEON(&dst[0], &src[0], w/16, len(src)/w, c)
}

// transpose8NEON transposes blocks of 8×8 floats as four 4×4
// transpositions (a transpose8Kernel).
//
//go:noescape
func transpose8NEON(dst, src *float32, blocks, srow, sstep, drow, dstep, pf int)

func seg8NEON(dst, src []float32, m int)         { seg8By(transpose8NEON, dst, src, m) }
func unseg8NEON(dst, src []float32, m, rows int) { unseg8By(transpose8NEON, dst, src, m, rows) }
