package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func randMatrix(rng *rand.Rand, rows, cols int) []float32 {
	w := make([]float32, rows*cols)
	for i := range w {
		w[i] = float32(rng.NormFloat64()) * 0.1
	}
	return w
}

var testShapes = [][2]int{{1, 1}, {1, 33}, {3, 7}, {16, 32}, {17, 31}, {10, 100}, {64, 65}}

// checkMatMul compares MatMul against decode-then-multiply: the bound is
// relative to Σ|x||ŵ|, the scale float32 accumulation errors grow with.
func checkMatMul(t *testing.T, q Matrix, rng *rand.Rand) {
	t.Helper()
	rows, cols := q.Rows(), q.Cols()
	wd := make([]float32, rows*cols)
	q.Decode(wd)
	for _, m := range []int{1, 2, 5} {
		x := randMatrix(rng, m, cols)
		y := make([]float32, m*rows+1)
		y[m*rows] = 42 // guard
		q.MatMul(y[:m*rows], x, m, make([]float32, q.ScratchSize(m)))
		require.Equal(t, float32(42), y[m*rows], "%s wrote past its output", q.Encoding())
		for i := 0; i < m; i++ {
			for r := 0; r < rows; r++ {
				var ref, mag float64
				for c := 0; c < cols; c++ {
					p := float64(x[i*cols+c]) * float64(wd[r*cols+c])
					ref += p
					mag += math.Abs(p)
				}
				tol := 1e-5*mag + 1e-30
				if p, ok := q.(*PQ); ok {
					tol += pqLUTBound(p, x[i*cols:(i+1)*cols])
				}
				require.InDelta(t, ref, y[i*rows+r], tol, "%s %dx%d m=%d at (%d,%d)", q.Encoding(), rows, cols, m, i, r)
			}
		}
	}
}

func TestHalf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, sh := range testShapes {
		w := randMatrix(rng, sh[0], sh[1])
		for _, bf := range []bool{false, true} {
			h, err := newHalf(w, sh[0], sh[1], bf)
			require.NoError(t, err)
			d := make([]float32, len(w))
			h.Decode(d)
			tol := math.Ldexp(1, -11) // f16: 11 significant bits
			if bf {
				tol = math.Ldexp(1, -8)
			}
			for i := range w {
				require.InDelta(t, w[i], d[i], tol*math.Abs(float64(w[i]))+1e-7, "bf16=%v", bf)
			}
			require.Equal(t, 2*len(w), h.Bytes())
			checkMatMul(t, h, rng)
		}
	}
	// bfloat16 rounding: ties to even, NaN stays NaN.
	h, err := NewBF16([]float32{math.Float32frombits(0x3f808000), math.Float32frombits(0x3f818000), float32(math.NaN())}, 1, 3)
	require.NoError(t, err)
	require.Equal(t, uint16(0x3f80), h.Data[0])
	require.Equal(t, uint16(0x3f82), h.Data[1])
	d := make([]float32, 3)
	h.Decode(d)
	require.True(t, math.IsNaN(float64(d[2])))
}

func TestInt8(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, sh := range testShapes {
		w := randMatrix(rng, sh[0], sh[1])
		q, err := NewInt8(w, sh[0], sh[1])
		require.NoError(t, err)
		d := make([]float32, len(w))
		q.Decode(d)
		for r := 0; r < sh[0]; r++ {
			for c := 0; c < sh[1]; c++ {
				i := r*sh[1] + c
				require.LessOrEqual(t, math.Abs(float64(w[i]-d[i])), float64(q.Scales[r])*0.5001)
			}
		}
		checkMatMul(t, q, rng)
	}
	_, err := NewInt8(make([]float32, 5), 2, 3)
	require.ErrorIs(t, err, ErrShape)
}

func TestInt8IntegerPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	rows, cols, m := 13, 70, 4
	w := randMatrix(rng, rows, cols)
	q, err := NewInt8(w, rows, cols)
	require.NoError(t, err)
	x := randMatrix(rng, m, cols)
	a := DynamicActQuant(x)
	xq := make([]uint8, len(x))
	a.Quantize(xq, x)
	acc := make([]int32, m*rows)
	y := make([]float32, m*rows)
	q.MatMulInt8(y, xq, a, m, acc)
	for i := 0; i < m; i++ {
		for r := 0; r < rows; r++ {
			var exact int64
			var ref, mag float64
			for c := 0; c < cols; c++ {
				exact += (int64(xq[i*cols+c]) - int64(a.Zero)) * int64(q.Q[r*cols+c])
				ref += float64(x[i*cols+c]) * float64(w[r*cols+c])
				mag += math.Abs(float64(x[i*cols+c])) * math.Abs(float64(w[r*cols+c]))
			}
			require.Equal(t, exact, int64(acc[i*rows+r]), "integer accumulator")
			// Quantisation of both sides: error well under 2% of Σ|x||w|.
			require.InDelta(t, ref, y[i*rows+r], 0.02*mag)
		}
	}
}

func TestActQuant(t *testing.T) {
	a := ActQuantFromRange(-1, 3)
	require.InDelta(t, 4.0/255, a.Scale, 1e-7)
	q := make([]uint8, 4)
	a.Quantize(q, []float32{0, -1, 3, 100})
	require.Equal(t, uint8(a.Zero), q[0], "zero must be exact")
	require.Equal(t, uint8(0), q[1])
	require.Equal(t, uint8(255), q[2])
	require.Equal(t, uint8(255), q[3], "saturates")

	c := NewCalibrator(1000)
	_, err := c.MinMax()
	require.Error(t, err)
	x := make([]float32, 10000)
	for i := range x {
		x[i] = float32(i%100) / 100
	}
	x[17] = 1000 // an outlier
	c.Observe(x)
	mm, err := c.MinMax()
	require.NoError(t, err)
	require.InDelta(t, 1000.0/255, mm.Scale, 1e-3)
	p, err := c.Percentile(0.999)
	require.NoError(t, err)
	require.Less(t, p.Scale, float32(0.01), "the percentile range ignores the outlier")
	p2, _ := NewCalibratorFrom(x).Percentile(0.999)
	require.Equal(t, p, p2, "calibration is deterministic")
	_, err = c.Percentile(0.2)
	require.Error(t, err)
}

// NewCalibratorFrom is a test helper: a fresh calibrator fed x.
func NewCalibratorFrom(x []float32) *Calibrator {
	c := NewCalibrator(1000)
	c.Observe(x)
	return c
}

func TestInt4(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, sh := range testShapes {
		w := randMatrix(rng, sh[0], sh[1])
		for _, asym := range []bool{false, true} {
			q, err := NewInt4(w, sh[0], sh[1], asym)
			require.NoError(t, err)
			d := make([]float32, len(w))
			q.Decode(d)
			for r := 0; r < sh[0]; r++ {
				for c := 0; c < sh[1]; c++ {
					bi := r*q.blocks + c/Int4BlockSize
					s := float64(float16Value(q.Scales[bi]))
					i := r*sh[1] + c
					// Half a step, plus the clamp the f16-rounded scale may cause.
					require.LessOrEqual(t, math.Abs(float64(w[i]-d[i])), 0.5*s*1.01+1e-7, "asym=%v", asym)
				}
			}
			bits := BitsPerWeight(q)
			if sh[1]%Int4BlockSize == 0 {
				want := 4.5
				if asym {
					want = 4.625
				}
				require.InDelta(t, want, bits, 0.01)
			}
			checkMatMul(t, q, rng)
		}
	}
}
