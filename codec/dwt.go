package codec

import "github.com/edgerun/edgerun/simd"

// One level of the periodized DWT along a contiguous row, and the 2D level
// built from it. Periodization follows pytorch_wavelets' afb1d/sfb1d (which
// equals PyWavelets' mode="periodization"): an odd length n is first
// extended by repeating its last sample, the n' = n+1 samples are treated as
// one period, and each band has n'/2 samples. pytorch_wavelets wraps the
// signal only once, so for lengths below the filter length minus one
// (bior4.4: below 9) its output is not the periodized transform; there this
// package follows PyWavelets, whose result it matches at every length, and
// stays perfectly invertible.

// anaExtLen and synExtLen are the lengths of a polyphase or band buffer of
// m samples with the circular halos the analysis or synthesis terms read.
func (f *Filter) anaExtLen(m int) int { return m + f.anaMax - f.anaMin }
func (f *Filter) synExtLen(m int) int { return m + f.synMax - f.synMin }

// anaRowOffsets is the span of input-row offsets o (input row 2k+o feeds
// output row k) of the vertical analysis filters.
func (f *Filter) anaRowOffsets() (lo, hi int) {
	lo, hi = 2*f.anaMin, 2*f.anaMax+1
	return
}

// rowAnalyze splits x (length n, odd allowed) into lo and hi (each
// m = (n+1)/2 long). ext0 and ext1 are scratch of at least
// max(f.anaExtLen(m), 2m+8) floats (levelScratchLen provides them).
func (f *Filter) rowAnalyze(lo, hi, x, ext0, ext1 []float32) {
	n := len(x)
	m := (n + 1) / 2
	if f.lift {
		lift97Row(lo[:m], hi[:m], x)
		return
	}
	if f.sym97 {
		// The row with a circular halo of four samples on each side.
		xp := ext0[:2*m+8]
		copy(xp[4:], x)
		if n%2 == 1 {
			xp[4+n] = x[n-1] // the odd extension
		}
		per := xp[4 : 4+2*m]
		for i := range 4 {
			xp[i] = per[mod(i-4, 2*m)]
			xp[4+2*m+i] = per[mod(2*m+i, 2*m)]
		}
		firSym97Row(lo[:m], hi[:m], xp, &f.symLo, &f.symHi)
		return
	}
	e0, e1 := ext0[:f.anaExtLen(m)], ext1[:f.anaExtLen(m)]
	// Polyphase components with circular halos: e_p[i-anaMin] = x[2(i mod m)+p].
	base := f.anaMin
	mid0, mid1 := e0[-base:-base+m], e1[-base:-base+m]
	for j := range m - n%2 {
		mid0[j], mid1[j] = x[2*j], x[2*j+1]
	}
	if n%2 == 1 {
		mid0[m-1], mid1[m-1] = x[n-1], x[n-1] // the odd extension
	}
	for i := range e0 {
		if j := i + base; j < 0 || j >= m {
			j = mod(j, m)
			e0[i], e1[i] = mid0[j], mid1[j]
		}
	}
	ext := [2][]float32{e0, e1}
	var c [maxTerms]float32
	var a, b [maxTerms][]float32
	for band, dst := range [2][]float32{lo[:m], hi[:m]} {
		for ti, t := range f.ana[band] {
			c[ti], a[ti], b[ti] = t.c, ext[t.a][t.shA-base:], ext[t.b][t.shB-base:]
		}
		n := len(f.ana[band])
		firSum(dst, c[:n], a[:n], b[:n])
	}
}

// fillSynHalo completes the circular halo of a band buffer whose middle
// ext[-synMin : -synMin+m] already holds the band.
func (f *Filter) fillSynHalo(ext []float32, m int) {
	base := f.synMin
	for i := 0; i < -base; i++ {
		ext[i] = ext[-base+mod(i+base, m)]
	}
	for i := -base + m; i < f.synExtLen(m); i++ {
		ext[i] = ext[-base+mod(i+base, m)]
	}
}

