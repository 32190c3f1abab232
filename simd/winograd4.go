package simd

import "fmt"

// The F(4×4, 3×3) Winograd transforms: every 4×4 block of outputs comes
// from a 6×6 tile of the padded input, and costs 36 multiply-adds per
// input/output channel pair instead of 144 (F(2×2, 3×3) needs 64 for the
// same sixteen outputs). Tiles are read from the padded map split into its
// four column phases (Unzip4 of a row, or Unzip2 twice), so that each of a
// tile's six columns is one plain load for eight tiles along a row.
//
//	Bᵀ = | 4  0 -5  0  1  0 |     Aᵀ = | 1  1  1  1  1  0 |
//	     | 0 -4 -4  1  1  0 |          | 0  1 -1  2 -2  0 |
//	     | 0  4 -4 -1  1  0 |          | 0  1  1  4  4  0 |
//	     | 0 -2 -1  2  1  0 |          | 0  1 -1  8 -8  1 |
//	     | 0  2 -1 -2  1  0 |
//	     | 0  4  0 -5  0  1 |
//
// Both transforms multiply only by powers of two, which is exact, and add:
// each kernel sums in the order of its Go twin, so all give the same bits.

// WinogradIn4 writes the input transforms of n consecutive tiles of chans
// channels. Row i (0..5) of tile k of channel c is columns 4k..4k+5 of a
// padded row, read from the map's column phases (column 4j+s of padded row
// r of channel c at ps[c*plane+r*ld+j], ps = p0..p3 for s = 0..3):
//
//	p0[a+k], p1[a+k], p2[a+k], p3[a+k], p0[a+k+1], p1[a+k+1]   (a = c*plane+i*ld)
//
// and coefficient ξ = 6r+s of Bᵀ·d·B goes to v[ξ*vx+c*vc+k]. Tiles are done
// eight at a time: lanes [n, 8⌈n/8⌉) of v are written with values of no
// meaning, and the phases are read up to column 8⌈n/8⌉ of each row.
func WinogradIn4(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans, n int) {
	if n <= 0 || chans <= 0 {
		return
	}
	if ld < 0 || plane < 0 {
		panic(fmt.Sprintf("simd: WinogradIn4: strides %d %d", ld, plane))
	}
	n8 := (n + 7) / 8 * 8
	winoInCheck("WinogradIn4", v, vx, vc, 36, n8, chans, int64(chans-1)*int64(plane)+5*int64(ld)+int64(n8)+1, p0, p1, p2, p3)
	for k := 0; k < n8; k += 8 {
		winoIn4Fn(v[k:], vx, vc, p0[k:], p1[k:], p2[k:], p3[k:], ld, plane, chans)
	}
}

// WinogradOut4 writes the output transforms of n consecutive tiles of
// chans channels, plus bias[c] (nil: none), as rows (1..4) output rows of w
// columns (4n-3 ≤ w ≤ 4n: a map ends within its last tile):
//
//	y[c*yplane+i*ldy+j] for i < rows, j < w
//
// Coefficient ξ of tile k of channel c is m[ξ*mx+c*mc+k]; m is read up to
// lane 8⌈n/8⌉. Nothing else of y is written.
func WinogradOut4(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, n, w, rows int) {
	if n <= 0 || chans <= 0 {
		return
	}
	winoOutCheck("WinogradOut4", 4, y, ldy, yplane, m, mx, mc, bias, chans, n, w, rows)
	for k := 0; k < n; k += 8 {
		winoOut4Fn(y[4*k:], ldy, yplane, m[k:], mx, mc, bias, chans, min(32, w-4*k), rows)
	}
}

// WinogradIn4x2 is WinogradIn4 for maps whose rows hold at most four
// tiles (13 to 16 columns of output), which would leave half of the eight
// lanes empty: lanes 0..3 are tiles 0..3 of the row of tiles whose padded
// rows start at the phases given, lanes 4..7 tiles 0..3 of the next row
// of tiles, four padded rows down. Rows 0..9 of each phase plane are read,
// columns 0..4; lanes past the map's tiles are written with values of no
// meaning.
func WinogradIn4x2(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int) {
	if chans <= 0 {
		return
	}
	if ld < 0 || plane < 0 {
		panic(fmt.Sprintf("simd: WinogradIn4x2: strides %d %d", ld, plane))
	}
	winoInCheck("WinogradIn4x2", v, vx, vc, 36, 8, chans, int64(chans-1)*int64(plane)+9*int64(ld)+5, p0, p1, p2, p3)
	winoIn4x2Fn(v, vx, vc, p0, p1, p2, p3, ld, plane, chans)
}

