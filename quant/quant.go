// Package quant stores weight matrices in compressed forms that sensors can
// afford (f16/bf16, int8 per channel, int4 blocks, low rank, product
// quantisation) and multiplies by them in that form.
//
// Every encoding is a Matrix: a compressed W of shape [Rows][Cols] (the
// layout of a PyTorch Linear weight, out × in) that computes Y = X·Wᵀ for a
// batch X of row vectors without expanding W to float32 as a whole.
package quant

import (
	"errors"
	"fmt"
)

// Matrix is a compressed weight matrix W of shape Rows × Cols.
type Matrix interface {
	// Rows is the number of output features, Cols the number of inputs.
	Rows() int
	Cols() int
	// Encoding names the encoding ("f16", "int8", "int4", "lowrank", "pq", ...).
	Encoding() string
	// Bytes is the storage the encoding needs, parameters included.
	Bytes() int
	// Decode writes W as float32, row-major, into dst (len Rows*Cols).
	Decode(dst []float32)
	// ScratchSize is the scratch MatMul needs for a batch of m rows.
	ScratchSize(m int) int
	// MatMul computes y[m×Rows] = x[m×Cols] · Wᵀ using scratch
	// (len ≥ ScratchSize(m)); it does not allocate.
	MatMul(y, x []float32, m int, scratch []float32)
}

// ErrShape is returned for inconsistent dimensions.
var ErrShape = errors.New("quant: bad shape")

func checkDense(w []float32, rows, cols int) error {
	if rows <= 0 || cols <= 0 {
		return fmt.Errorf("%w: %d×%d", ErrShape, rows, cols)
	}
	if len(w) != rows*cols {
		return fmt.Errorf("%w: %d values for %d×%d", ErrShape, len(w), rows, cols)
	}
	return nil
}

// BitsPerWeight is the storage of m in bits per weight, parameters included.
func BitsPerWeight(m Matrix) float64 {
	return float64(8*m.Bytes()) / float64(m.Rows()*m.Cols())
}

// Error measures how far m is from the dense w: the relative Frobenius error
// ‖W − Ŵ‖ / ‖W‖ and the largest absolute error.
func Error(m Matrix, w []float32) (rel, maxAbs float64) {
	d := make([]float32, m.Rows()*m.Cols())
	m.Decode(d)
	var num, den float64
	for i, v := range w {
		e := float64(v) - float64(d[i])
		num += e * e
		den += float64(v) * float64(v)
		if e < 0 {
			e = -e
		}
		if e > maxAbs {
			maxAbs = e
		}
	}
	if den == 0 {
		return 0, maxAbs
	}
	return sqrt(num / den), maxAbs
}
