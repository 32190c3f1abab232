package kern

import (
	"testing"

	"github.com/edgerun/edgerun/simd"
)

// forEachLevel runs f once at every SIMD level this CPU supports (Generic
// first), switching simd's kernels with simd.SetLevel, and restores the
// level in force afterwards. Kernels here must give results within their
// tests' tolerances at every level, and integer kernels the same bytes.
func forEachLevel(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := simd.Active()
	defer func() {
		if err := simd.SetLevel(saved); err != nil {
			t.Fatal(err)
		}
	}()
	for _, l := range simd.Supported() {
		if err := simd.SetLevel(l); err != nil {
			t.Fatal(err)
		}
		t.Run(l.String(), f)
	}
}

// TestKernelsAtEveryLevel runs the reference tests of every kernel built on
// simd (GEMM, elementwise, softmax, int8 GEMM and requantisation) at each
// supported level. The int8 tests compare bytes, so they prove the integer
// paths bit-exact across levels.
func TestKernelsAtEveryLevel(t *testing.T) {
	tests := []struct {
		name string
		f    func(*testing.T)
	}{
		{"conv2d", TestConv2DTorch}, {"conv1d", TestConv1DTorch}, {"conv2d-random", TestConv2DRandom},
		{"winograd", TestConvWinogradChunks}, {"dense", TestDenseTorch}, {"gemm", TestGemmTorch},
		{"matmul", TestMatMulTorch}, {"attention", TestAttentionTorch}, {"unary", TestUnaryTorch},
		{"softmax", TestSoftmaxTorch}, {"groupnorm", TestGroupNormTorch}, {"layernorm", TestLayerNormTorch},
		{"qconv2d", TestQConv2DNumPy}, {"qconv2d-random", TestQConv2DRandom}, {"qdense", TestQDenseNumPy},
	}
	forEachLevel(t, func(t *testing.T) {
		for _, tc := range tests {
			t.Run(tc.name, tc.f)
		}
	})
}