// rowSynthesize rebuilds y (length n = 2m or 2m-1) from the bands held in
// loExt and hiExt (band of length m in the middle, halos filled). t0 and t1
// are scratch of m samples.
func (f *Filter) rowSynthesize(y, loExt, hiExt, t0, t1 []float32, m int) {
	if f.lift {
		lift97SynRow(y, loExt, hiExt, m)
		return
	}
	ext := [2][]float32{loExt, hiExt}
	base := f.synMin
	var c [maxTerms]float32
	var a, b [maxTerms][]float32
	for q, dst := range [2][]float32{t0[:m], t1[:m]} {
		for ti, t := range f.syn[q] {
			c[ti], a[ti], b[ti] = t.c, ext[t.a][t.shA-base:], ext[t.b][t.shB-base:]
		}
		n := len(f.syn[q])
		firSum(dst, c[:n], a[:n], b[:n])
	}
	n := len(y)
	e, o := t0[:m], t1[:m]
	i := 0
	for ; 2*i+1 < n; i++ {
		y[2*i], y[2*i+1] = e[i], o[i]
	}
	if 2*i < n {
		y[2*i] = e[i]
	}
}

// analyze2D runs one 2D level on every h×w plane of src, writing planes of
// ((h+1)/2)×((w+1)/2) to dst in the order plane*4+f, f = LL, LH, HL, HH
// (pytorch_wavelets' names: LH is low-pass along rows and high-pass along
// columns). Rows are filtered first, then columns, as the reference does.
//
// The two directions are fused: horizontally filtered rows go into a small
// ring of about the filter's length in rows, from which the vertical filters
// produce each output row as soon as its inputs are there, so the
// intermediate never leaves the cache and each level reads the image once.
func (f *Filter) analyze2D(dst, src []float32, planes, h, w int, s *scratch2D) {
	ho, wo := (h+1)/2, (w+1)/2
	hext := 2 * ho
	oMin, oMax := f.anaRowOffsets()
	rr := oMax - oMin + 1
	ring := s.ring[:rr*2*wo]
	var c [maxTerms]float32
	var a, b [maxTerms][]float32
	for pl := 0; pl < planes; pl++ {
		in := src[pl*h*w : (pl+1)*h*w]
		var out [4][]float32
		for b := range out {
			off := (pl*4 + b) * ho * wo
			out[b] = dst[off : off+ho*wo]
		}
		if f.lift {
			f.analyze2DLift(out, in, h, w, s)
			continue
		}
		next := oMin
		for k := 0; k < ho; k++ {
			for ; next <= 2*k+oMax; next++ {
				r := mod(next, hext)
				if r >= h {
					r = h - 1 // odd height: the extra row repeats the last
				}
				slot := mod(next-oMin, rr) * 2 * wo
				f.rowAnalyze(ring[slot:slot+wo], ring[slot+wo:slot+2*wo], in[r*w:(r+1)*w], s.e0, s.e1)
			}
			if f.sym97 {
				for half := 0; half < 2; half++ {
					var r [9][]float32
					for o := -4; o <= 4; o++ {
						so := mod(2*k+o-oMin, rr)*2*wo + half*wo
						r[o+4] = ring[so : so+wo]
					}
					firSym97(out[2*half][k*wo:(k+1)*wo], out[2*half+1][k*wo:(k+1)*wo], &r, &f.symLo, &f.symHi)
				}
				continue
			}
			for half := 0; half < 2; half++ { // row-lo, row-hi half of the ring rows
				for cb := 0; cb < 2; cb++ { // column lo, hi
					for ti, t := range f.ana[cb] {
						sa := mod(2*k+2*t.shA+t.a-oMin, rr)*2*wo + half*wo
						sb := mod(2*k+2*t.shB+t.b-oMin, rr)*2*wo + half*wo
						c[ti], a[ti], b[ti] = t.c, ring[sa:sa+wo], ring[sb:sb+wo]
					}
					n := len(f.ana[cb])
					firSum(out[2*half+cb][k*wo:(k+1)*wo], c[:n], a[:n], b[:n])
				}
			}
		}
	}
}

