package codec

// The inner loops of every transform are multiply-accumulate kernels over
// contiguous float32 slices: rows of an image for the vertical filters,
// shifted polyphase windows for the horizontal ones. Every filter term is a
// pair c·(a[i]+b[i]) (a lone tap c·a[i] is stored as (c/2)·(a[i]+a[i]),
// which is exact), so symmetric filters such as bior4.4 need one multiply
// per pair of taps. firSum is the seam where SIMD kernels from package simd
// replace these loops; each kernel's comment gives its meaning in plain Go.
//
// One pass computes up to five terms so the destination is loaded and stored
// once per output sample (bior4.4 has at most five terms per output). The
// slices are re-sliced to len(dst) first so the compiler drops bounds checks.

// maxTerms bounds the terms one filter output may have: a filter of length
// L has at most L/2+1 terms per polyphase output; 16 covers L ≤ 30.
const maxTerms = 16

// firSum is, with s the sum over t < len(c) of c[t]*(a[t][i]+b[t][i]):
//
//	for i := range dst { dst[i] = s }
//
// summed in term order.
func firSum(dst []float32, c []float32, a, b [][]float32) {
	acc := false
	for len(c) > 0 {
		k := min(len(c), 5)
		switch k {
		case 1:
			firPairs1(dst, acc, c, a, b)
		case 2:
			firPairs2(dst, acc, c, a, b)
		case 3:
			firPairs3(dst, acc, c, a, b)
		case 4:
			firPairs4(dst, acc, c, a, b)
		default:
			firPairs5(dst, acc, c, a, b)
		}
		c, a, b = c[k:], a[k:], b[k:]
		acc = true
	}
}

// firPairs1 is firSum for 1 term; with acc it adds to dst instead of
// overwriting it.
func firPairs1(dst []float32, acc bool, c []float32, a, b [][]float32) {
	n := len(dst)
	c0, a0, b0 := c[0], a[0][:n], b[0][:n]
	if acc {
		for i := range dst {
			dst[i] += c0 * (a0[i] + b0[i])
		}
		return
	}
	for i := range dst {
		dst[i] = c0 * (a0[i] + b0[i])
	}
}

// firPairs2 is firSum for 2 terms; with acc it adds to dst instead of
// overwriting it.
func firPairs2(dst []float32, acc bool, c []float32, a, b [][]float32) {
	n := len(dst)
	c0, a0, b0 := c[0], a[0][:n], b[0][:n]
	c1, a1, b1 := c[1], a[1][:n], b[1][:n]
	if acc {
		for i := range dst {
			dst[i] += c0*(a0[i]+b0[i]) + c1*(a1[i]+b1[i])
		}
		return
	}
	for i := range dst {
		dst[i] = c0*(a0[i]+b0[i]) + c1*(a1[i]+b1[i])
	}
}

// firPairs3 is firSum for 3 terms; with acc it adds to dst instead of
// overwriting it.
func firPairs3(dst []float32, acc bool, c []float32, a, b [][]float32) {
	n := len(dst)
	c0, a0, b0 := c[0], a[0][:n], b[0][:n]
	c1, a1, b1 := c[1], a[1][:n], b[1][:n]
	c2, a2, b2 := c[2], a[2][:n], b[2][:n]
	if acc {
		for i := range dst {
			dst[i] += c0*(a0[i]+b0[i]) + c1*(a1[i]+b1[i]) + c2*(a2[i]+b2[i])
		}
		return
	}
	for i := range dst {
		dst[i] = c0*(a0[i]+b0[i]) + c1*(a1[i]+b1[i]) + c2*(a2[i]+b2[i])
	}
}

// firPairs4 is firSum for 4 terms; with acc it adds to dst instead of
// overwriting it.
func firPairs4(dst []float32, acc bool, c []float32, a, b [][]float32) {
	n := len(dst)
	c0, a0, b0 := c[0], a[0][:n], b[0][:n]
	c1, a1, b1 := c[1], a[1][:n], b[1][:n]
	c2, a2, b2 := c[2], a[2][:n], b[2][:n]
	c3, a3, b3 := c[3], a[3][:n], b[3][:n]
	if acc {
		for i := range dst {
			dst[i] += c0*(a0[i]+b0[i]) + c1*(a1[i]+b1[i]) + c2*(a2[i]+b2[i]) + c3*(a3[i]+b3[i])
		}
		return
	}
	for i := range dst {
		dst[i] = c0*(a0[i]+b0[i]) + c1*(a1[i]+b1[i]) + c2*(a2[i]+b2[i]) + c3*(a3[i]+b3[i])
	}
}