// WinogradOut4x2 is WinogradOut4 for the lanes WinogradIn4x2 lays out:
// lanes 0..3 give rows0 (1..4) output rows of w (at most 16) columns at y,
// lanes 4..7 rows1 (0..rows0) more from four output rows down, plus
// bias[c] (nil: none). Nothing else of y is written.
func WinogradOut4x2(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int) {
	if chans <= 0 {
		return
	}
	winoOut2Check("WinogradOut4x2", 4, y, ldy, yplane, m, mx, mc, bias, chans, w, rows0, rows1)
	winoOut4x2Fn(y, ldy, yplane, m, mx, mc, bias, chans, w, rows0, rows1)
}

// WinogradOut4x2Pool is WinogradOut4x2 followed by max pooling with 2×2
// windows at stride 2 (MaxPool2x2), with relu the pooled values maxed with
// zero: each tile gives a 2×2 block of pooled values, the bits of
// WinogradOut4x2 then MaxPool2x2. Lanes 0..3 give rows0 (1 or 2) pooled
// rows of w (at most 8) columns at y, lanes 4..7 rows1 (0..2) more from two
// pooled rows down. Nothing else of y is written.
func WinogradOut4x2Pool(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int, relu bool) {
	if chans <= 0 {
		return
	}
	if w < 1 || w > 8 || rows0 < 1 || rows0 > 2 || rows1 < 0 || rows1 > 2 || (rows1 > 0 && rows0 < 2) || ldy < w || yplane < 0 || mx < 0 || mc < 0 {
		panic(fmt.Sprintf("simd: WinogradOut4x2Pool: rows %d and %d of %d, ldy %d, plane %d, strides %d %d", rows0, rows1, w, ldy, yplane, mx, mc))
	}
	last := rows0 - 1
	if rows1 > 0 {
		last = 1 + rows1
	}
	yneed := int64(chans-1)*int64(yplane) + int64(last)*int64(ldy) + int64(w)
	mneed := 35*int64(mx) + int64(chans-1)*int64(mc) + 8
	if int64(len(y)) < yneed || int64(len(m)) < mneed || (bias != nil && len(bias) < chans) {
		panic(fmt.Sprintf("simd: WinogradOut4x2Pool: %d channels write %d floats of %d, read %d of %d, bias %d",
			chans, yneed, len(y), mneed, len(m), len(bias)))
	}
	f32RaceRead(m[:mneed])
	if raceEnabled {
		for c := 0; c < chans; c++ {
			for i := 0; i <= last; i++ {
				if i < rows0 || (i >= 2 && i < 2+rows1) {
					f32RaceWrite(y[c*yplane+i*ldy : c*yplane+i*ldy+w])
				}
			}
		}
	}
	winoOut4PoolFn(y, ldy, yplane, m, mx, mc, bias, chans, w, rows0, rows1, relu)
}

// WinogradIn4x4 is WinogradIn4 for maps two 4×4 tiles wide and tall (5 to
// 8 outputs a side), whose rows of two tiles would leave six of the eight
// lanes empty: lanes 2g and 2g+1 are tiles 0 and 1 of the row of tiles
// whose padded rows start off[g] floats past the phases given (off[0] is
// 0; the image's second row of tiles, the next image's first and second
// are the usual others). Rows 0..5 of each, columns 0..2, are read.
func WinogradIn4x4(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int, off [4]int) {
	if chans <= 0 {
		return
	}
	if ld < 0 || plane < 0 || off[0] != 0 || off[1] < 0 || off[2] < 0 || off[3] < 0 {
		panic(fmt.Sprintf("simd: WinogradIn4x4: strides %d %d, offsets %v", ld, plane, off))
	}
	need := int64(max(off[1], off[2], off[3])) + int64(chans-1)*int64(plane) + 5*int64(ld) + 3
	winoInCheck("WinogradIn4x4", v, vx, vc, 36, 8, chans, need, p0, p1, p2, p3)
	winoIn4x4Fn(v, vx, vc, p0, p1, p2, p3, ld, plane, chans, off)
}