// analyze2DLift is the column pass of analyze2D by lifting: the state rows
// carry d1, s1 and the previous d2 down the plane, so each output row reads
// only two new input rows (see dwt_lift97.go).
func (f *Filter) analyze2DLift(out [4][]float32, in []float32, h, w int, s *scratch2D) {
	ho, wo := (h+1)/2, (w+1)/2
	oMin, oMax := f.anaRowOffsets()
	rr := oMax - oMin + 1
	sw := 2 * wo
	ring := s.ring[:rr*sw]
	d1, s1, d2p := s.state[:sw], s.state[sw:2*sw], s.state[2*sw:3*sw]
	next := -4 // next virtual input row to filter horizontally
	fillTo := func(last int) {
		for ; next <= last; next++ {
			r := mod(next, 2*ho)
			if r >= h {
				r = h - 1 // odd height: the extra row repeats the last
			}
			o := mod(next-oMin, rr) * sw
			if s.vec {
				lift97RowPasses(ring[o:o+wo], ring[o+wo:o+sw], in[r*w:(r+1)*w], s.e0, s.e1)
			} else {
				f.rowAnalyze(ring[o:o+wo], ring[o+wo:o+sw], in[r*w:(r+1)*w], s.e0, s.e1)
			}
		}
	}
	slot := func(v int) []float32 {
		o := mod(v-oMin, rr) * sw
		return ring[o : o+sw]
	}
	fillTo(2)
	var pr [7][]float32
	for i := range pr {
		pr[i] = slot(i - 4)
	}
	// With vector kernels the row pass left its bands unscaled and the
	// column pass scales both directions (cdf97Col); the scalar row pass
	// scaled its own.
	cs := &cdf97ColScaled
	if s.vec {
		lift97ColWarm(d1, s1, d2p, &pr, s.state[3*sw:5*sw], wo)
		cs = &cdf97Col
	} else {
		lift97ColPrologue(d1, s1, d2p, &pr)
	}
	for k := 0; k < ho; k++ {
		fillTo(2*k + 4)
		x2, x3, x4 := slot(2*k+2), slot(2*k+3), slot(2*k+4)
		for half := range 2 {
			lo, hi := half*wo, (half+1)*wo
			simd.Lift97Col(out[2*half][k*wo:(k+1)*wo], out[2*half+1][k*wo:(k+1)*wo],
				x2[lo:hi], x3[lo:hi], x4[lo:hi], d1[lo:hi], s1[lo:hi], d2p[lo:hi], &cs[half])
		}
	}
}

// synthesize2D inverts analyze2D: src holds planes*4 bands of hi×wi, dst gets
// planes of h×w with h ∈ {2hi-1, 2hi} and w ∈ {2wi-1, 2wi}. Columns are
// synthesized first, then rows, as the reference does, fused per output row.
func (f *Filter) synthesize2D(dst, src []float32, planes, hi, wi, h, w int, s *scratch2D) {
	base := -f.synMin
	var c [maxTerms]float32
	var a, b [maxTerms][]float32
	for pl := 0; pl < planes; pl++ {
		var band [4][]float32
		for b := range band {
			off := (pl*4 + b) * hi * wi
			band[b] = src[off : off+hi*wi]
		}
		out := dst[pl*h*w : (pl+1)*h*w]
		if f.lift {
			f.synthesize2DLift(out, &band, hi, wi, h, w, s)
			continue
		}
		for r := 0; r < h; r++ {
			m, q := r/2, r%2
			// Column synthesis of row r of the row-lo (from LL, LH) and
			// row-hi (from HL, HH) intermediates, straight into the
			// middle of the halo buffers the row synthesis reads.
			for half, ext := range [2][]float32{s.e0, s.e1} {
				for ti, t := range f.syn[q] {
					ra, rb := mod(m+t.shA, hi)*wi, mod(m+t.shB, hi)*wi
					c[ti], a[ti], b[ti] = t.c, band[2*half+t.a][ra:ra+wi], band[2*half+t.b][rb:rb+wi]
				}
				n := len(f.syn[q])
				firSum(ext[base:base+wi], c[:n], a[:n], b[:n])
				f.fillSynHalo(ext, wi)
			}
			f.rowSynthesize(out[r*w:(r+1)*w], s.e0, s.e1, s.t0, s.t1, wi)
		}
	}
}

