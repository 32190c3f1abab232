package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgerun/edgerun/simd"
	"github.com/stretchr/testify/require"
)

// forEachLevel runs f at every SIMD level this CPU supports and restores
// the level in force afterwards.
func forEachLevel(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := simd.Active()
	defer func() { require.NoError(t, simd.SetLevel(saved)) }()
	for _, l := range simd.Supported() {
		require.NoError(t, simd.SetLevel(l))
		t.Run(l.String(), f)
	}
}

// TestMatMulInt8Levels holds the SIMD int8 GEMM path to the plain-loop
// reference, bit for bit, on edge-case shapes at every level (weights
// packed at that level, as a program started there would pack them).
func TestMatMulInt8Levels(t *testing.T) {
	shapes := [][3]int{{1, 1, 1}, {1, 7, 3}, {2, 13, 70}, {5, 17, 31}, {8, 64, 65}, {3, 33, 129}}
	if !testing.Short() {
		shapes = append(shapes, [3]int{64, 300, 1000})
	}
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 21))
		for _, sh := range shapes {
			m, rows, cols := sh[0], sh[1], sh[2]
			w := randMatrix(rng, rows, cols)
			q, err := NewInt8(w, rows, cols)
			require.NoError(t, err)
			xq := make([]uint8, m*cols)
			for i := range xq {
				xq[i] = uint8(rng.IntN(256))
			}
			// Extreme activations and zero points exercise the exactness
			// of the kernels' offset tricks.
			xq[0] = 255
			for _, a := range []ActQuant{{Scale: 0.01, Zero: 0}, {Scale: 0.02, Zero: 128}, {Scale: 0.5, Zero: 255}} {
				acc, accRef := make([]int32, m*rows), make([]int32, m*rows)
				y, yRef := make([]float32, m*rows), make([]float32, m*rows)
				q.MatMulInt8(y, xq, a, m, acc)
				q.matMulInt8Ref(yRef, xq, a, m, accRef)
				require.Equal(t, accRef, acc, "%v zero %d", sh, a.Zero)
				require.Equal(t, yRef, y)
			}
		}
	})
}

// TestQuantPathsLevels runs the float execution paths built on simd
// kernels (Sdot, Sgemm, half conversion, the LUT kernel) against
// decode-then-multiply at every level.
func TestQuantPathsLevels(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(22, 22))
		for _, sh := range [][2]int{{1, 2}, {17, 31}, {33, 64}} {
			w := randMatrix(rng, sh[0], sh[1])
			for _, mk := range []func() (Matrix, error){
				func() (Matrix, error) { return NewDense(w, sh[0], sh[1]) },
				func() (Matrix, error) { return NewF16(w, sh[0], sh[1]) },
				func() (Matrix, error) { return NewBF16(w, sh[0], sh[1]) },
				func() (Matrix, error) { return NewInt8(w, sh[0], sh[1]) },
				func() (Matrix, error) { return NewPQ(w, sh[0], sh[1], PQConfig{SubDim: 2, K: 16, Seed: 3}) },
			} {
				q, err := mk()
				require.NoError(t, err)
				checkMatMul(t, q, rng)
			}
		}
	})
}

// TestActQuantDivides checks that Quantize divides by the scale, as ONNX
// QuantizeLinear and the runtime's quantize kernel do, on values where
// multiplying by the reciprocal rounds the other way.
func TestActQuantDivides(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 23))
	differ := 0
	for it := 0; it < 20000; it++ {
		a := ActQuant{Scale: float32(rng.Float64()*0.1 + 1e-3), Zero: int32(rng.IntN(256))}
		// Values near a rounding tie, where the two forms can disagree.
		v := (float32(rng.IntN(200)-100) + 0.5) * a.Scale
		var q [1]uint8
		a.Quantize(q[:], []float32{v})
		want := uint8(max(0, min(255, math.RoundToEven(float64(v/a.Scale))+float64(a.Zero))))
		require.Equal(t, want, q[0], "scale %v zero %d x %v", a.Scale, a.Zero, v)
		inv := 1 / a.Scale
		if uint8(max(0, min(255, math.RoundToEven(float64(v*inv))+float64(a.Zero)))) != want {
			differ++
		}
	}
	require.Positive(t, differ, "no case tells division from multiplication: the test proves nothing")
	var q [3]uint8
	a := ActQuant{Scale: 0.1, Zero: 7}
	a.Quantize(q[:], []float32{float32(math.NaN()), float32(math.Inf(1)), -1e30})
	require.Equal(t, [3]uint8{7, 255, 0}, q)
}