// WinogradOut4x4 is WinogradOut4 for the lanes WinogradIn4x4 lays out:
// group g (lanes 2g, 2g+1) writes rows[g] (0..4; rows[0] the most) output
// rows of w (at most 8) columns off[g] floats past y (off[0] is 0), plus
// bias[c] (nil: none). Nothing else of y is written.
func WinogradOut4x4(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int) {
	winoOut4x4Check("WinogradOut4x4", y, ldy, yplane, m, mx, mc, bias, chans, w, 8, off, rows, 4)
	if chans > 0 {
		winoOut4x4Fn(y, ldy, yplane, m, mx, mc, bias, chans, w, off, rows)
	}
}

// WinogradOut4x4Pool is WinogradOut4x4 followed by max pooling with 2×2
// windows at stride 2 (MaxPool2x2), with relu the pooled values maxed with
// zero: group g writes rows[g] (0..2) pooled rows of w (at most 4)
// columns off[g] floats past y, the bits of WinogradOut4x4 then
// MaxPool2x2.
func WinogradOut4x4Pool(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int, relu bool) {
	winoOut4x4Check("WinogradOut4x4Pool", y, ldy, yplane, m, mx, mc, bias, chans, w, 4, off, rows, 2)
	if chans > 0 {
		winoOut4PoolQuadFn(y, ldy, yplane, m, mx, mc, bias, chans, w, off, rows, relu)
	}
}

// winoOut4x4Check panics unless WinogradOut4x4 (or its pooling form, at
// most maxW columns and maxRows rows a group) may write y and read m.
func winoOut4x4Check(name string, y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, maxW int, off, rows [4]int, maxRows int) {
	if chans <= 0 {
		return
	}
	ok := w >= 1 && w <= maxW && ldy >= w && yplane >= 0 && mx >= 0 && mc >= 0 && off[0] == 0 && rows[0] >= 1
	for g := range rows {
		ok = ok && off[g] >= 0 && rows[g] >= 0 && rows[g] <= rows[0] && rows[g] <= maxRows
	}
	if !ok {
		panic(fmt.Sprintf("simd: %s: %v rows of %d at %v, ldy %d, plane %d, strides %d %d", name, rows, w, off, ldy, yplane, mx, mc))
	}
	var yneed int64
	for g := range rows {
		if rows[g] > 0 {
			yneed = max(yneed, int64(off[g])+int64(chans-1)*int64(yplane)+int64(rows[g]-1)*int64(ldy)+int64(w))
		}
	}
	mneed := 35*int64(mx) + int64(chans-1)*int64(mc) + 8
	if int64(len(y)) < yneed || int64(len(m)) < mneed || (bias != nil && len(bias) < chans) {
		panic(fmt.Sprintf("simd: %s: %d channels write %d floats of %d, read %d of %d, bias %d",
			name, chans, yneed, len(y), mneed, len(m), len(bias)))
	}
	f32RaceRead(m[:mneed])
	if raceEnabled {
		for c := 0; c < chans; c++ {
			for g := range rows {
				for i := 0; i < rows[g]; i++ {
					at := off[g] + c*yplane + i*ldy
					f32RaceWrite(y[at : at+w])
				}
			}
		}
	}
}

var (
	winoIn4Fn    func(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int)
	winoOut4Fn   func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows int)
	winoIn4x2Fn  func(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int)
	winoOut4x2Fn func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int)
	// winoOut4PoolFn is WinogradOut4x2Pool's kernel.
	winoOut4PoolFn     func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int, relu bool)
	winoIn4x4Fn        func(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int, off [4]int)
	winoOut4x4Fn       func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int)
	winoOut4PoolQuadFn func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int, relu bool)
)

var (
	winoIn4Family    = newFamily("winograd4_in", &winoIn4Fn, winoIn4Generic, winoIn4Arch...)
	winoOut4Family   = newFamily("winograd4_out", &winoOut4Fn, winoOut4Generic, winoOut4Arch...)
	winoIn4x2Family  = newFamily("winograd4_in2", &winoIn4x2Fn, winoIn4x2Generic, winoIn4x2Arch...)
	winoOut4x2Family = newFamily("winograd4_out2", &winoOut4x2Fn, winoOut4x2Generic, winoOut4x2Arch...)
	winoOut4PoolFam  = newFamily("winograd4_out2_pool", &winoOut4PoolFn, winoOut4PoolGeneric, winoOut4PoolArch...)
	winoIn4x4Family  = newFamily("winograd4_in4", &winoIn4x4Fn, winoIn4x4Generic, winoIn4x4Arch...)
	winoOut4x4Family = newFamily("winograd4_out4", &winoOut4x4Fn, winoOut4x4Generic, winoOut4x4Arch...)
	winoOut4PoolQuad = newFamily("winograd4_out4_pool", &winoOut4PoolQuadFn, winoOut4PoolQuadGeneric, winoOut4PoolQuadArch...)
)

