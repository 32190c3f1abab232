package simd

import "fmt"

// The CDF 9/7 (bior4.4) wavelet's analysis by lifting, the inner loops of
// the codec's packet transform. Both kernels evaluate each step as the
// codec defines it, x + w·(y + z): one addition, then one multiply-add.

// Lift97Steps runs the four analysis lifting steps along a row split into
// its even samples e and odd samples o, each with two samples of halo on
// the left (e[j+2] is even sample j for j in [-2, n+2), o likewise for j in
// [-2, n+1)). With c = {α, β, γ, δ}, for k in [0, n):
//
//	d1(j) = o[j+2] + α·(e[j+2] + e[j+3])
//	s1(j) = e[j+2] + β·(d1(j-1) + d1(j))
//	d2(j) = d1(j) + γ·(s1(j) + s1(j+1))
//	lo[k] = s1(k) + δ·(d2(k-1) + d2(k)),  hi[k] = d2(k)
//
// lo and hi must not overlap e or o. It panics if a slice is too short.
func Lift97Steps(lo, hi, e, o []float32, c *[4]float32) {
	n := len(lo)
	if len(hi) < n || len(e) < n+4 || len(o) < n+3 {
		panic(fmt.Sprintf("simd: Lift97Steps: %d outputs from %d even and %d odd samples into %d", n, len(e), len(o), len(hi)))
	}
	if n == 0 {
		return
	}
	hi, e, o = hi[:n], e[:n+4], o[:n+3]
	f32RaceRead(e)
	f32RaceRead(o)
	f32RaceWrite(lo)
	f32RaceWrite(hi)
	lift97StepsFn(lo, hi, e, o, c)
}

var lift97StepsFn func(lo, hi, e, o []float32, c *[4]float32)

var lift97StepsFamily = newFamily("lift97steps", &lift97StepsFn, lift97StepsGeneric, lift97StepsArch...)

// lift97StepsGeneric is the Go twin of Lift97Steps: the row streams
// through registers, each output reading two new samples.
func lift97StepsGeneric(lo, hi, e, o []float32, c *[4]float32) {
	n := len(lo)
	hi, e, o = hi[:n], e[:n+4], o[:n+3]
	a, b, g, d := c[0], c[1], c[2], c[3]
	d1m2 := o[0] + a*(e[0]+e[1])
	d1m1 := o[1] + a*(e[1]+e[2])
	d10 := o[2] + a*(e[2]+e[3])
	s1m1 := e[1] + b*(d1m2+d1m1)
	s1 := e[2] + b*(d1m1+d10)
	d2p := d1m1 + g*(s1m1+s1)
	d1 := d10
	for k := range lo {
		d1n := o[k+3] + a*(e[k+3]+e[k+4])
		s1n := e[k+3] + b*(d1+d1n)
		d2 := d1 + g*(s1+s1n)
		lo[k], hi[k] = s1+d*(d2p+d2), d2
		d1, s1, d2p = d1n, s1n, d2
	}
}

// Lift97Row is Lift97Steps on a row x of 2n samples (n ≥ 1) treated as one
// period: it splits x into its even and odd samples in e and o (n+4
// floats each), completes their periodic halos and runs the steps, so that
// lo[k] and hi[k] are the row's unscaled low and high band.
func Lift97Row(lo, hi, x, e, o []float32, c *[4]float32) {
	n := len(lo)
	if len(x) != 2*n || len(hi) < n || len(e) < n+4 || len(o) < n+4 {
		panic(fmt.Sprintf("simd: Lift97Row: %d samples into %d, scratch %d and %d", len(x), n, len(e), len(o)))
	}
	if n == 0 {
		return
	}
	hi, e, o = hi[:n], e[:n+4], o[:n+4]
	f32RaceRead(x)
	f32RaceWrite(e)
	f32RaceWrite(o)
	f32RaceWrite(lo)
	f32RaceWrite(hi)
	lift97RowFn(lo, hi, x, e, o, c)
}

// Lift97Rows is Lift97Row on each row of w samples (w even) of src,
// writing row r's low band to dst[r·w:] and its high band after it, w/2
// each: the row passes of several transforms' rows side by side.
func Lift97Rows(dst, src []float32, w int, e, o []float32, c *[4]float32) {
	if w < 2 || w%2 != 0 || len(src)%w != 0 || len(dst) < len(src) || len(e) < w/2+4 || len(o) < w/2+4 {
		panic(fmt.Sprintf("simd: Lift97Rows: %d samples in rows of %d into %d, scratch %d and %d", len(src), w, len(dst), len(e), len(o)))
	}
	f32RaceRead(src)
	f32RaceWrite(dst[:len(src)])
	m := w / 2
	e, o = e[:m+4], o[:m+4]
	for r := 0; r < len(src); r += w {
		lift97RowFn(dst[r:r+m], dst[r+m:r+w], src[r:r+w], e, o, c)
	}
}

