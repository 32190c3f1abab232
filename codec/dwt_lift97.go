package codec

import (
	"math"

	"github.com/edgerun/edgerun/simd"
)

// The bior4.4 (CDF 9/7) analysis by lifting: the same transform as the
// convolution with DecLo/DecHi, factored into four steps that each touch
// two neighbours (Daubechies and Sweldens), which needs 14 instead of 23
// floating-point operations per pair of outputs:
//
//	d1[k] = x[2k+1] + α·(x[2k] + x[2k+2])
//	s1[k] = x[2k]   + β·(d1[k-1] + d1[k])
//	d2[k] = d1[k]   + γ·(s1[k] + s1[k+1])
//	s2[k] = s1[k]   + δ·(d2[k-1] + d2[k])
//	lo[k] = K·s2[k], hi[k] = -d2[k]/K
//
// Output k depends on x[2k-4 .. 2k+4], the same window as the convolution,
// so the periodic halos and the row ring are shared. Results agree with the
// convolution to float32 rounding (a few 1e-7 relative); the plan only
// takes this path for a filter whose coefficients the factorisation
// reproduces (checked in planLift97).

// lift97 holds the float32 lifting constants.
type lift97 struct {
	a, b, c, d, k, kh float32
	ik, ikh           float32 // 1/k and 1/kh, for the synthesis
}

var cdf97 = lift97{
	a:  float32(-1.586134342059924),
	b:  float32(-0.052980118572961),
	c:  float32(0.882911075530934),
	d:  float32(0.443506852043971),
	k:  float32(1.149604398860241),
	kh: float32(-1 / 1.149604398860241),

	ik:  float32(1 / 1.149604398860241),
	ikh: float32(-1.149604398860241),
}

// cdf97Steps and cdf97Col are the constants of simd's lifting kernels:
// the column pass of each row band also applies both directions' scaling
// (the row pass leaves its bands unscaled), K·K and -K⁻¹·K for the row's
// low band, K·(-K⁻¹) and K⁻² for its high band. cdf97ColScaled is the
// column pass over rows that the scalar row pass (lift97Row) has already
// scaled.
var (
	cdf97Steps     = [4]float32{cdf97.a, cdf97.b, cdf97.c, cdf97.d}
	cdf97ColScaled = [2][6]float32{
		{cdf97.a, cdf97.b, cdf97.c, cdf97.d, cdf97.k, cdf97.kh},
		{cdf97.a, cdf97.b, cdf97.c, cdf97.d, cdf97.k, cdf97.kh},
	}
	cdf97Col = [2][6]float32{
		{cdf97.a, cdf97.b, cdf97.c, cdf97.d, cdf97.k * cdf97.k, cdf97.kh * cdf97.k},
		{cdf97.a, cdf97.b, cdf97.c, cdf97.d, cdf97.k * cdf97.kh, cdf97.kh * cdf97.kh},
	}
	// cdf97ColUnit is the column pass without the scaling, for the
	// projected transform, whose weights take each band's scale instead
	// (cdf97BandScale): a linear map does not care where a constant factor
	// is applied, and the kernels leave out products with 1.
	cdf97ColUnit = [2][6]float32{
		{cdf97.a, cdf97.b, cdf97.c, cdf97.d, 1, 1},
		{cdf97.a, cdf97.b, cdf97.c, cdf97.d, 1, 1},
	}
)

// cdf97BandScale is the product of the column pass's scales (cdf97Col)
// that band b of a J-level packet transform takes: at each level, a
// transform's four bands take the low band's two scales and the high
// band's two in turn, and band b descends from band b/4 of the level
// before.
func cdf97BandScale(b, j int) float64 {
	f := [4]float64{float64(cdf97Col[0][4]), float64(cdf97Col[0][5]), float64(cdf97Col[1][4]), float64(cdf97Col[1][5])}
	s := 1.0
	for range j {
		s *= f[b%4]
		b /= 4
	}
	return s
}

// planLift97 enables lifting when the filter is bior4.4 in PyWavelets'
// normalisation: the float64 lifting of impulses must reproduce the
// filter's analysis taps within their float32 rounding.
func (f *Filter) planLift97() {
	if !f.sym97 {
		return
	}
	const n = 32
	for pos := 0; pos < n; pos++ {
		x := make([]float64, n)
		x[pos] = 1
		lo, hi := lift97Ref(x)
		for k := range lo {
			var wl, wh float64
			for j := range f.DecLo {
				if mod(2*k+len(f.DecLo)/2-j, n) == pos {
					wl += float64(f.DecLo[j])
					wh += float64(f.DecHi[j])
				}
			}
			if math.Abs(lo[k]-wl) > 1e-6 || math.Abs(hi[k]-wh) > 1e-6 {
				return
			}
		}
	}
	f.lift = true
}