// firPairs5 is firSum for 5 terms; with acc it adds to dst instead of
// overwriting it.
func firPairs5(dst []float32, acc bool, c []float32, a, b [][]float32) {
	n := len(dst)
	c0, a0, b0 := c[0], a[0][:n], b[0][:n]
	c1, a1, b1 := c[1], a[1][:n], b[1][:n]
	c2, a2, b2 := c[2], a[2][:n], b[2][:n]
	c3, a3, b3 := c[3], a[3][:n], b[3][:n]
	c4, a4, b4 := c[4], a[4][:n], b[4][:n]
	if acc {
		for i := range dst {
			dst[i] += c0*(a0[i]+b0[i]) + c1*(a1[i]+b1[i]) + c2*(a2[i]+b2[i]) + c3*(a3[i]+b3[i]) + c4*(a4[i]+b4[i])
		}
		return
	}
	for i := range dst {
		dst[i] = c0*(a0[i]+b0[i]) + c1*(a1[i]+b1[i]) + c2*(a2[i]+b2[i]) + c3*(a3[i]+b3[i]) + c4*(a4[i]+b4[i])
	}
}

// firSym97 computes both analysis outputs of a bior4.4-shaped filter from
// the nine inputs r[0..8] at offsets -4..4, reading each input once:
//
//	for i := range lo {
//		lo[i] = cl[0]*r[4][i] + Σ_{d=1..4} cl[d]*(r[4-d][i]+r[4+d][i])
//		hi[i] = ch[0]*r[5][i] + Σ_{d=1..3} ch[d]*(r[5-d][i]+r[5+d][i])
//	}
func firSym97(lo, hi []float32, r *[9][]float32, cl, ch *[5]float32) {
	n := len(lo)
	hi = hi[:n]
	r0, r1, r2, r3, r4 := r[0][:n], r[1][:n], r[2][:n], r[3][:n], r[4][:n]
	r5, r6, r7, r8 := r[5][:n], r[6][:n], r[7][:n], r[8][:n]
	l0, l1, l2, l3, l4 := cl[0], cl[1], cl[2], cl[3], cl[4]
	h0, h1, h2, h3 := ch[0], ch[1], ch[2], ch[3]
	for i := range lo {
		x0, x1, x2, x3, x4 := r0[i], r1[i], r2[i], r3[i], r4[i]
		x5, x6, x7, x8 := r5[i], r6[i], r7[i], r8[i]
		lo[i] = l0*x4 + l1*(x3+x5) + l2*(x2+x6) + l3*(x1+x7) + l4*(x0+x8)
		hi[i] = h0*x5 + h1*(x4+x6) + h2*(x3+x7) + h3*(x2+x8)
	}
}

// firSym97Row is firSym97 along a row, reading the inputs at stride 2
// from xp (the row with a circular halo of 4 on each side, len ≥ 2·len(lo)+8)
// instead of from nine separate streams:
//
//	for i := range lo {
//		lo[i] = cl[0]*xp[2i+4] + Σ_{d=1..4} cl[d]*(xp[2i+4-d]+xp[2i+4+d])
//		hi[i] = ch[0]*xp[2i+5] + Σ_{d=1..3} ch[d]*(xp[2i+5-d]+xp[2i+5+d])
//	}
//
// The nine-sample window slides by two, so each step loads two new samples
// and keeps seven in registers.
func firSym97Row(lo, hi, xp []float32, cl, ch *[5]float32) {
	n := len(lo)
	if n == 0 {
		return
	}
	hi = hi[:n]
	xp = xp[:2*n+8]
	l0, l1, l2, l3, l4 := cl[0], cl[1], cl[2], cl[3], cl[4]
	h0, h1, h2, h3 := ch[0], ch[1], ch[2], ch[3]
	x0, x1, x2, x3, x4, x5, x6 := xp[0], xp[1], xp[2], xp[3], xp[4], xp[5], xp[6]
	for i := range lo {
		w := xp[2*i+7 : 2*i+9 : 2*i+9]
		x7, x8 := w[0], w[1]
		lo[i] = l0*x4 + l1*(x3+x5) + l2*(x2+x6) + l3*(x1+x7) + l4*(x0+x8)
		hi[i] = h0*x5 + h1*(x4+x6) + h2*(x3+x7) + h3*(x2+x8)
		x0, x1, x2, x3, x4, x5, x6 = x2, x3, x4, x5, x6, x7, x8
	}
}

// mod is the non-negative remainder of v by m (m > 0).
func mod(v, m int) int {
	v %= m
	if v < 0 {
		v += m
	}
	return v
}