var lift97RowFn func(lo, hi, x, e, o []float32, c *[4]float32)

var lift97RowFamily = newFamily("lift97row", &lift97RowFn, lift97RowGeneric, lift97RowArch...)

// lift97RowGeneric is the Go twin of Lift97Row.
func lift97RowGeneric(lo, hi, x, e, o []float32, c *[4]float32) {
	n := len(lo)
	for k := range n {
		e[k+2], o[k+2] = x[2*k], x[2*k+1]
	}
	lift97Halo(e, n)
	lift97Halo(o, n)
	lift97StepsGeneric(lo, hi, e, o, c)
}

// lift97Halo completes the periodic halo of a polyphase row of n samples
// held at p[2 : n+2].
func lift97Halo(p []float32, n int) {
	for _, j := range [4]int{-2, -1, n, n + 1} {
		p[j+2] = p[(j+2*n)%n+2]
	}
}

// Lift97Col runs the same steps down the columns of a 2D level, one output
// row per call: x2, x3, x4 are input rows 2k+2, 2k+3, 2k+4 (already
// filtered along the rows), d1, s1 and d2p carry d1(k), s1(k) and d2(k-1)
// per column and advance to k+1. With c = {α, β, γ, δ, sl, sh}, for each
// column i:
//
//	d1n := x3[i] + α·(x2[i] + x4[i]);  s1n := x2[i] + β·(d1[i] + d1n)
//	d2  := d1[i] + γ·(s1[i] + s1n);     s2  := s1[i] + δ·(d2p[i] + d2)
//	lo[i], hi[i] = sl·s2, sh·d2
//	d1[i], s1[i], d2p[i] = d1n, s1n, d2
//
// sl and sh fold the normalisation of both directions into one product.
// It panics if a slice is shorter than lo.
func Lift97Col(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32) {
	n := len(lo)
	if len(hi) < n || len(x2) < n || len(x3) < n || len(x4) < n || len(d1) < n || len(s1) < n || len(d2p) < n {
		panic(fmt.Sprintf("simd: Lift97Col: %d columns, a row is shorter", n))
	}
	if n == 0 {
		return
	}
	hi, x2, x3, x4, d1, s1, d2p = hi[:n], x2[:n], x3[:n], x4[:n], d1[:n], s1[:n], d2p[:n]
	f32RaceRead(x2)
	f32RaceRead(x3)
	f32RaceRead(x4)
	f32RaceWrite(lo)
	f32RaceWrite(hi)
	f32RaceWrite(d1)
	f32RaceWrite(s1)
	f32RaceWrite(d2p)
	lift97ColFn(lo, hi, x2, x3, x4, d1, s1, d2p, c)
}

var lift97ColFn func(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32)

var lift97ColFamily = newFamily("lift97col", &lift97ColFn, lift97ColGeneric, lift97ColArch...)

// lift97ColGeneric is the Go twin of Lift97Col.
func lift97ColGeneric(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32) {
	n := len(lo)
	hi, x2, x3, x4, d1, s1, d2p = hi[:n], x2[:n], x3[:n], x4[:n], d1[:n], s1[:n], d2p[:n]
	a, b, g, d, sl, sh := c[0], c[1], c[2], c[3], c[4], c[5]
	for i := range lo {
		xe := x2[i]
		d1n := x3[i] + a*(xe+x4[i])
		s1n := xe + b*(d1[i]+d1n)
		d2 := d1[i] + g*(s1[i]+s1n)
		s2 := s1[i] + d*(d2p[i]+d2)
		lo[i], hi[i] = sl*s2, sh*d2
		d1[i], s1[i], d2p[i] = d1n, s1n, d2
	}
}