// lift97Ref is the lifting in float64 on a periodic signal of even length.
func lift97Ref(x []float64) (lo, hi []float64) {
	m := len(x) / 2
	s, d := make([]float64, m), make([]float64, m)
	for k := range m {
		s[k], d[k] = x[2*k], x[2*k+1]
	}
	const a, b, c, e, K = -1.586134342059924, -0.052980118572961, 0.882911075530934, 0.443506852043971, 1.149604398860241
	for k := range m {
		d[k] += a * (s[k] + s[(k+1)%m])
	}
	for k := range m {
		s[k] += b * (d[(k+m-1)%m] + d[k])
	}
	for k := range m {
		d[k] += c * (s[k] + s[(k+1)%m])
	}
	for k := range m {
		s[k] += e * (d[(k+m-1)%m] + d[k])
	}
	for k := range m {
		s[k] *= K
		d[k] *= -1 / K
	}
	return s, d
}

// lift97Row analyses the row x (odd length: last sample repeated) into lo
// and hi, streaming: each step loads two samples and carries the rest of
// the nine-sample window in registers. The periodic halo (four samples each
// side) is read from a small buffer, so the row itself is never copied.
func lift97Row(lo, hi, x []float32) {
	m := len(lo)
	if m == 0 {
		return
	}
	hi = hi[:m]
	n := len(x)
	// at returns sample j of the periodized row, j ∈ [-4, 2m+4).
	at := func(j int) float32 {
		j = mod(j, 2*m)
		if j >= n {
			j = n - 1 // the odd extension
		}
		return x[j]
	}
	a, b, c, e, k, kh := cdf97.a, cdf97.b, cdf97.c, cdf97.d, cdf97.k, cdf97.kh
	// Prologue from x[-4..2]: d1[0], s1[0], d2[-1].
	d1m2 := at(-3) + a*(at(-4)+at(-2))
	d1m1 := at(-1) + a*(at(-2)+at(0))
	d1 := at(1) + a*(at(0)+at(2))
	s1m1 := at(-2) + b*(d1m2+d1m1)
	s1 := at(0) + b*(d1m1+d1)
	d2p := d1m1 + c*(s1m1+s1)
	xe := at(2) // x[2k+2]
	// Step i reads x[2i+3] and x[2i+4]: straight from the row while both
	// exist, then through the halo.
	direct := max(0, min(m, (n-3)/2))
	xs := x[:n]
	for i := 0; i < direct; i++ {
		w := xs[2*i+3 : 2*i+5 : 2*i+5]
		d1n := w[0] + a*(xe+w[1])
		s1n := xe + b*(d1+d1n)
		d2 := d1 + c*(s1+s1n)
		s2 := s1 + e*(d2p+d2)
		lo[i], hi[i] = k*s2, kh*d2
		d1, s1, d2p, xe = d1n, s1n, d2, w[1]
	}
	for i := direct; i < m; i++ {
		x3, x4 := at(2*i+3), at(2*i+4)
		d1n := x3 + a*(xe+x4)
		s1n := xe + b*(d1+d1n)
		d2 := d1 + c*(s1+s1n)
		s2 := s1 + e*(d2p+d2)
		lo[i], hi[i] = k*s2, kh*d2
		d1, s1, d2p, xe = d1n, s1n, d2, x4
	}
}

// lift97ColPrologue sets the state rows for output row 0 from the input
// rows x[-4..2] (r[0..6]): d1 = d1[0], s1 = s1[0], d2p = d2[-1].
func lift97ColPrologue(d1, s1, d2p []float32, r *[7][]float32) {
	n := len(d1)
	s1, d2p = s1[:n], d2p[:n]
	r0, r1, r2, r3, r4, r5, r6 := r[0][:n], r[1][:n], r[2][:n], r[3][:n], r[4][:n], r[5][:n], r[6][:n]
	a, b, c := cdf97.a, cdf97.b, cdf97.c
	for i := range d1 {
		d1m2 := r1[i] + a*(r0[i]+r2[i])
		d1m1 := r3[i] + a*(r2[i]+r4[i])
		d10 := r5[i] + a*(r4[i]+r6[i])
		s1m1 := r2[i] + b*(d1m2+d1m1)
		s10 := r4[i] + b*(d1m1+d10)
		d1[i], s1[i], d2p[i] = d10, s10, d1m1+c*(s1m1+s10)
	}
}

