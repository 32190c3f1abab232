package simd

import "fmt"

// The two ends of a 3×3, stride-1 convolution computed the Winograd way,
// F(2×2, 3×3): every 2×2 block of outputs comes from a 4×4 tile of the
// padded input, transformed (V = Bᵀ·d·B), multiplied coefficient by
// coefficient with the transformed weights (sixteen matrix products over
// the channels, which the SGEMM kernels do), and transformed back
// (Y = Aᵀ·M·A): 16 multiply-adds per input/output channel pair instead
// of 36. The transforms only add and subtract, and run on eight tiles of
// one row of tiles at a time. Their input is the padded map split into its
// even and odd columns (Unzip2), so that each of a tile's four columns is
// one plain load for eight tiles at once.
//
//	Bᵀ = | 1  0 -1  0 |     Aᵀ = | 1  1  1  0 |
//	     | 0  1  1  0 |          | 0  1 -1 -1 |
//	     | 0 -1  1  0 |
//	     | 0  1  0 -1 |

// WinogradIn writes the input transforms of n consecutive tiles of chans
// channels. Row i (0..3) of tile k of channel c is, column by column,
//
//	e[c*plane+i*ld+k], o[c*plane+i*ld+k], e[c*plane+i*ld+k+1], o[c*plane+i*ld+k+1]
//
// (e and o are the even and odd columns of padded rows two apart), and
// coefficient ξ = 4r+s (row r, column s of Bᵀ·d·B) goes to
// v[ξ*vx+c*vc+k]. Tiles are done eight at a time: lanes [n, 8⌈n/8⌉) of v
// are written too, with values of no meaning, so a row of tiles is laid
// out left to right and the next call overwrites them; e and o are read
// up to column 8⌈n/8⌉ of each row. Each coefficient is summed in the
// order of the Go twin, so every kernel gives the same bits.
func WinogradIn(v []float32, vx, vc int, e, o []float32, ld, plane, chans, n int) {
	if n <= 0 || chans <= 0 {
		return
	}
	if ld < 0 || plane < 0 {
		panic(fmt.Sprintf("simd: WinogradIn: strides %d %d", ld, plane))
	}
	n8 := (n + 7) / 8 * 8
	winoInCheck("WinogradIn", v, vx, vc, 16, n8, chans, int64(chans-1)*int64(plane)+3*int64(ld)+int64(n8)+1, e, o)
	for k := 0; k < n8; k += 8 {
		winoIn8Fn(v[k:], vx, vc, e[k:], o[k:], ld, plane, chans)
	}
}

// winoInCheck panics unless an input transform of chans channels may read
// need floats of each input (the even and odd halves, or the column
// phases, or the interleaved maps) and write the coefficients coeffs of
// lanes lanes of v, coefficient ξ of channel c at v[ξ*vx+c*vc:]; strides
// must not be negative. It tells the race detector what it reads and
// writes.
func winoInCheck(name string, v []float32, vx, vc, coeffs, lanes, chans int, need int64, in ...[]float32) {
	if vx < 0 || vc < 0 || need < 0 {
		panic(fmt.Sprintf("simd: %s: strides %d %d, %d floats an input", name, vx, vc, need))
	}
	vneed := int64(coeffs-1)*int64(vx) + int64(chans-1)*int64(vc) + int64(lanes)
	for _, p := range in {
		if int64(len(p)) < need {
			panic(fmt.Sprintf("simd: %s: %d channels read %d floats of an input of %d", name, chans, need, len(p)))
		}
		f32RaceRead(p[:need])
	}
	if int64(len(v)) < vneed {
		panic(fmt.Sprintf("simd: %s: %d channels write %d floats of %d", name, chans, vneed, len(v)))
	}
	f32RaceWrite(v[:vneed])
}