// Lift97ColSegs is Lift97Col over rows of segments of wo columns, the row
// bands of several transforms side by side (low, high, low, high, ...):
// segment s runs with c[s%2] and writes its low and high outputs to
// out[2s·wo:] and out[(2s+1)·wo:], wo each, so that out holds every
// transform's four band rows in order, the rows of the next level's
// transforms. The rows are len(x2) columns, a multiple of 2·wo; out is
// twice that. One call steps all the transforms of a level.
func Lift97ColSegs(out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32) {
	n := len(x2)
	if wo < 1 || n%(2*wo) != 0 || len(out) < 2*n || len(x3) < n || len(x4) < n || len(d1) < n || len(s1) < n || len(d2p) < n {
		panic(fmt.Sprintf("simd: Lift97ColSegs: %d columns in segments of %d, out %d", n, wo, len(out)))
	}
	if n == 0 {
		return
	}
	out, x3, x4, d1, s1, d2p = out[:2*n], x3[:n], x4[:n], d1[:n], s1[:n], d2p[:n]
	f32RaceRead(x2)
	f32RaceRead(x3)
	f32RaceRead(x4)
	f32RaceWrite(out)
	f32RaceWrite(d1)
	f32RaceWrite(s1)
	f32RaceWrite(d2p)
	lift97ColSegsFn(out, x2, x3, x4, d1, s1, d2p, wo, c)
}

var lift97ColSegsFn func(out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32)

var lift97ColSegsFamily = newFamily("lift97colsegs", &lift97ColSegsFn, lift97ColSegsGeneric, lift97ColSegsArch...)

// Lift97ColSegs3 is Lift97ColSegs three times, for three output rows at
// once: from rows x2, x3, x4 into out1, x4, x5, x6 into out2 and x6, x7, x8
// into out3, each with the state the one before leaves, reading and
// writing the state rows once for all three. A kernel may take the rows'
// outputs as equally spaced (out3 as far after out2 as out2 after out1);
// where they are not, it runs its one-row kernel three times, the same
// sums. The outputs must not overlap each other or the rows.
func Lift97ColSegs3(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p []float32, wo int, c *[2][6]float32) {
	n := len(x2)
	if wo < 1 || n%(2*wo) != 0 || len(out1) < 2*n || len(out2) < 2*n || len(out3) < 2*n || len(x3) < n || len(x4) < n ||
		len(x5) < n || len(x6) < n || len(x7) < n || len(x8) < n || len(d1) < n || len(s1) < n || len(d2p) < n {
		panic(fmt.Sprintf("simd: Lift97ColSegs3: %d columns in segments of %d, out %d, %d and %d", n, wo, len(out1), len(out2), len(out3)))
	}
	if n == 0 {
		return
	}
	out1, out2, out3 = out1[:2*n], out2[:2*n], out3[:2*n]
	x3, x4, x5, x6, x7, x8 = x3[:n], x4[:n], x5[:n], x6[:n], x7[:n], x8[:n]
	d1, s1, d2p = d1[:n], s1[:n], d2p[:n]
	if raceEnabled {
		for _, x := range [...][]float32{x2, x3, x4, x5, x6, x7, x8} {
			f32RaceRead(x)
		}
		for _, y := range [...][]float32{out1, out2, out3, d1, s1, d2p} {
			f32RaceWrite(y)
		}
	}
	lift97ColSegs3Fn(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p, wo, c)
}

var lift97ColSegs3Fn func(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p []float32, wo int, c *[2][6]float32)

var lift97ColSegs3Family = newFamily("lift97colsegs3", &lift97ColSegs3Fn, lift97ColSegs3Generic, lift97ColSegs3Arch...)

// lift97ColSegs3Generic is the Go twin of Lift97ColSegs3.
func lift97ColSegs3Generic(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p []float32, wo int, c *[2][6]float32) {
	lift97ColSegs3By(lift97ColSegsGeneric, out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p, wo, c)
}

// lift97ColSegs3By is Lift97ColSegs3 as three calls of a one-row kernel.
func lift97ColSegs3By(one func(out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32),
	out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p []float32, wo int, c *[2][6]float32) {
	one(out1, x2, x3, x4, d1, s1, d2p, wo, c)
	one(out2, x4, x5, x6, d1, s1, d2p, wo, c)
	one(out3, x6, x7, x8, d1, s1, d2p, wo, c)
}

