package quant

import (
	"math"

	"github.com/edgerun/edgerun/simd"
	"github.com/x448/float16"
)

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
	for i, v := range w {
		if bf {
			h.Data[i] = F32ToBF16(v)
		} else {
			h.Data[i] = float16.Fromfloat32(v).Bits()
		}
	}
	return h, nil
}

// F32ToBF16 rounds to bfloat16, nearest even, keeping NaNs quiet.
func F32ToBF16(v float32) uint16 {
	b := math.Float32bits(v)
	if b&0x7fffffff > 0x7f800000 {
		return uint16(b>>16) | 0x40
	}
	b += 0x7fff + (b>>16)&1
	return uint16(b >> 16)
}

// BF16ToF32 widens a bfloat16 exactly.
func BF16ToF32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

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