// synthesize2DLift is synthesize2D for one plane by lifting: the column
// synthesis streams down the bands with four state rows per half (row-lo
// from LL and LH, row-hi from HL and HH) and yields output rows in pairs.
func (f *Filter) synthesize2DLift(out []float32, band *[4][]float32, hi, wi, h, w int, s *scratch2D) {
	base := -f.synMin
	rowOf := func(b, j int) []float32 {
		r := mod(j, hi) * wi
		return band[b][r : r+wi]
	}
	// Per half: d2c, s1c, d1c, xe, then two spare rows for the Saxpy passes.
	var st [2][4][]float32
	var spare [2][2][]float32
	for half := range st {
		for i := range st[half] {
			o := (half*6 + i) * wi
			st[half][i] = s.state[o : o+wi]
		}
		for i := range spare[half] {
			o := (half*6 + 4 + i) * wi
			spare[half][i] = s.state[o : o+wi]
		}
		var l [3][]float32
		var hh [4][]float32
		for j := range l {
			l[j] = rowOf(2*half, j-1)
		}
		for j := range hh {
			hh[j] = rowOf(2*half+1, j-2)
		}
		lift97SynColPrologue(&st[half], &l, &hh)
	}
	ext := [2][]float32{s.e0, s.e1}
	odd := [2][]float32{s.t0[:wi], s.t1[:wi]}
	for k := 0; k < hi; k++ {
		for half := range st {
			lo2, hi2 := rowOf(2*half, k+2), rowOf(2*half+1, k+2)
			if s.vec {
				odd[half] = lift97SynColPasses(ext[half][base:base+wi], lo2, hi2, &st[half], &spare[half])
			} else {
				lift97SynColStep(ext[half][base:base+wi], odd[half], lo2, hi2, &st[half])
			}
			f.fillSynHalo(ext[half], wi)
		}
		lift97SynRow(out[2*k*w:(2*k+1)*w], s.e0, s.e1, wi)
		if 2*k+1 < h {
			for half := range st {
				copy(ext[half][base:base+wi], odd[half])
				f.fillSynHalo(ext[half], wi)
			}
			lift97SynRow(out[(2*k+1)*w:(2*k+2)*w], s.e0, s.e1, wi)
		}
	}
}

// analyze1D runs one level on every length-n row of src, writing rows of
// (n+1)/2 to dst in the order row*2+f, f = L, H.
func (f *Filter) analyze1D(dst, src []float32, rows, n int, s *scratch2D) {
	m := (n + 1) / 2
	for r := 0; r < rows; r++ {
		lo := dst[(2*r)*m : (2*r+1)*m]
		hi := dst[(2*r+1)*m : (2*r+2)*m]
		f.rowAnalyze(lo, hi, src[r*n:(r+1)*n], s.e0, s.e1)
	}
}

// synthesize1D inverts analyze1D: src holds rows*2 bands of m, dst rows of n.
func (f *Filter) synthesize1D(dst, src []float32, rows, m, n int, s *scratch2D) {
	base := -f.synMin
	for r := 0; r < rows; r++ {
		copy(s.e0[base:base+m], src[(2*r)*m:(2*r+1)*m])
		copy(s.e1[base:base+m], src[(2*r+1)*m:(2*r+2)*m])
		f.fillSynHalo(s.e0, m)
		f.fillSynHalo(s.e1, m)
		f.rowSynthesize(dst[r*n:(r+1)*n], s.e0, s.e1, s.t0, s.t1, m)
	}
}

// scratch2D is the carved-up scratch one level needs.
type scratch2D struct {
	ring, state, e0, e1, t0, t1 []float32

	// vec selects simd's kernels over the fused scalar loops: the lifting
	// kernels for the analysis, whole-row passes of simd.Saxpy for the
	// synthesis. With vector kernels they win; on the pure-Go level one
	// fused pass that keeps values in registers beats separate ones, so
	// the choice follows simd.Active once per call.
	vec bool
}

// levelScratchLen is the scratch one level on rows of (at most) w samples
// needs: the ring, two halo buffers and two phase buffers.
func (f *Filter) levelScratchLen(w int, twoD bool) int {
	m := (w + 1) / 2
	ext := max(f.anaExtLen(m), f.synExtLen(m), 2*m+8)
	n := 2*ext + 2*m
	if twoD {
		oMin, oMax := f.anaRowOffsets()
		n += (oMax-oMin+1)*2*m + 6*2*m
	}
	return n
}

// carve splits buf (at least levelScratchLen(w, twoD) long) for rows of w.
func (f *Filter) carve(buf []float32, w int, twoD bool) scratch2D {
	m := (w + 1) / 2
	ext := max(f.anaExtLen(m), f.synExtLen(m), 2*m+8)
	s := scratch2D{vec: simd.Active() != simd.Generic}
	s.e0, buf = buf[:ext:ext], buf[ext:]
	s.e1, buf = buf[:ext:ext], buf[ext:]
	s.t0, buf = buf[:m:m], buf[m:]
	s.t1, buf = buf[:m:m], buf[m:]
	if twoD {
		oMin, oMax := f.anaRowOffsets()
		n := (oMax - oMin + 1) * 2 * m
		s.ring, buf = buf[:n:n], buf[n:]
		s.state = buf[: 12*m : 12*m]
	}
	return s
}