// lift97ColWarm is lift97ColPrologue by simd's column kernel itself, for
// the passes that run it: three steps over rows -4 .. 2 (r[0..6]) from
// cleared state, in segments of wo columns as the passes step them, whose
// outputs go to junk (2·len(d1) floats). The first step's d1(-2) depends
// on rows alone, so the next two leave d1(0), s1(0) and d2(-1) exactly as
// the kernel computes them in the middle of a plane: every row's state
// then has the same bits wherever a pass starts, which lets the streamed
// transform start its levels at rotated rows.
func lift97ColWarm(d1, s1, d2p []float32, r *[7][]float32, junk []float32, wo int) {
	n := len(d1)
	clear(d1)
	clear(s1[:n])
	clear(d2p[:n])
	for i := 0; i <= 4; i += 2 {
		simd.Lift97ColSegs(junk[:2*n], r[i][:n], r[i+1][:n], r[i+2][:n], d1, s1, d2p, wo, &cdf97Col)
	}
}

// The synthesis runs the lifting steps backwards:
//
//	s2 = lo/K, d2 = -K·hi
//	s1[k]   = s2[k] - δ·(d2[k-1] + d2[k])
//	d1[k]   = d2[k] - γ·(s1[k] + s1[k+1])
//	x[2k]   = s1[k] - β·(d1[k-1] + d1[k])
//	x[2k+1] = d1[k] - α·(x[2k] + x[2k+2])
//
// Output pair k needs band samples k-2 .. k+2; streaming carries d2[k+1],
// s1[k+1], d1[k] and x[2k] and reads lo[k+2], hi[k+2] per step.

// lift97SynState is the carried state for output pair 0, from lo[-1..1]
// and hi[-2..1] (lo[j] at lo(j), hi[j] at hi(j)).
func lift97SynState(lo, hi func(int) float32) (d2c, s1c, d1c, xe float32) {
	il, ih := cdf97.ik, cdf97.ikh
	b, c, d := cdf97.b, cdf97.c, cdf97.d
	d2m2, d2m1, d20, d21 := ih*hi(-2), ih*hi(-1), ih*hi(0), ih*hi(1)
	s1m1 := il*lo(-1) - d*(d2m2+d2m1)
	s10 := il*lo(0) - d*(d2m1+d20)
	s11 := il*lo(1) - d*(d20+d21)
	d1m1 := d2m1 - c*(s1m1+s10)
	d10 := d20 - c*(s10+s11)
	return d21, s11, d10, s10 - b*(d1m1+d10)
}

// lift97SynRow rebuilds y (length 2m, or 2m-1 for an odd signal) from the
// bands held in loExt and hiExt (band in the middle, circular halo of two
// on each side, as fillSynHalo leaves them).
func lift97SynRow(y, loExt, hiExt []float32, m int) {
	lo, hi := loExt[:m+4], hiExt[:m+4]
	d2c, s1c, d1c, xe := lift97SynState(
		func(j int) float32 { return lo[j+2] }, func(j int) float32 { return hi[j+2] })
	il, ih := cdf97.ik, cdf97.ikh
	a, b, c, d := cdf97.a, cdf97.b, cdf97.c, cdf97.d
	n := len(y)
	for k := 0; k < m; k++ {
		d2n := ih * hi[k+4]
		s1n := il*lo[k+4] - d*(d2c+d2n)
		d1n := d2c - c*(s1c+s1n)
		xe2 := s1c - b*(d1c+d1n)
		xo := d1c - a*(xe+xe2)
		y[2*k] = xe
		if 2*k+1 < n {
			y[2*k+1] = xo
		}
		d2c, s1c, d1c, xe = d2n, s1n, d1n, xe2
	}
}

// lift97SynColPrologue sets the state rows (d2c, s1c, d1c, xe) for output
// row pair 0 from band rows lo[-1..1] (l[0..2]) and hi[-2..1] (h[0..3]).
func lift97SynColPrologue(st *[4][]float32, l *[3][]float32, h *[4][]float32) {
	n := len(st[0])
	d2c, s1c, d1c, xe := st[0][:n], st[1][:n], st[2][:n], st[3][:n]
	l0, l1, l2 := l[0][:n], l[1][:n], l[2][:n]
	h0, h1, h2, h3 := h[0][:n], h[1][:n], h[2][:n], h[3][:n]
	for i := range d2c {
		d2c[i], s1c[i], d1c[i], xe[i] = lift97SynState(
			func(j int) float32 { return [3]float32{l0[i], l1[i], l2[i]}[j+1] },
			func(j int) float32 { return [4]float32{h0[i], h1[i], h2[i], h3[i]}[j+2] })
	}
}