// WinogradOut writes the output transforms of n consecutive tiles of chans
// channels, plus bias[c] (nil: none), as rows ≤ 2 output rows of w
// columns, where w is 2n or 2n-1 (a map of odd width ends half way
// through its last tile):
//
//	y[c*yplane+i*ldy+j] for i < rows, j < w
//
// Coefficient ξ of tile k of channel c is m[ξ*mx+c*mc+k]; m is read up to
// lane 8⌈n/8⌉. Nothing else of y is written.
func WinogradOut(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, n, w, rows int) {
	if n <= 0 || chans <= 0 {
		return
	}
	winoOutCheck("WinogradOut", 2, y, ldy, yplane, m, mx, mc, bias, chans, n, w, rows)
	for k := 0; k < n; k += 8 {
		winoOut8Fn(y[2*k:], ldy, yplane, m[k:], mx, mc, bias, chans, min(16, w-2*k), rows)
	}
}

// winoOutCheck panics unless the output transform of n tiles of r×r
// outputs (WinogradOut, WinogradOut4) may write rows rows of w columns of
// each channel of y and read m, and tells the race detector what it reads
// and writes.
func winoOutCheck(name string, r int, y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, n, w, rows int) {
	if w < r*n-r+1 || w > r*n || rows < 1 || rows > r || ldy < w || yplane < 0 || mx < 0 || mc < 0 {
		panic(fmt.Sprintf("simd: %s: %d tiles as %d rows of %d, ldy %d, plane %d, strides %d %d", name, n, rows, w, ldy, yplane, mx, mc))
	}
	n8 := (n + 7) / 8 * 8
	yneed := int64(chans-1)*int64(yplane) + int64(rows-1)*int64(ldy) + int64(w)
	mneed := int64((r+2)*(r+2)-1)*int64(mx) + int64(chans-1)*int64(mc) + int64(n8)
	if int64(len(y)) < yneed || int64(len(m)) < mneed || (bias != nil && len(bias) < chans) {
		panic(fmt.Sprintf("simd: %s: %d tiles of %d channels write %d floats of %d, read %d of %d, bias %d",
			name, n, chans, yneed, len(y), mneed, len(m), len(bias)))
	}
	f32RaceRead(m[:mneed])
	if raceEnabled {
		for c := 0; c < chans; c++ {
			for i := 0; i < rows; i++ {
				f32RaceWrite(y[c*yplane+i*ldy : c*yplane+i*ldy+w])
			}
		}
	}
}

// WinogradIn2 is WinogradIn for maps whose rows hold at most four tiles
// (7 or 8 columns of output), which would leave half of WinogradIn's
// eight lanes empty: it transforms two rows of tiles at once. Lanes 0..3
// are tiles 0..3 of the row of tiles whose padded rows start at e and o
// (as in WinogradIn, row i of tile k of channel c at e[c*plane+i*ld+k]),
// lanes 4..7 tiles 0..3 of the next row of tiles, two padded rows down;
// coefficient ξ of lane k goes to v[ξ*vx+c*vc+k]. Lanes past the map's
// tiles are written with values of no meaning. Rows 0..5 of each plane
// are read, columns 0..4.
func WinogradIn2(v []float32, vx, vc int, e, o []float32, ld, plane, chans int) {
	if chans <= 0 {
		return
	}
	if ld < 0 || plane < 0 {
		panic(fmt.Sprintf("simd: WinogradIn2: strides %d %d", ld, plane))
	}
	winoInCheck("WinogradIn2", v, vx, vc, 16, 8, chans, int64(chans-1)*int64(plane)+5*int64(ld)+5, e, o)
	winoIn2Fn(v, vx, vc, e, o, ld, plane, chans)
}

// WinogradOut2 is WinogradOut for the lanes WinogradIn2 lays out: lanes
// 0..3 give rows0 (1 or 2) output rows of w (at most 8) columns at y,
// lanes 4..7 rows1 (0, 1 or 2) more from two output rows down, plus
// bias[c] (nil: none). Nothing else of y is written.
func WinogradOut2(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int) {
	if chans <= 0 {
		return
	}
	winoOut2Check("WinogradOut2", 2, y, ldy, yplane, m, mx, mc, bias, chans, w, rows0, rows1)
	winoOut2Fn(y, ldy, yplane, m, mx, mc, bias, chans, w, rows0, rows1)
}