// Winograd4Vectorised reports whether the active level runs the F(4×4,
// 3×3) transforms in vector kernels rather than their Go twins.
func Winograd4Vectorised() bool {
	return winoIn4Family.chosenName() != "generic" && winoOut4Family.chosenName() != "generic"
}

// bt6 is Bᵀ applied to d0..d5, in the order every kernel sums: the
// products by 4 and 2 are exact, each sum rounds once.
func bt6(d0, d1, d2, d3, d4, d5 float32) (t0, t1, t2, t3, t4, t5 float32) {
	f2, f1, f3 := float32(4*d2), float32(4*d1), float32(4*d3)
	a := d4 - f2
	b := d3 - f1
	c := d4 - d2
	e := d3 - d1
	e = e + e
	t0 = (a - d2) + float32(4*d0)
	t1 = a + b
	t2 = a - b
	t3 = c + e
	t4 = c - e
	t5 = ((d5 - f3) - d3) + f1
	return
}

// at6 is Aᵀ applied to m0..m5, in the order every kernel sums.
func at6(m0, m1, m2, m3, m4, m5 float32) (y0, y1, y2, y3 float32) {
	p, q := m1+m2, m1-m2
	r, s := m3+m4, m3-m4
	y0 = (m0 + p) + r
	y1 = q + (s + s)
	y2 = p + float32(4*r)
	y3 = (q + float32(8*s)) + m5
	return
}

// winoIn4Generic is the Go twin of WinogradIn4 for eight tiles.
func winoIn4Generic(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int) {
	for c := 0; c < chans; c++ {
		for k := 0; k < 8; k++ {
			winoIn4Tile(v, vx, c*vc+k, p0, p1, p2, p3, c*plane+k, ld)
		}
	}
}

// winoIn4x2Generic is the Go twin of WinogradIn4x2.
func winoIn4x2Generic(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int) {
	for c := 0; c < chans; c++ {
		for k := 0; k < 8; k++ {
			winoIn4Tile(v, vx, c*vc+k, p0, p1, p2, p3, c*plane+(k/4)*4*ld+k%4, ld)
		}
	}
}

// winoIn4Tile transforms the tile whose row i starts at phase column
// a+i*ld into v[ξ*vx+at].
func winoIn4Tile(v []float32, vx, at int, p0, p1, p2, p3 []float32, a, ld int) {
	var d [6][6]float32
	for i := 0; i < 6; i++ {
		b := a + i*ld
		d[i] = [6]float32{p0[b], p1[b], p2[b], p3[b], p0[b+1], p1[b+1]}
	}
	winoIn4Block(v, vx, at, &d)
}

// winoIn4Block transforms the 6×6 tile d into v[ξ*vx+at]: the columns of
// the tile first (Bᵀ·d), then its rows (·B).
func winoIn4Block(v []float32, vx, at int, d *[6][6]float32) {
	var u [6][6]float32
	for j := 0; j < 6; j++ {
		u[0][j], u[1][j], u[2][j], u[3][j], u[4][j], u[5][j] = bt6(d[0][j], d[1][j], d[2][j], d[3][j], d[4][j], d[5][j])
	}
	for r := 0; r < 6; r++ {
		var t [6]float32
		t[0], t[1], t[2], t[3], t[4], t[5] = bt6(u[r][0], u[r][1], u[r][2], u[r][3], u[r][4], u[r][5])
		for s, x := range t {
			v[(6*r+s)*vx+at] = x
		}
	}
}

// winoOut4Generic is the Go twin of WinogradOut4 for eight tiles (w ≤ 32
// columns).
func winoOut4Generic(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows int) {
	winoOutLanes(4, winoOut4Tile, y, ldy, yplane, m, mx, mc, bias, chans, w, rows, 0, false)
}

