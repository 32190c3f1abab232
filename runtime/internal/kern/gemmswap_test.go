package kern

import (
	"fmt"
	"testing"
)

// naiveGemm implements GemmFunc literally from its contract (float64
// sums) and checks that callers pass consistent strides and lengths. A
// faster GEMM assigned to gemm is held to the same contract.
func naiveGemm() GemmFunc {
	return func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		ar, ac := m, k
		if transA {
			ar, ac = k, m
		}
		br, bc := k, n
		if transB {
			br, bc = n, k
		}
		if m > 0 && n > 0 && (ldc < n || lda < ac || ldb < bc || len(c) < (m-1)*ldc+n ||
			k > 0 && (len(a) < (ar-1)*lda+ac || len(b) < (br-1)*ldb+bc)) {
			panic(fmt.Sprintf("gemm called with inconsistent sizes m=%d n=%d k=%d lda=%d ldb=%d ldc=%d len=%d,%d,%d",
				m, n, k, lda, ldb, ldc, len(a), len(b), len(c)))
		}
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var s float64
				for p := 0; p < k; p++ {
					var av, bv float32
					if transA {
						av = a[p*lda+i]
					} else {
						av = a[i*lda+p]
					}
					if transB {
						bv = b[j*ldb+p]
					} else {
						bv = b[p*ldb+j]
					}
					s += float64(av) * float64(bv)
				}
				r := float64(alpha) * s
				if beta != 0 {
					r += float64(beta) * float64(c[i*ldc+j])
				}
				c[i*ldc+j] = float32(r)
			}
		}
	}
}

// TestKernelsWithOtherGemm runs the GEMM-based kernels' reference tests
// with gemm replaced, as the SIMD SGEMM will replace it.
func TestKernelsWithOtherGemm(t *testing.T) {
	saved := gemm
	gemm = naiveGemm()
	defer func() { gemm = saved }()
	for name, f := range map[string]func(*testing.T){
		"conv2d": TestConv2DTorch, "conv1d": TestConv1DTorch, "dense": TestDenseTorch, "gemm": TestGemmTorch,
		"matmul": TestMatMulTorch, "attention": TestAttentionTorch, "winograd": TestConvWinogradChunks,
	} {
		t.Run(name, f)
	}
}