// winoOut2Check panics unless the output transform of two rows of tiles
// of r×r outputs, four tiles wide (WinogradOut2, WinogradOut4x2), may
// write rows0 rows of w columns and rows1 more r rows down in each
// channel of y and read m, and tells the race detector what it reads and
// writes.
func winoOut2Check(name string, r int, y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int) {
	if w < 1 || w > 4*r || rows0 < 1 || rows0 > r || rows1 < 0 || rows1 > r || (rows1 > 0 && rows0 < r) || ldy < w || yplane < 0 || mx < 0 || mc < 0 {
		panic(fmt.Sprintf("simd: %s: rows %d and %d of %d, ldy %d, plane %d, strides %d %d", name, rows0, rows1, w, ldy, yplane, mx, mc))
	}
	last := rows0 - 1
	if rows1 > 0 {
		last = r - 1 + rows1
	}
	yneed := int64(chans-1)*int64(yplane) + int64(last)*int64(ldy) + int64(w)
	mneed := int64((r+2)*(r+2)-1)*int64(mx) + int64(chans-1)*int64(mc) + 8
	if int64(len(y)) < yneed || int64(len(m)) < mneed || (bias != nil && len(bias) < chans) {
		panic(fmt.Sprintf("simd: %s: %d channels write %d floats of %d, read %d of %d, bias %d",
			name, chans, yneed, len(y), mneed, len(m), len(bias)))
	}
	f32RaceRead(m[:mneed])
	if raceEnabled {
		for c := 0; c < chans; c++ {
			for i := 0; i <= last; i++ {
				if i < rows0 || (i >= r && i < r+rows1) {
					f32RaceWrite(y[c*yplane+i*ldy : c*yplane+i*ldy+w])
				}
			}
		}
	}
}

// WinogradOutPool is WinogradOut followed by max pooling with 2×2
// windows at stride 2 (MaxPool2x2) where each tile is one window: the n
// tiles of a row in m give one value each, written at y[c*yplane+k],
//
//	v = Max(Max(y00, y10), Max(y01, y11)), or Max(v, 0) with relu
//
// with yij the tile's output (i, j) plus bias[c] (nil: none) and Max as
// in MaxPool2x2: the bits of WinogradOut then MaxPool2x2, without writing
// the four times larger map or reading it back.
func WinogradOutPool(y []float32, yplane int, m []float32, mx, mc int, bias []float32, chans, n int, relu bool) {
	if n <= 0 || chans <= 0 {
		return
	}
	if yplane < 0 || mx < 0 || mc < 0 {
		panic(fmt.Sprintf("simd: WinogradOutPool: plane %d, strides %d %d", yplane, mx, mc))
	}
	n8 := (n + 7) / 8 * 8
	yneed := int64(chans-1)*int64(yplane) + int64(n)
	mneed := 15*int64(mx) + int64(chans-1)*int64(mc) + int64(n8)
	if int64(len(y)) < yneed || int64(len(m)) < mneed || (bias != nil && len(bias) < chans) {
		panic(fmt.Sprintf("simd: WinogradOutPool: %d tiles of %d channels write %d floats of %d, read %d of %d, bias %d",
			n, chans, yneed, len(y), mneed, len(m), len(bias)))
	}
	f32RaceRead(m[:mneed])
	if raceEnabled {
		for c := 0; c < chans; c++ {
			f32RaceWrite(y[c*yplane : c*yplane+n])
		}
	}
	for k := 0; k < n; k += 8 {
		winoOutPoolFn(y[k:], 0, yplane, m[k:], mx, mc, bias, chans, min(8, n-k), 0, relu)
	}
}