// winoOut4x2Generic is the Go twin of WinogradOut4x2.
func winoOut4x2Generic(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int) {
	winoOutLanes(4, winoOut4Tile, y, ldy, yplane, m, mx, mc, bias, chans, w, rows0, rows1, true)
}

// winoOut4Tile writes cols (1..4) columns of rows (1..4) rows of the tile
// whose coefficient ξ is m[ξ*mx+at], plus b, at y[i*ldy+j]: the columns of
// M first (Aᵀ·), then its rows, then the bias.
func winoOut4Tile(y []float32, ldy int, m []float32, mx, at int, b float32, cols, rows int) {
	var s [4][6]float32
	for j := 0; j < 6; j++ {
		c := func(r int) float32 { return m[(6*r+j)*mx+at] }
		s[0][j], s[1][j], s[2][j], s[3][j] = at6(c(0), c(1), c(2), c(3), c(4), c(5))
	}
	for i := 0; i < rows; i++ {
		var o [4]float32
		o[0], o[1], o[2], o[3] = at6(s[i][0], s[i][1], s[i][2], s[i][3], s[i][4], s[i][5])
		for j := 0; j < cols; j++ {
			y[i*ldy+j] = o[j] + b
		}
	}
}

// winoOut4PoolGeneric is the Go twin of WinogradOut4x2Pool: each tile's
// sixteen outputs as winoOut4Tile sums them, then MaxPool2x2's maxima in
// its order.
func winoOut4PoolGeneric(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int, relu bool) {
	for c := 0; c < chans; c++ {
		for k := 0; k < 8; k++ {
			col, row0, rows := 2*(k%4), 0, rows0
			if k >= 4 {
				row0, rows = 2, rows1
			}
			if rows == 0 || col >= w {
				continue
			}
			winoPool4Tile(y[c*yplane+row0*ldy+col:], ldy, m, mx, c*mc+k, winoBias(bias, c), min(2, w-col), rows, relu)
		}
	}
}

// winoIn4x4Generic is the Go twin of WinogradIn4x4.
func winoIn4x4Generic(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int, off [4]int) {
	for c := 0; c < chans; c++ {
		for k := 0; k < 8; k++ {
			winoIn4Tile(v, vx, c*vc+k, p0, p1, p2, p3, off[k/2]+c*plane+k%2, ld)
		}
	}
}

// winoOut4x4Generic is the Go twin of WinogradOut4x4.
func winoOut4x4Generic(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int) {
	for c := 0; c < chans; c++ {
		for k := 0; k < 8; k++ {
			g, col := k/2, 4*(k%2)
			if rows[g] > 0 && col < w {
				winoOut4Tile(y[off[g]+c*yplane+col:], ldy, m, mx, c*mc+k, winoBias(bias, c), min(4, w-col), rows[g])
			}
		}
	}
}

// winoOut4PoolQuadGeneric is the Go twin of WinogradOut4x4Pool.
func winoOut4PoolQuadGeneric(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int, relu bool) {
	for c := 0; c < chans; c++ {
		for k := 0; k < 8; k++ {
			g, col := k/2, 2*(k%2)
			if rows[g] == 0 || col >= w {
				continue
			}
			winoPool4Tile(y[off[g]+c*yplane+col:], ldy, m, mx, c*mc+k, winoBias(bias, c), min(2, w-col), rows[g], relu)
		}
	}
}

// winoPool4Tile writes cols (up to 2) columns of rows (up to 2) rows of
// the tile's pooled 2×2 block at y[i*ldy+j]: its sixteen outputs as
// winoOut4Tile sums them, then MaxPool2x2's maxima in its order.
func winoPool4Tile(y []float32, ldy int, m []float32, mx, at int, b float32, cols, rows int, relu bool) {
	var t [16]float32
	winoOut4Tile(t[:], 4, m, mx, at, b, 4, 4)
	for pi := 0; pi < rows; pi++ {
		for pj := 0; pj < cols; pj++ {
			a, d := t[2*pi*4+2*pj:], t[(2*pi+1)*4+2*pj:]
			v := fmaxNaN(fmaxNaN(a[0], d[0]), fmaxNaN(a[1], d[1]))
			if relu {
				v = fmaxNaN(v, 0)
			}
			y[pi*ldy+pj] = v
		}
	}
}