// Lift97ColSegs3Carry is Lift97ColSegs3 for constants whose scales are 1
// (c[s][4] and c[s][5], the projected transform's): then the high outputs
// are d2 itself, so the d2 state needs no row of its own. It is out3's
// high halves (segment s at out3[(2s+1)·wo:]), where the call before left
// the last row's d2: a stream that steps its rows three at a time into the
// same out3, reading but not changing what it emits in between, writes one
// row a call fewer. Before a stream's first call, out3's high halves hold
// the d2 state as Lift97ColSegs3 would take it in d2p.
func Lift97ColSegs3Carry(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1 []float32, wo int, c *[2][6]float32) {
	n := len(x2)
	if wo < 1 || n%(2*wo) != 0 || len(out1) < 2*n || len(out2) < 2*n || len(out3) < 2*n || len(x3) < n || len(x4) < n ||
		len(x5) < n || len(x6) < n || len(x7) < n || len(x8) < n || len(d1) < n || len(s1) < n {
		panic(fmt.Sprintf("simd: Lift97ColSegs3Carry: %d columns in segments of %d, out %d, %d and %d", n, wo, len(out1), len(out2), len(out3)))
	}
	if c[0][4] != 1 || c[0][5] != 1 || c[1][4] != 1 || c[1][5] != 1 {
		panic(fmt.Sprintf("simd: Lift97ColSegs3Carry: scales %v, %v, %v, %v, not 1", c[0][4], c[0][5], c[1][4], c[1][5]))
	}
	if n == 0 {
		return
	}
	out1, out2, out3 = out1[:2*n], out2[:2*n], out3[:2*n]
	x3, x4, x5, x6, x7, x8 = x3[:n], x4[:n], x5[:n], x6[:n], x7[:n], x8[:n]
	d1, s1 = d1[:n], s1[:n]
	if raceEnabled {
		for _, x := range [...][]float32{x2, x3, x4, x5, x6, x7, x8} {
			f32RaceRead(x)
		}
		for _, y := range [...][]float32{out1, out2, out3, d1, s1} {
			f32RaceWrite(y)
		}
	}
	lift97ColSegs3CarryFn(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, wo, c)
}

var lift97ColSegs3CarryFn func(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1 []float32, wo int, c *[2][6]float32)

var lift97ColSegs3CarryFamily = newFamily("lift97colsegs3carry", &lift97ColSegs3CarryFn, lift97ColSegs3CarryGeneric, lift97ColSegs3CarryArch...)

// lift97ColSegs3CarryGeneric is the Go twin of Lift97ColSegs3Carry.
func lift97ColSegs3CarryGeneric(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1 []float32, wo int, c *[2][6]float32) {
	lift97ColSegs3CarryBy(lift97ColGeneric, out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, wo, c)
}

// lift97ColSegs3CarryBy is Lift97ColSegs3Carry as three calls a segment of
// a one-row kernel, with out3's high half of the segment for the d2 state.
// The third call's high output is that state: the kernel must read a
// block's d2p before it writes the block's high outputs, which, with unit
// scales, are the same values to the same place.
func lift97ColSegs3CarryBy(one func(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32),
	out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1 []float32, wo int, c *[2][6]float32) {
	for s := range len(x2) / wo {
		a, b := s*wo, (s+1)*wo
		d2p := out3[2*a+wo : 2*b]
		one(out1[2*a:2*a+wo], out1[2*a+wo:2*b], x2[a:b], x3[a:b], x4[a:b], d1[a:b], s1[a:b], d2p, &c[s%2])
		one(out2[2*a:2*a+wo], out2[2*a+wo:2*b], x4[a:b], x5[a:b], x6[a:b], d1[a:b], s1[a:b], d2p, &c[s%2])
		one(out3[2*a:2*a+wo], d2p, x6[a:b], x7[a:b], x8[a:b], d1[a:b], s1[a:b], d2p, &c[s%2])
	}
}

// lift97ColSegsGeneric is the Go twin of Lift97ColSegs.
func lift97ColSegsGeneric(out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32) {
	lift97ColSegsBy(lift97ColGeneric, out, x2, x3, x4, d1, s1, d2p, wo, c)
}

// lift97ColSegsBy runs Lift97ColSegs one segment at a time with col.
func lift97ColSegsBy(col func(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32),
	out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32) {
	for s := range len(x2) / wo {
		a, b := s*wo, (s+1)*wo
		col(out[2*a:2*a+wo], out[2*a+wo:2*b], x2[a:b], x3[a:b], x4[a:b], d1[a:b], s1[a:b], d2p[a:b], &c[s%2])
	}
}

// Lift97Vectorised reports whether the active level runs the lifting in
// vector kernels rather than their Go twins.
func Lift97Vectorised() bool {
	return lift97RowFamily.chosenName() != "generic" && lift97ColFamily.chosenName() != "generic" &&
		lift97ColSegsFamily.chosenName() != "generic" && lift97ColSegs3Family.chosenName() != "generic" &&
		lift97ColSegs3CarryFamily.chosenName() != "generic"
}