// WinogradOut2Pool is WinogradOutPool for the lanes WinogradIn2 lays out:
// lanes 0..3 give w (at most 4) values at y, and with rows 2 lanes 4..7
// w more at y[ldy:], the pooled row below.
func WinogradOut2Pool(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows int, relu bool) {
	if chans <= 0 {
		return
	}
	if w < 1 || w > 4 || rows < 1 || rows > 2 || ldy < w || yplane < 0 || mx < 0 || mc < 0 {
		panic(fmt.Sprintf("simd: WinogradOut2Pool: %d rows of %d, ldy %d, plane %d, strides %d %d", rows, w, ldy, yplane, mx, mc))
	}
	yneed := int64(chans-1)*int64(yplane) + int64(rows-1)*int64(ldy) + int64(w)
	mneed := 15*int64(mx) + int64(chans-1)*int64(mc) + 8
	if int64(len(y)) < yneed || int64(len(m)) < mneed || (bias != nil && len(bias) < chans) {
		panic(fmt.Sprintf("simd: WinogradOut2Pool: %d channels write %d floats of %d, read %d of %d, bias %d",
			chans, yneed, len(y), mneed, len(m), len(bias)))
	}
	f32RaceRead(m[:mneed])
	if raceEnabled {
		for c := 0; c < chans; c++ {
			for i := 0; i < rows; i++ {
				f32RaceWrite(y[c*yplane+i*ldy : c*yplane+i*ldy+w])
			}
		}
	}
	winoOutPoolFn(y, ldy, yplane, m, mx, mc, bias, chans, w, w*(rows-1), relu)
}

// WinogradVectorised reports whether the active level runs the transforms
// in vector kernels rather than their Go twins.
func WinogradVectorised() bool {
	return winoInFamily.chosenName() != "generic" && winoOutFamily.chosenName() != "generic"
}

var (
	winoIn8Fn  func(v []float32, vx, vc int, e, o []float32, ld, plane, chans int)
	winoOut8Fn func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows int)
	winoIn2Fn  func(v []float32, vx, vc int, e, o []float32, ld, plane, chans int)
	winoOut2Fn func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int)
	// winoOutPoolFn writes lanes [0, w0) of each channel's pooled tiles
	// at y[c*yplane:] and lanes [4, 4+w1) at y[c*yplane+ldy:] (w1 > 0
	// only with w0 ≤ 4).
	winoOutPoolFn func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w0, w1 int, relu bool)
)

var (
	winoInFamily   = newFamily("winograd_in", &winoIn8Fn, winoIn8Generic, winoInArch...)
	winoOutFamily  = newFamily("winograd_out", &winoOut8Fn, winoOut8Generic, winoOutArch...)
	winoIn2Family  = newFamily("winograd_in2", &winoIn2Fn, winoIn2Generic, winoIn2Arch...)
	winoOut2Family = newFamily("winograd_out2", &winoOut2Fn, winoOut2Generic, winoOut2Arch...)
	winoPoolFamily = newFamily("winograd_out_pool", &winoOutPoolFn, winoOutPoolGeneric, winoOutPoolArch...)
)

// winoIn8Generic is the Go twin of WinogradIn for eight tiles, in the
// order every kernel sums: each row of the tile first (d·B), then the
// rows (Bᵀ·).
func winoIn8Generic(v []float32, vx, vc int, e, o []float32, ld, plane, chans int) {
	for c := 0; c < chans; c++ {
		for k := 0; k < 8; k++ {
			winoInTile(v, vx, c*vc+k, e, o, c*plane+k, ld)
		}
	}
}

// winoIn2Generic is the Go twin of WinogradIn2.
func winoIn2Generic(v []float32, vx, vc int, e, o []float32, ld, plane, chans int) {
	for c := 0; c < chans; c++ {
		for k := 0; k < 8; k++ {
			winoInTile(v, vx, c*vc+k, e, o, c*plane+(k/4)*2*ld+k%4, ld)
		}
	}
}

// winoInTile transforms the tile whose row i is at e[r+i*ld], o[r+i*ld],
// e[r+i*ld+1], o[r+i*ld+1] into v[ξ*vx+at].
func winoInTile(v []float32, vx, at int, e, o []float32, r, ld int) {
	var t [4][4]float32
	for i := range t {
		d0, d1, d2, d3 := e[r+i*ld], o[r+i*ld], e[r+i*ld+1], o[r+i*ld+1]
		t[i] = [4]float32{d0 - d2, d1 + d2, d2 - d1, d1 - d3}
	}
	for s := 0; s < 4; s++ {
		v[s*vx+at] = t[0][s] - t[2][s]
		v[(4+s)*vx+at] = t[1][s] + t[2][s]
		v[(8+s)*vx+at] = t[2][s] - t[1][s]
		v[(12+s)*vx+at] = t[1][s] - t[3][s]
	}
}

