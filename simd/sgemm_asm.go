//go:build (amd64 || arm64) && !noasm && !purego

package simd

// sgemmCheckKern panics unless the slices given to an assembly microkernel of
// shape mr×nr cover everything it reads and writes: the kernels trust
// their pointers, so this is what keeps them memory-safe.
func sgemmCheckKern(mr, nr, rows, k int, a, b, c []float32, ldc int, bias []float32) {
	if rows < 1 || rows > mr || k < 0 || ldc < nr ||
		len(a) < max(1, k*mr) || len(b) < max(1, k*nr) || len(c) < (rows-1)*ldc+nr ||
		(bias != nil && len(bias) < nr) {
		panic("simd: sgemm microkernel arguments out of range")
	}
}

// sgemmCheckRow4 is sgemmCheckKern for the single-row kernels.
func sgemmCheckRow4(mr, nr, k int, a, b []float32, bstride int, c, bias []float32) {
	if k < 0 || bstride < k*nr || len(a) < max(1, k*mr) || len(b) < max(1, 3*bstride+k*nr) ||
		len(c) < 4*nr || (bias != nil && len(bias) < 4*nr) {
		panic("simd: sgemm row kernel arguments out of range")
	}
}

func sgemmBiasPtr(bias []float32) *float32 {
	if bias == nil {
		return nil
	}
	return &bias[0]
}
