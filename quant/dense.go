package quant

import (
	"math"

	"github.com/edgerun/edgerun/simd"
)

// Dense is an uncompressed float32 matrix, the baseline every encoding is
// measured against.
type Dense struct {
	rows, cols int
	W          []float32 // row-major rows×cols
}

// NewDense wraps w (row-major, rows×cols) without copying.
func NewDense(w []float32, rows, cols int) (*Dense, error) {
	if err := checkDense(w, rows, cols); err != nil {
		return nil, err
	}
	return &Dense{rows: rows, cols: cols, W: w}, nil
}

// Rows implements Matrix.
func (d *Dense) Rows() int { return d.rows }

// Cols implements Matrix.
func (d *Dense) Cols() int { return d.cols }

// Encoding implements Matrix.
func (d *Dense) Encoding() string { return "f32" }

// Bytes implements Matrix.
func (d *Dense) Bytes() int { return 4 * len(d.W) }

// Decode implements Matrix.
func (d *Dense) Decode(dst []float32) { copy(dst, d.W) }

// ScratchSize implements Matrix.
func (d *Dense) ScratchSize(int) int { return 0 }

// MatMul implements Matrix: y = x·Wᵀ as one SGEMM (simd's kernel for this
// CPU), or for one or two rows of x as dot products, which read W in place
// where the GEMM would first repack all of it.
func (d *Dense) MatMul(y, x []float32, m int, _ []float32) {
	if m > 2 {
		simd.Sgemm(false, true, m, d.rows, d.cols, 1, x, d.cols, d.W, d.cols, 0, y, d.rows)
		return
	}
	for i := 0; i < m; i++ {
		xi := x[i*d.cols : (i+1)*d.cols]
		yi := y[i*d.rows : (i+1)*d.rows]
		for r := range yi {
			yi[r] = dot(xi, d.W[r*d.cols:(r+1)*d.cols])
		}
	}
}

// dot is the inner product every decode-then-multiply path ends in: simd's
// Sdot, within len(x)·ε·Σ|x[i]·y[i]| of the exact sum.
func dot(x, y []float32) float32 { return simd.Sdot(x, y[:len(x)]) }

func sqrt(x float64) float64 { return math.Sqrt(x) }

// roundEven rounds half to even, as every quantiser here does, so encodings
// agree with NumPy and PyTorch.
func roundEven(x float32) float32 { return float32(math.RoundToEven(float64(x))) }

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
