package simd

import "fmt"

// Lane-segmented rows. A row of 8·m samples is held lane-segmented when
// its eight stretches of m samples lie in the eight lanes of m vectors:
// vector j holds samples j, m+j, 2m+j, …, 7m+j. Along such a row a sample's
// neighbours are in the same lane of the neighbouring vectors, so the
// lifting steps along a row need no shuffles: each step is one addition and
// one multiply-add of whole vectors, with no sample computed twice. Only the
// four samples past each stretch's ends come from the neighbouring lane (a
// rotation of the lanes; periodization makes the last lane's neighbour the
// first). The even and odd samples of such a row are its even and odd
// vectors, so a row's low and high bands come out lane-segmented too, half
// as long: a packet transform can stay in the layout through all its levels
// and leave it only at the end.

// Seg8 writes the row src of 8·m samples to dst lane-segmented:
// dst[8j+l] = src[l·m+j]. The vector kernels also ask for the cache lines
// four rows past src, where a frame's next rows lie (a hint: nothing there
// is read, so any memory may follow src).
func Seg8(dst, src []float32) { transposeRow("Seg8", seg8Fn, dst, src) }

// Unseg8 is Seg8's inverse: dst[l·m+j] = src[8j+l].
func Unseg8(dst, src []float32) {
	if len(src) == 0 {
		return
	}
	unseg8Rows("Unseg8", dst, src, len(src))
}

// Unseg8Rows is Unseg8 on each row of w samples of src (w a multiple of
// 8): a block of rows in a few kernel calls, where a plane's rows of a
// hundred samples each cost a call or two apiece.
func Unseg8Rows(dst, src []float32, w int) { unseg8Rows("Unseg8Rows", dst, src, w) }

func unseg8Rows(name string, dst, src []float32, w int) {
	if w <= 0 || w%8 != 0 || len(src)%w != 0 || len(dst) < len(src) {
		panic(fmt.Sprintf("simd: %s: %d samples in rows of %d into %d", name, len(src), w, len(dst)))
	}
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	f32RaceRead(src)
	f32RaceWrite(dst)
	unseg8Fn(dst, src, w/8, len(src)/w)
}

// transposeRow checks a row for Seg8 and runs its kernel.
func transposeRow(name string, kern func(dst, src []float32, m int), dst, src []float32) {
	if len(src)%8 != 0 || len(dst) < len(src) {
		panic(fmt.Sprintf("simd: %s: %d samples into %d", name, len(src), len(dst)))
	}
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	f32RaceRead(src)
	f32RaceWrite(dst)
	kern(dst, src, len(src)/8)
}

var seg8Fn func(dst, src []float32, m int)

var unseg8Fn func(dst, src []float32, m, rows int)

var (
	seg8Family   = newFamily("seg8", &seg8Fn, seg8Generic, seg8Arch...)
	unseg8Family = newFamily("unseg8", &unseg8Fn, unseg8Generic, unseg8Arch...)
)

// seg8Generic is the Go twin of Seg8.
func seg8Generic(dst, src []float32, m int) {
	for l := range 8 {
		for j, v := range src[l*m : (l+1)*m] {
			dst[8*j+l] = v
		}
	}
}

// unseg8Generic is the Go twin of Unseg8Rows.
func unseg8Generic(dst, src []float32, m, rows int) {
	for r := range rows {
		d, s := dst[8*m*r:8*m*(r+1)], src[8*m*r:8*m*(r+1)]
		for l := range 8 {
			row := d[l*m : (l+1)*m]
			for j := range row {
				row[j] = s[8*j+l]
			}
		}
	}
}

// Lift97SegRows is Lift97Rows on lane-segmented rows: each row of w
// samples of src (w a multiple of 16 and at least 32) is a natural row x
// lane-segmented, and dst's row gets the low band of x's lifting steps,
// then its high band, each lane-segmented (w/2 samples apiece). The bands
// are those Lift97Row computes, the same sums in the same order; the
// periodic halos are lane rotations, so there is no scratch.
func Lift97SegRows(dst, src []float32, w int, c *[4]float32) {
	if w < 32 || w%16 != 0 || len(src)%w != 0 || len(dst) < len(src) {
		panic(fmt.Sprintf("simd: Lift97SegRows: %d samples in rows of %d into %d", len(src), w, len(dst)))
	}
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	f32RaceRead(src)
	f32RaceWrite(dst)
	lift97SegRowsFn(dst, src, w, c)
}

var lift97SegRowsFn func(dst, src []float32, w int, c *[4]float32)

var lift97SegRowsFamily = newFamily("lift97segrows", &lift97SegRowsFn, lift97SegRowsGeneric, lift97SegRowsArch...)

// lift97SegRowsGeneric is the Go twin of Lift97SegRows.
func lift97SegRowsGeneric(dst, src []float32, w int, c *[4]float32) {
	for r := 0; r < len(src); r += w {
		lift97SegRowGeneric(dst[r:r+w/2], dst[r+w/2:r+w], src[r:r+w], c)
	}
}

// lift97SegRowGeneric lifts one row: each lane as lift97StepsGeneric lifts
// a split row, the samples past its stretch taken from the neighbouring
// lanes.
func lift97SegRowGeneric(lo, hi, x []float32, c *[4]float32) {
	n := len(x) / 16
	a, b, g, d := c[0], c[1], c[2], c[3]
	for l := range 8 {
		// at is the lane's even (p = 0) or odd (p = 1) sample j, for j in
		// [-2, n+2).
		at := func(j, p int) float32 {
			ll := l
			switch {
			case j < 0:
				j, ll = j+n, (l+7)%8
			case j >= n:
				j, ll = j-n, (l+1)%8
			}
			return x[8*(2*j+p)+ll]
		}
		d1m2 := at(-2, 1) + a*(at(-2, 0)+at(-1, 0))
		d1m1 := at(-1, 1) + a*(at(-1, 0)+at(0, 0))
		d10 := at(0, 1) + a*(at(0, 0)+at(1, 0))
		s1m1 := at(-1, 0) + b*(d1m2+d1m1)
		s1 := at(0, 0) + b*(d1m1+d10)
		d2p := d1m1 + g*(s1m1+s1)
		d1 := d10
		for k := range n {
			d1n := at(k+1, 1) + a*(at(k+1, 0)+at(k+2, 0))
			s1n := at(k+1, 0) + b*(d1+d1n)
			d2 := d1 + g*(s1+s1n)
			lo[8*k+l], hi[8*k+l] = s1+d*(d2p+d2), d2
			d1, s1, d2p = d1n, s1n, d2
		}
	}
}

// Lift97SegVectorised reports whether the active level runs the
// lane-segmented row pass and its transpositions in vector kernels.
func Lift97SegVectorised() bool {
	return lift97SegRowsFamily.chosenName() != "generic" && seg8Family.chosenName() != "generic" &&
		unseg8Family.chosenName() != "generic"
}
