package simd

// sgemmKernGeneric is the Go twin of the SGEMM microkernels for any shape
// mr×nr with rows*nr <= sgemmMaxMR*sgemmMaxNR (see sgemmMicro):
//
//	c[i*ldc+j] = alpha*sum_{p<k} a[p*mr+i]*b[p*nr+j] + beta*c[i*ldc+j] + bias[j]
//
// for i < rows and j < nr, c read only when beta != 0.
func sgemmKernGeneric(mr, nr, rows, k int, a, b, c []float32, ldc int, alpha, beta float32, bias []float32) {
	var acc [sgemmMaxMR * sgemmMaxNR]float32
	if rows*nr > len(acc) {
		panic("simd: sgemm microkernel tile too large")
	}
	a, b = a[:k*mr], b[:k*nr]
	for p := 0; p < k; p++ {
		bp := b[p*nr : p*nr+nr]
		ap := a[p*mr : p*mr+rows]
		for i, av := range ap {
			ac := acc[i*nr : i*nr+nr]
			for j, bv := range bp {
				ac[j] += av * bv
			}
		}
	}
	for i := 0; i < rows; i++ {
		crow := c[i*ldc : i*ldc+nr]
		for j := range crow {
			v := alpha * acc[i*nr+j]
			if bias != nil {
				v += bias[j]
			}
			if beta != 0 {
				v += beta * crow[j]
			}
			crow[j] = v
		}
	}
}

// sgemmRow4Generic is the Go twin of the single-row kernels
// (sgemmMicro.row4): one row of four panels bstride apart, each through
// sgemmKernGeneric.
func sgemmRow4Generic(mr, nr, k int, a, b []float32, bstride int, c []float32, alpha, beta float32, bias []float32) {
	for q := 0; q < 4; q++ {
		var bs []float32
		if bias != nil {
			bs = bias[q*nr : q*nr+nr]
		}
		sgemmKernGeneric(mr, nr, 1, k, a, b[q*bstride:], c[q*nr:], nr, alpha, beta, bs)
	}
}