// winoOut8Generic is the Go twin of WinogradOut for eight tiles (w ≤ 16
// columns): the columns of M first (Aᵀ·), then its rows, then the bias.
func winoOut8Generic(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows int) {
	winoOutLanes(2, winoOutTile, y, ldy, yplane, m, mx, mc, bias, chans, w, rows, 0, false)
}

// winoOut2Generic is the Go twin of WinogradOut2.
func winoOut2Generic(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int) {
	winoOutLanes(2, winoOutTile, y, ldy, yplane, m, mx, mc, bias, chans, w, rows0, rows1, true)
}

// winoOutLanes transforms eight lanes of tiles of r×r outputs back with
// tile (winoOutTile, winoOut4Tile): a row of eight tiles, w columns of
// rows0 rows; or, with pairs, lanes 0..3 as such a row four tiles wide
// and lanes 4..7 as rows1 rows more, r rows down.
func winoOutLanes(r int, tile func(y []float32, ldy int, m []float32, mx, at int, b float32, cols, rows int),
	y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int, pairs bool) {
	for c := 0; c < chans; c++ {
		b := winoBias(bias, c)
		for k := 0; r*k < w; k++ {
			tile(y[c*yplane+r*k:], ldy, m, mx, c*mc+k, b, min(r, w-r*k), rows0)
			if pairs && rows1 > 0 {
				tile(y[c*yplane+r*ldy+r*k:], ldy, m, mx, c*mc+4+k, b, min(r, w-r*k), rows1)
			}
		}
	}
}

// winoOutPoolGeneric is the Go twin of the pooling output transforms:
// each tile's four outputs as winoOutTile sums them, then MaxPool2x2's
// maxima in its order.
func winoOutPoolGeneric(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w0, w1 int, relu bool) {
	for c := 0; c < chans; c++ {
		b := winoBias(bias, c)
		for k := 0; k < w0; k++ {
			y[c*yplane+k] = winoPoolTile(m, mx, c*mc+k, b, relu)
		}
		for k := 0; k < w1; k++ {
			y[c*yplane+ldy+k] = winoPoolTile(m, mx, c*mc+4+k, b, relu)
		}
	}
}

// winoPoolTile is the pooled value of the tile whose coefficient ξ is
// m[ξ*mx+at].
func winoPoolTile(m []float32, mx, at int, b float32, relu bool) float32 {
	var t [4]float32
	winoOutTile(t[:], 2, m, mx, at, b, 2, 2)
	v := fmaxNaN(fmaxNaN(t[0], t[2]), fmaxNaN(t[1], t[3]))
	if relu {
		v = fmaxNaN(v, 0)
	}
	return v
}

func winoBias(bias []float32, c int) float32 {
	if bias == nil {
		return 0
	}
	return bias[c]
}

// winoOutTile writes cols (1 or 2) columns of rows (1 or 2) rows of the
// tile whose coefficient ξ is m[ξ*mx+at], plus b, at y[i*ldy+j].
func winoOutTile(y []float32, ldy int, m []float32, mx, at int, b float32, cols, rows int) {
	var s [2][4]float32
	for j := 0; j < 4; j++ {
		m0, m1, m2, m3 := m[j*mx+at], m[(4+j)*mx+at], m[(8+j)*mx+at], m[(12+j)*mx+at]
		s[0][j] = m0 + m1 + m2
		s[1][j] = m1 - m2 - m3
	}
	for i := 0; i < rows; i++ {
		r := s[i]
		y[i*ldy] = r[0] + r[1] + r[2] + b
		if cols > 1 {
			y[i*ldy+1] = r[1] - r[2] - r[3] + b
		}
	}
}