// lift97SynColStep writes output rows 2k (even) and 2k+1 (odd) from band
// rows lo[k+2], hi[k+2] and the state rows, which it advances:
//
//	for i := range even {
//		d2n := -K·hi2[i]; s1n := lo2[i]/K - δ·(d2c[i]+d2n)
//		d1n := d2c[i] - γ·(s1c[i]+s1n); xe2 := s1c[i] - β·(d1c[i]+d1n)
//		even[i], odd[i] = xe[i], d1c[i] - α·(xe[i]+xe2)
//		d2c[i], s1c[i], d1c[i], xe[i] = d2n, s1n, d1n, xe2
//	}
func lift97SynColStep(even, odd, lo2, hi2 []float32, st *[4][]float32) {
	n := len(even)
	odd, lo2, hi2 = odd[:n], lo2[:n], hi2[:n]
	d2c, s1c, d1c, xe := st[0][:n], st[1][:n], st[2][:n], st[3][:n]
	il, ih := cdf97.ik, cdf97.ikh
	a, b, c, d := cdf97.a, cdf97.b, cdf97.c, cdf97.d
	for i := range even {
		d2n := ih * hi2[i]
		s1n := il*lo2[i] - d*(d2c[i]+d2n)
		d1n := d2c[i] - c*(s1c[i]+s1n)
		xe2 := s1c[i] - b*(d1c[i]+d1n)
		even[i], odd[i] = xe[i], d1c[i]-a*(xe[i]+xe2)
		d2c[i], s1c[i], d1c[i], xe[i] = d2n, s1n, d1n, xe2
	}
}

// lift97RowPasses is lift97Row by simd's lifting kernels, for CPUs with
// vector kernels, leaving out the final scaling: lo gets s2 and hi gets d2
// (the column pass folds K and -1/K into its own). e and o are scratch of
// at least m+4 floats; x is the row (odd length: last sample repeated).
func lift97RowPasses(lo, hi, x, e, o []float32) {
	m := len(lo)
	n := len(x)
	if n%2 == 0 {
		simd.Lift97Row(lo, hi[:m], x, e, o, &cdf97Steps)
		return
	}
	e, o = e[:m+4], o[:m+4] // index k+2 holds polyphase sample k, k ∈ [-2, m+2)
	ev, od := e[2:m+2], o[2:m+2]
	simd.Unzip2(ev[:m-1], od[:m-1], x[:2*(m-1)])
	ev[m-1], od[m-1] = x[n-1], x[n-1] // the odd extension
	for _, k := range [4]int{-2, -1, m, m + 1} {
		j := mod(k, m) + 2
		e[k+2], o[k+2] = e[j], o[j]
	}
	simd.Lift97Steps(lo, hi[:m], e, o, &cdf97Steps)
}

// lift97SynColPasses is lift97SynColStep as whole-row passes of simd.Saxpy,
// for CPUs with vector kernels. It writes the even output row to even and
// returns the odd one, which lives in a state buffer until the next call;
// spare holds two rows the passes rotate through.
func lift97SynColPasses(even, lo2, hi2 []float32, st *[4][]float32, spare *[2][]float32) (odd []float32) {
	d2c, s1c, d1c, xe := st[0], st[1], st[2], st[3]
	t1, t2 := spare[0], spare[1]
	a, b, c, d := cdf97.a, cdf97.b, cdf97.c, cdf97.d
	clear(t1) // t1 = d2[k+2]
	simd.Saxpy(cdf97.ikh, hi2, t1)
	clear(t2) // t2 = s1[k+2]
	simd.Saxpy(cdf97.ik, lo2, t2)
	simd.Saxpy(-d, d2c, t2)
	simd.Saxpy(-d, t1, t2)
	simd.Saxpy(-c, s1c, d2c) // d2c = d1[k+1]
	simd.Saxpy(-c, t2, d2c)
	simd.Saxpy(-b, d1c, s1c) // s1c = x[2k+2]
	simd.Saxpy(-b, d2c, s1c)
	copy(even, xe)
	simd.Saxpy(-a, xe, d1c) // d1c = x[2k+1]
	simd.Saxpy(-a, s1c, d1c)
	*st = [4][]float32{t1, t2, d2c, s1c}
	*spare = [2][]float32{d1c, xe}
	return d1c
}
