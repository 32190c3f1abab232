package kern

import (
	"fmt"

	"github.com/edgerun/edgerun/simd"
)

// MaxRank is the largest tensor rank the shape kernels (broadcasting,
// permute, slice, pad) accept.
const MaxRank = 8

// BinaryOp selects the arithmetic of Binary.
type BinaryOp uint8

// The binary operations.
const (
	Add BinaryOp = iota // a + b
	Sub                 // a - b
	Mul                 // a · b
	Div                 // a / b (IEEE: x/0 is ±Inf or NaN)
)

// Broadcast is a precomputed NumPy broadcast of two shapes, built once by
// NewBroadcast; Binary then runs without allocating.
type Broadcast struct {
	outShape [MaxRank]int
	outRank  int
	// The iteration space: dims merged where possible; the last is the
	// inner loop. sa/sb are element strides (0 where an operand repeats).
	rank      int
	dims      [MaxRank]int
	sa, sb    [MaxRank]int
	n, na, nb int
	sameShape bool
}

// NewBroadcast aligns shapes a and b from the right; each pair of sizes must
// be equal or one of them 1 (NumPy rules). Either shape may be empty (a
// scalar).
func NewBroadcast(a, b []int) (Broadcast, error) {
	var bc Broadcast
	r := max(len(a), len(b))
	if r > MaxRank {
		return bc, fmt.Errorf("broadcast: rank %d above %d", r, MaxRank)
	}
	var ea, eb [MaxRank]int // extended shapes, left-padded with 1
	for i := 0; i < r; i++ {
		ea[i], eb[i] = 1, 1
		if j := i - (r - len(a)); j >= 0 {
			ea[i] = a[j]
		}
		if j := i - (r - len(b)); j >= 0 {
			eb[i] = b[j]
		}
		if ea[i] < 0 || eb[i] < 0 {
			return bc, fmt.Errorf("broadcast: negative dimension in %v, %v", a, b)
		}
		switch {
		case ea[i] == eb[i], eb[i] == 1:
			bc.outShape[i] = ea[i]
		case ea[i] == 1:
			bc.outShape[i] = eb[i]
		default:
			return bc, fmt.Errorf("broadcast: shapes %v and %v differ at dim %d", a, b, i)
		}
	}
	bc.outRank = r
	for _, s := range [][]int{ea[:r], eb[:r], bc.outShape[:r]} {
		if err := checkDims(s...); err != nil {
			return bc, fmt.Errorf("broadcast: %w", err)
		}
	}
	bc.n, bc.na, bc.nb = 1, 1, 1
	for i := 0; i < r; i++ {
		bc.n *= bc.outShape[i]
		bc.na *= ea[i]
		bc.nb *= eb[i]
	}
	bc.sameShape = bc.na == bc.n && bc.nb == bc.n
	// Merge runs of dims where each operand either follows the output or
	// repeats, and drop size-1 output dims.
	var kind [MaxRank]uint8 // bit0: a repeats, bit1: b repeats
	var md [MaxRank]int
	var mk [MaxRank]uint8
	m := 0
	for i := 0; i < r; i++ {
		if bc.outShape[i] == 1 {
			continue
		}
		if ea[i] == 1 {
			kind[i] |= 1
		}
		if eb[i] == 1 {
			kind[i] |= 2
		}
		if m > 0 && mk[m-1] == kind[i] {
			md[m-1] *= bc.outShape[i]
			continue
		}
		md[m], mk[m] = bc.outShape[i], kind[i]
		m++
	}
	if m == 0 {
		md[0], m = 1, 1
	}
	bc.rank = m
	bc.dims = md
	sa, sb := 1, 1
	for i := m - 1; i >= 0; i-- {
		if mk[i]&1 == 0 {
			bc.sa[i] = sa
			sa *= md[i]
		}
		if mk[i]&2 == 0 {
			bc.sb[i] = sb
			sb *= md[i]
		}
	}
	return bc, nil
}

// Shape returns the broadcast output shape.
func (bc *Broadcast) Shape() []int { return bc.outShape[:bc.outRank:bc.outRank] }

// Len returns the number of output elements.
func (bc *Broadcast) Len() int { return bc.n }

// Binary computes dst = a op b elementwise with broadcasting. dst may be a
// or b when that operand has the output's shape.
func Binary(op BinaryOp, bc *Broadcast, dst, a, b []float32) {
	if bc.n == 0 {
		return
	}
	if bc.sameShape {
		if op == Add {
			simd.Vadd(dst[:bc.n], a, b, false)
			return
		}
		binaryRow(op, dst[:bc.n], a, 1, b, 1)
		return
	}
	r := bc.rank
	inner := bc.dims[r-1]
	sai, sbi := bc.sa[r-1], bc.sb[r-1]
	var idx [MaxRank]int
	offA, offB := 0, 0
	for o := 0; o < bc.n; o += inner {
		binaryRow(op, dst[o:o+inner], a[offA:], sai, b[offB:], sbi)
		// Advance the outer index like an odometer.
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			offA += bc.sa[d]
			offB += bc.sb[d]
			if idx[d] < bc.dims[d] {
				break
			}
			offA -= bc.sa[d] * bc.dims[d]
			offB -= bc.sb[d] * bc.dims[d]
			idx[d] = 0
		}
	}
}

// binaryRow computes dst[i] = a[i·sa] op b[i·sb]; sa and sb are 0 or 1 and
// not both 0.
func binaryRow(op BinaryOp, dst, a []float32, sa int, b []float32, sb int) {
	n := len(dst)
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		switch op {
		case Add:
			for i := range dst {
				dst[i] = a[i] + b[i]
			}
		case Sub:
			for i := range dst {
				dst[i] = a[i] - b[i]
			}
		case Mul:
			for i := range dst {
				dst[i] = a[i] * b[i]
			}
		case Div:
			for i := range dst {
				dst[i] = a[i] / b[i]
			}
		}
	case sa == 1:
		a = a[:n]
		s := b[0]
		switch op {
		case Add:
			for i := range dst {
				dst[i] = a[i] + s
			}
		case Sub:
			for i := range dst {
				dst[i] = a[i] - s
			}
		case Mul:
			for i := range dst {
				dst[i] = a[i] * s
			}
		case Div:
			// Divide rather than multiply by 1/s: the result must match
			// the reference rounding.
			for i := range dst {
				dst[i] = a[i] / s
			}
		}
	default:
		b = b[:n]
		s := a[0]
		switch op {
		case Add:
			for i := range dst {
				dst[i] = s + b[i]
			}
		case Sub:
			for i := range dst {
				dst[i] = s - b[i]
			}
		case Mul:
			for i := range dst {
				dst[i] = s * b[i]
			}
		case Div:
			for i := range dst {
				dst[i] = s / b[i]
			}
		}
	}
}

// AddRelu writes ReLU(a + b) (simd.Vadd with relu) for two
// tensors of one shape: the residual addition of a ResNet block and the
// ReLU after it, in one pass.
func AddRelu(dst, a, b []float32) { simd.Vadd(dst, a, b, true) }

// SameShape reports whether the broadcast is between operands of one
// shape.
func (bc *Broadcast) SameShape() bool { return bc.sameShape }
