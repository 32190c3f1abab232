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

// mod is the non-negative remainder of v by m (m > 0).
func mod(v, m int) int {
	v %= m
	if v < 0 {
		v += m
	}
	return v
}
