//go:build (amd64 || arm64) && !noasm && !purego

package simd

// transpose8Kernel is the signature of the vector 8×8 transpositions:
// each block's eight rows of eight floats, srow bytes apart from src, go
// to dst as its eight columns, drow bytes apart; the blocks lie sstep and
// dstep bytes apart, and each asks for the cache lines pf bytes past its
// rows, where a stream of transpositions reads next.
type transpose8Kernel func(dst, src *float32, blocks, srow, sstep, drow, dstep, pf int)

// seg8By transposes the row's 8×m matrix of stretches in blocks of eight
// columns with kern, the last block overlapping its predecessor, asking
// for the rows four ahead (a frame's next rows).
func seg8By(kern transpose8Kernel, dst, src []float32, m int) {
	if m < 8 {
		seg8Generic(dst, src, m)
		return
	}
	kern(&dst[0], &src[0], m/8, 4*m, 32, 32, 256, 128*m)
	if j := m - 8; m%8 != 0 {
		kern(&dst[8*j], &src[j], 1, 4*m, 32, 32, 256, 128*m)
	}
}

// unseg8By is seg8By the other way, for rows of 8·m samples: one call per
// column of blocks, down every row (the last column overlapping its
// predecessor).
func unseg8By(kern transpose8Kernel, dst, src []float32, m, rows int) {
	if m < 8 {
		unseg8Generic(dst, src, m, rows)
		return
	}
	row := 32 * m // a row's bytes
	for j := 0; j+8 <= m; j += 8 {
		kern(&dst[j], &src[8*j], rows, 32, row, 4*m, row, 0)
	}
	if j := m - 8; m%8 != 0 {
		kern(&dst[j], &src[8*j], rows, 32, row, 4*m, row, 0)
	}
}
