package kern

// GemmFunc is the signature of the single-precision matrix multiply every
// float kernel here is built on. It has BLAS sgemm semantics on row-major
// matrices:
//
//	C = alpha·op(A)·op(B) + beta·C
//
// where op(A) is m×k (A is m×k with row stride lda, or k×m when transA),
// op(B) is k×n (B is k×n with row stride ldb, or n×k when transB) and C is
// m×n with row stride ldc. When beta is 0, C is not read (NaNs in it do not
// propagate), as in BLAS.
type GemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// gemm is the matrix multiply the kernels call. It starts as the pure-Go
// blocked implementation; a faster one with the same semantics (the SIMD
// SGEMM) can be assigned here at package initialisation.
var gemm GemmFunc = GemmGeneric

// Blocking sizes of the pure-Go GEMM: a kc×nc panel of B (64 KiB) stays in
// L2 while rows of A stream past it.
const (
	gemmKC = 128
	gemmNC = 128
)

// GemmGeneric is the pure-Go GEMM (see GemmFunc). It never allocates.
func GemmGeneric(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	// C = beta·C first; the products are then accumulated into C.
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		switch beta {
		case 0:
			clear(row)
		case 1:
		default:
			for j := range row {
				row[j] *= beta
			}
		}
	}
	if k <= 0 || alpha == 0 {
		return
	}
	switch {
	case !transB:
		gemmAxpy(transA, m, n, k, alpha, a, lda, b, ldb, c, ldc)
	case !transA:
		gemmDotNT(m, n, k, alpha, a, lda, b, ldb, c, ldc)
	default:
		gemmTT(m, n, k, alpha, a, lda, b, ldb, c, ldc)
	}
}

// aAt returns op(A)[i][p].
func aAt(transA bool, a []float32, lda, i, p int) float32 {
	if transA {
		return a[p*lda+i]
	}
	return a[i*lda+p]
}

// gemmAxpy handles op(B) = B (row-major k×n): each C row is a sum of scaled
// B rows, so the inner loop runs over contiguous memory of both. Four rows of
// C share each loaded B row.
func gemmAxpy(transA bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for j0 := 0; j0 < n; j0 += gemmNC {
		j1 := min(j0+gemmNC, n)
		nb := j1 - j0
		for p0 := 0; p0 < k; p0 += gemmKC {
			p1 := min(p0+gemmKC, k)
			i := 0
			for ; i+4 <= m; i += 4 {
				c0 := c[i*ldc+j0 : i*ldc+j0+nb]
				c1 := c[(i+1)*ldc+j0 : (i+1)*ldc+j0+nb]
				c2 := c[(i+2)*ldc+j0 : (i+2)*ldc+j0+nb]
				c3 := c[(i+3)*ldc+j0 : (i+3)*ldc+j0+nb]
				for p := p0; p < p1; p++ {
					a0 := alpha * aAt(transA, a, lda, i, p)
					a1 := alpha * aAt(transA, a, lda, i+1, p)
					a2 := alpha * aAt(transA, a, lda, i+2, p)
					a3 := alpha * aAt(transA, a, lda, i+3, p)
					br := b[p*ldb+j0 : p*ldb+j0+nb]
					for j, bv := range br {
						c0[j] += a0 * bv
						c1[j] += a1 * bv
						c2[j] += a2 * bv
						c3[j] += a3 * bv
					}
				}
			}
			for ; i < m; i++ {
				cr := c[i*ldc+j0 : i*ldc+j0+nb]
				for p := p0; p < p1; p++ {
					av := alpha * aAt(transA, a, lda, i, p)
					if av == 0 {
						continue
					}
					br := b[p*ldb+j0 : p*ldb+j0+nb]
					for j, bv := range br {
						cr[j] += av * bv
					}
				}
			}
		}
	}
}

// gemmDotNT handles C += alpha·A·Bᵀ with A m×k and B n×k, both row-major: every
// element is a dot product of two contiguous rows. A 2×2 register block halves
// the loads.
func gemmDotNT(m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	i := 0
	for ; i+2 <= m; i += 2 {
		a0 := a[i*lda : i*lda+k]
		a1 := a[(i+1)*lda : (i+1)*lda+k]
		j := 0
		for ; j+2 <= n; j += 2 {
			b0 := b[j*ldb : j*ldb+k]
			b1 := b[(j+1)*ldb : (j+1)*ldb+k]
			var s00, s01, s10, s11 float32
			for p := range a0 {
				x0, x1 := a0[p], a1[p]
				y0, y1 := b0[p], b1[p]
				s00 += x0 * y0
				s01 += x0 * y1
				s10 += x1 * y0
				s11 += x1 * y1
			}
			c[i*ldc+j] += alpha * s00
			c[i*ldc+j+1] += alpha * s01
			c[(i+1)*ldc+j] += alpha * s10
			c[(i+1)*ldc+j+1] += alpha * s11
		}
		for ; j < n; j++ {
			b0 := b[j*ldb : j*ldb+k]
			c[i*ldc+j] += alpha * dot(a0, b0)
			c[(i+1)*ldc+j] += alpha * dot(a1, b0)
		}
	}
	for ; i < m; i++ {
		a0 := a[i*lda : i*lda+k]
		for j := 0; j < n; j++ {
			c[i*ldc+j] += alpha * dot(a0, b[j*ldb:j*ldb+k])
		}
	}
}

// gemmTT handles the rare case of both operands transposed: C[i][j] +=
// alpha·Σ_p A[p][i]·B[j][p].
func gemmTT(m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			br := b[j*ldb : j*ldb+k]
			var s float32
			for p, bv := range br {
				s += a[p*lda+i] * bv
			}
			c[i*ldc+j] += alpha * s
		}
	}
}

// dot returns Σ x[i]·y[i] over len(x) with four partial sums.
func dot(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}
