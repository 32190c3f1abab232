package codec

// The inner loops of every transform are these four multiply-accumulate
// kernels over contiguous float32 slices: rows of an image for the vertical
// filters, shifted polyphase windows for the horizontal ones. They are the
// seam where SIMD kernels from package simd replace the pure-Go loops; each
// comment gives the meaning in plain Go.
//
// The loops are unrolled by four with the slices re-sliced to len(dst) first,
// which lets the compiler drop bounds checks and keep four independent
// multiply-add chains in flight.

// firScale is: for i := range dst { dst[i] = c * a[i] }.
func firScale(dst []float32, c float32, a []float32) {
	a = a[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, s := dst[i:i+4:i+4], a[i:i+4:i+4]
		d[0], d[1], d[2], d[3] = c*s[0], c*s[1], c*s[2], c*s[3]
	}
	for ; i < len(dst); i++ {
		dst[i] = c * a[i]
	}
}

// firScaleSum is: for i := range dst { dst[i] = c * (a[i] + b[i]) }.
func firScaleSum(dst []float32, c float32, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, s, t := dst[i:i+4:i+4], a[i:i+4:i+4], b[i:i+4:i+4]
		d[0], d[1], d[2], d[3] = c*(s[0]+t[0]), c*(s[1]+t[1]), c*(s[2]+t[2]), c*(s[3]+t[3])
	}
	for ; i < len(dst); i++ {
		dst[i] = c * (a[i] + b[i])
	}
}

// firAxpy is: for i := range dst { dst[i] += c * a[i] }.
func firAxpy(dst []float32, c float32, a []float32) {
	a = a[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, s := dst[i:i+4:i+4], a[i:i+4:i+4]
		d[0] += c * s[0]
		d[1] += c * s[1]
		d[2] += c * s[2]
		d[3] += c * s[3]
	}
	for ; i < len(dst); i++ {
		dst[i] += c * a[i]
	}
}

// firAxpySum is: for i := range dst { dst[i] += c * (a[i] + b[i]) }.
func firAxpySum(dst []float32, c float32, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, s, t := dst[i:i+4:i+4], a[i:i+4:i+4], b[i:i+4:i+4]
		d[0] += c * (s[0] + t[0])
		d[1] += c * (s[1] + t[1])
		d[2] += c * (s[2] + t[2])
		d[3] += c * (s[3] + t[3])
	}
	for ; i < len(dst); i++ {
		dst[i] += c * (a[i] + b[i])
	}
}

// firTerm applies one filter term to dst: the first term of a sum sets dst,
// later ones accumulate. b is nil for an unpaired tap.
func firTerm(dst []float32, first bool, c float32, a, b []float32) {
	switch {
	case first && b == nil:
		firScale(dst, c, a)
	case first:
		firScaleSum(dst, c, a, b)
	case b == nil:
		firAxpy(dst, c, a)
	default:
		firAxpySum(dst, c, a, b)
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
