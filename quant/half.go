package quant

import "github.com/edgerun/edgerun/simd"

// Half is a matrix stored in 16-bit floats: IEEE binary16 ("f16") or
// bfloat16 ("bf16"), rounded to nearest even.
type Half struct {
	rows, cols int
	bf16       bool
	Data       []uint16
}

// NewF16 rounds w to binary16.
func NewF16(w []float32, rows, cols int) (*Half, error) { return newHalf(w, rows, cols, false) }

// NewBF16 rounds w to bfloat16.
func NewBF16(w []float32, rows, cols int) (*Half, error) { return newHalf(w, rows, cols, true) }

func newHalf(w []float32, rows, cols int, bf bool) (*Half, error) {
	if err := checkDense(w, rows, cols); err != nil {
		return nil, err
	}
	h := &Half{rows: rows, cols: cols, bf16: bf, Data: make([]uint16, len(w))}
	// simd's conversions round to nearest even and keep NaNs quiet, the same
	// bits on every kernel level.
	if bf {
		simd.F32ToBF16(h.Data, w)
	} else {
		simd.F32ToF16(h.Data, w)
	}
	return h, nil
}

// Rows implements Matrix.
func (h *Half) Rows() int { return h.rows }

// Cols implements Matrix.
func (h *Half) Cols() int { return h.cols }

// Encoding implements Matrix.
func (h *Half) Encoding() string {
	if h.bf16 {
		return "bf16"
	}
	return "f16"
}

// Bytes implements Matrix.
func (h *Half) Bytes() int { return 2 * len(h.Data) }

// Decode implements Matrix.
func (h *Half) Decode(dst []float32) { h.widen(dst[:len(h.Data)], h.Data) }

// widen converts src to float32 with simd's bulk conversion kernels (F16C,
// FCVTL, ...), exactly.
func (h *Half) widen(dst []float32, src []uint16) {
	if h.bf16 {
		simd.BF16ToF32(dst, src)
	} else {
		simd.F16ToF32(dst, src)
	}
}

// ScratchSize implements Matrix: one widened row.
func (h *Half) ScratchSize(int) int { return h.cols }

// MatMul implements Matrix, widening one row of W at a time.
func (h *Half) MatMul(y, x []float32, m int, scratch []float32) {
	row := scratch[:h.cols]
	for r := 0; r < h.rows; r++ {
		h.widen(row, h.Data[r*h.cols:(r+1)*h.cols])
		for i := 0; i < m; i++ {
			y[i*h.rows+r] = dot(x[i*h.cols:(i+1)*h.cols], row)
		}
	}
}
