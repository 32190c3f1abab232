package kern

import (
	"github.com/edgerun/edgerun/simd"
)

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

// gemm is the matrix multiply the kernels call: simd's SGEMM (the CPU's
// microkernel chosen at startup), which has exactly GemmFunc's contract
// (beta 0 never reads C) and takes its workspaces from a free list that
// survives collections, so kernels never allocate once warm.
// GemmGeneric stays as the pure-Go reference the tests compare against.
var gemm GemmFunc = simd.Sgemm

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

// gemmAxpy handles op(B) = B (row-major k×n). C is walked in 2×4 register
// blocks (8 accumulators, 4 B values and 2 A values: within amd64's 15
// float registers); each block reads a kc-long strip of two A rows (or
// columns, when transA) and a kc×4 strip of B, which stays in cache across
// the rows of C because of the kc×nc blocking.
func gemmAxpy(transA bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	// Element (i, p) of op(A) is a[i*sai + p*sap].
	sai, sap := lda, 1
	if transA {
		sai, sap = 1, lda
	}
	for j0 := 0; j0 < n; j0 += gemmNC {
		j1 := min(j0+gemmNC, n)
		for p0 := 0; p0 < k; p0 += gemmKC {
			p1 := min(p0+gemmKC, k)
			i := 0
			for ; i+2 <= m; i += 2 {
				j := j0
				for ; j+4 <= j1; j += 4 {
					var c00, c01, c02, c03, c10, c11, c12, c13 float32
					ia := i*sai + p0*sap
					bi := p0*ldb + j
					for p := p0; p < p1; p++ {
						bs := b[bi : bi+4 : bi+4]
						x0, x1 := a[ia], a[ia+sai]
						b0, b1, b2, b3 := bs[0], bs[1], bs[2], bs[3]
						c00 += x0 * b0
						c01 += x0 * b1
						c02 += x0 * b2
						c03 += x0 * b3
						c10 += x1 * b0
						c11 += x1 * b1
						c12 += x1 * b2
						c13 += x1 * b3
						ia += sap
						bi += ldb
					}
					r0 := c[i*ldc+j : i*ldc+j+4 : i*ldc+j+4]
					r1 := c[(i+1)*ldc+j : (i+1)*ldc+j+4 : (i+1)*ldc+j+4]
					r0[0] += alpha * c00
					r0[1] += alpha * c01
					r0[2] += alpha * c02
					r0[3] += alpha * c03
					r1[0] += alpha * c10
					r1[1] += alpha * c11
					r1[2] += alpha * c12
					r1[3] += alpha * c13
				}
				for ; j < j1; j++ {
					var s0, s1 float32
					ia := i*sai + p0*sap
					for p := p0; p < p1; p++ {
						bv := b[p*ldb+j]
						s0 += a[ia] * bv
						s1 += a[ia+sai] * bv
						ia += sap
					}
					c[i*ldc+j] += alpha * s0
					c[(i+1)*ldc+j] += alpha * s1
				}
			}
			for ; i < m; i++ {
				cr := c[i*ldc+j0 : i*ldc+j1]
				for p := p0; p < p1; p++ {
					av := alpha * a[i*sai+p*sap]
					br := b[p*ldb+j0 : p*ldb+j1]
					for j, bv := range br {
						cr[j] += av * bv
					}
				}
			}
		}
	}
}

// gemmDotNT handles C += alpha·A·Bᵀ with A m×k and B n×k, both row-major: every
// element is a dot product of two contiguous rows. A 2×4 register block
// reads six values per eight multiply-adds.
func gemmDotNT(m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for p0 := 0; p0 < k; p0 += 4 * gemmKC {
		p1 := min(p0+4*gemmKC, k)
		kb := p1 - p0
		i := 0
		for ; i+2 <= m; i += 2 {
			a0 := a[i*lda+p0 : i*lda+p1]
			a1 := a[(i+1)*lda+p0 : (i+1)*lda+p1]
			a1 = a1[:len(a0)]
			j := 0
			for ; j+4 <= n; j += 4 {
				b0 := b[j*ldb+p0 : j*ldb+p1]
				b1 := b[(j+1)*ldb+p0 : (j+1)*ldb+p1]
				b2 := b[(j+2)*ldb+p0 : (j+2)*ldb+p1]
				b3 := b[(j+3)*ldb+p0 : (j+3)*ldb+p1]
				b1, b2, b3 = b1[:kb], b2[:kb], b3[:kb]
				var s00, s01, s02, s03, s10, s11, s12, s13 float32
				for p, x0 := range a0 {
					x1 := a1[p]
					y0, y1, y2, y3 := b0[p], b1[p], b2[p], b3[p]
					s00 += x0 * y0
					s01 += x0 * y1
					s02 += x0 * y2
					s03 += x0 * y3
					s10 += x1 * y0
					s11 += x1 * y1
					s12 += x1 * y2
					s13 += x1 * y3
				}
				r0 := c[i*ldc+j : i*ldc+j+4 : i*ldc+j+4]
				r1 := c[(i+1)*ldc+j : (i+1)*ldc+j+4 : (i+1)*ldc+j+4]
				r0[0] += alpha * s00
				r0[1] += alpha * s01
				r0[2] += alpha * s02
				r0[3] += alpha * s03
				r1[0] += alpha * s10
				r1[1] += alpha * s11
				r1[2] += alpha * s12
				r1[3] += alpha * s13
			}
			for ; j < n; j++ {
				b0 := b[j*ldb+p0 : j*ldb+p1]
				c[i*ldc+j] += alpha * dot(a0, b0)
				c[(i+1)*ldc+j] += alpha * dot(a1, b0)
			}
		}
		for ; i < m; i++ {
			a0 := a[i*lda+p0 : i*lda+p1]
			for j := 0; j < n; j++ {
				c[i*ldc+j] += alpha * dot(a0, b[j*ldb+p0:j*ldb+p1])
			}
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
