package kern

import (
	"math/rand/v2"
	"testing"
)

// Dense/GEMM tolerance: float32 dot products of up to 64 terms.
const tolDense = 1e-5

func TestDenseTorch(t *testing.T) {
	for _, c := range casesOf(t, "dense") {
		var p DenseParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		x, w, b, want := c.f32(t, "x"), c.f32(t, "w"), c.f32(t, "b"), c.f32(t, "y")
		dst, check := guarded(t, p.Batch*p.Out)
		Dense(&p, dst, x, w, b)
		check()
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tolDense))
		noAllocs(t, c.Name, func() { Dense(&p, dst, x, w, b) })

		pw := PackDense(&p, w)
		dst, check = guarded(t, p.Batch*p.Out)
		DensePacked(&p, dst, x, pw, b)
		check()
		closeTo(t, c.Name+" packed", dst, want, tolDense)
		noAllocs(t, c.Name+" packed", func() { DensePacked(&p, dst, x, pw, b) })
		buf := make([]float32, PackedDenseLen(&p))
		DensePacked(&p, dst, x, PackDenseInto(buf, &p, w), nil)
		if b != nil {
			for i := range dst {
				dst[i] += b[i%p.Out]
			}
		}
		closeTo(t, c.Name+" packed into, no bias", dst, want, tolDense)
	}
}

func TestGemmTorch(t *testing.T) {
	for _, c := range casesOf(t, "gemm") {
		var p GemmParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		a, b, bias, want := c.f32(t, "a"), c.f32(t, "b"), c.f32(t, "bias"), c.f32(t, "y")
		dst, check := guarded(t, p.M*p.N)
		Gemm(&p, dst, a, b, bias)
		check()
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tolDense))
		noAllocs(t, c.Name, func() { Gemm(&p, dst, a, b, bias) })
	}
}

func TestMatMulTorch(t *testing.T) {
	for _, c := range casesOf(t, "matmul") {
		var p MatMulParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		a, b, want := c.f32(t, "a"), c.f32(t, "b"), c.f32(t, "y")
		dst, check := guarded(t, p.Batch*p.M*p.N)
		MatMul(&p, dst, a, b)
		check()
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tolDense))
		noAllocs(t, c.Name, func() { MatMul(&p, dst, a, b) })
	}
}

// TestGemmGeneric checks every transpose combination, strides larger than
// the rows, and alpha/beta against a float64 triple loop, on sizes that
// cross the blocking boundaries.
func TestGemmGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sizes := [][3]int{{1, 1, 1}, {0, 3, 2}, {3, 0, 2}, {2, 3, 0}, {5, 7, 3}, {4, 4, 4}, {9, 130, 131}, {17, 3, 260}, {33, 129, 2}}
	for _, s := range sizes {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, ab := range [][2]float32{{1, 0}, {0.5, 1}, {-2, 0.25}} {
					alpha, beta := ab[0], ab[1]
					ar, ac := m, k
					if ta {
						ar, ac = k, m
					}
					br, bc := k, n
					if tb {
						br, bc = n, k
					}
					lda, ldb, ldc := ac+3, bc+1, n+2
					a := randSlice(r, max(ar*lda, 1))
					b := randSlice(r, max(br*ldb, 1))
					c := randSlice(r, max(m*ldc, 1))
					if beta == 0 {
						for i := range c {
							c[i] = float32(nan())
						}
					}
					want := make([]float64, len(c))
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							var sum float64
							for p := 0; p < k; p++ {
								var av, bv float32
								if ta {
									av = a[p*lda+i]
								} else {
									av = a[i*lda+p]
								}
								if tb {
									bv = b[j*ldb+p]
								} else {
									bv = b[p*ldb+j]
								}
								sum += float64(av) * float64(bv)
							}
							old := 0.0
							if beta != 0 {
								old = float64(beta) * float64(c[i*ldc+j])
							}
							want[i*ldc+j] = float64(alpha)*sum + old
						}
					}
					got := append([]float32(nil), c...)
					GemmGeneric(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc)
					for i := 0; i < m; i++ {
						for j := 0; j < ldc; j++ {
							g := got[i*ldc+j]
							if j >= n {
								if g != c[i*ldc+j] && !(g != g && c[i*ldc+j] != c[i*ldc+j]) {
									t.Fatalf("%v ta=%v tb=%v: wrote padding column %d", s, ta, tb, j)
								}
								continue
							}
							if d := float64(g) - want[i*ldc+j]; d > 1e-4*float64(k+1) || d < -1e-4*float64(k+1) || g != g {
								t.Fatalf("%v ta=%v tb=%v α=%v β=%v: C[%d][%d]=%v want %v", s, ta, tb, alpha, beta, i, j, g, want[i*ldc+j])
							}
						}
					}
				}
			}
		}
	}
}

func nan() float64 { var z float64; return z / z }

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}
