package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/edgerun/edgerun/simd"
)

// Int8 is a matrix quantised symmetrically per output channel (row):
// W[r][c] ≈ Scales[r] · Q[r][c], Q in [-127, 127]. Keeping -128 unused makes
// the scale symmetric and lets integer kernels negate freely.
type Int8 struct {
	rows, cols int
	Q          []int8
	Scales     []float32
	// RowSums[r] = Σ_c Q[r][c], for activation zero-point compensation.
	RowSums []int32
	// packed is Q packed at construction for simd's int8 GEMM (the
	// layout of the CPU's VNNI/AVX2/SDOT/SMMLA microkernel), which
	// MatMulInt8 runs on.
	packed *simd.PackedI8B
}

// NewInt8 quantises w per row.
func NewInt8(w []float32, rows, cols int) (*Int8, error) {
	if err := checkDense(w, rows, cols); err != nil {
		return nil, err
	}
	q := &Int8{rows: rows, cols: cols, Q: make([]int8, len(w)), Scales: make([]float32, rows), RowSums: make([]int32, rows)}
	for r := 0; r < rows; r++ {
		row := w[r*cols : (r+1)*cols]
		var amax float32
		for _, v := range row {
			amax = max(amax, float32(math.Abs(float64(v))))
		}
		if amax == 0 {
			continue
		}
		s := amax / 127
		q.Scales[r] = s
		var sum int32
		for c, v := range row {
			x := int8(clampInt(int(roundEven(v/s)), -127, 127))
			q.Q[r*cols+c] = x
			sum += int32(x)
		}
		q.RowSums[r] = sum
	}
	q.packed = simd.PackI8B(cols, rows, q.Q, cols, true)
	return q, nil
}

// Rows implements Matrix.
func (q *Int8) Rows() int { return q.rows }

// Cols implements Matrix.
func (q *Int8) Cols() int { return q.cols }

// Encoding implements Matrix.
func (q *Int8) Encoding() string { return "int8" }

// Bytes implements Matrix: the codes and one float32 scale per row (the
// stored form; the packed copy MatMulInt8 runs on is an execution detail
// of about the same size).
func (q *Int8) Bytes() int { return len(q.Q) + 4*q.rows }

// Decode implements Matrix.
func (q *Int8) Decode(dst []float32) {
	for r := 0; r < q.rows; r++ {
		s := q.Scales[r]
		for c := 0; c < q.cols; c++ {
			dst[r*q.cols+c] = float32(q.Q[r*q.cols+c]) * s
		}
	}
}

// ScratchSize implements Matrix: one widened row.
func (q *Int8) ScratchSize(int) int { return q.cols }

// MatMul implements Matrix with float activations (weight-only
// quantisation): rows are widened one at a time and scaled after the dot.
func (q *Int8) MatMul(y, x []float32, m int, scratch []float32) {
	row := scratch[:q.cols]
	for r := 0; r < q.rows; r++ {
		for c, v := range q.Q[r*q.cols : (r+1)*q.cols] {
			row[c] = float32(v)
		}
		s := q.Scales[r]
		for i := 0; i < m; i++ {
			y[i*q.rows+r] = s * dot(x[i*q.cols:(i+1)*q.cols], row)
		}
	}
}

// ActQuant is a per-tensor asymmetric uint8 quantisation of activations:
// x ≈ Scale · (q − Zero), q in [0, 255].
type ActQuant struct {
	Scale float32
	Zero  int32
}

// ActQuantFromRange returns the parameters covering [lo, hi]; the range is
// widened to contain 0 so that zero padding is exact.
func ActQuantFromRange(lo, hi float32) ActQuant {
	lo, hi = min(lo, 0), max(hi, 0)
	if hi == lo {
		return ActQuant{Scale: 1, Zero: 0}
	}
	s := (hi - lo) / 255
	z := int32(clampInt(int(roundEven(-lo/s)), 0, 255))
	return ActQuant{Scale: s, Zero: z}
}

// Quantize writes q = clamp(round_even(x/Scale) + Zero, 0, 255), with one
// float32 division as ONNX QuantizeLinear, NumPy and the runtime's
// quantize op do it (multiplying by 1/Scale instead rounds differently for
// some x), so activations quantised here and by a deployed model agree
// byte for byte. NaN becomes the zero point.
func (a ActQuant) Quantize(dst []uint8, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		q := v / a.Scale
		if q != q {
			dst[i] = uint8(clampInt(int(a.Zero), 0, 255))
			continue
		}
		// Clamp in float first so that huge values cannot overflow int.
		r := math.RoundToEven(float64(q)) + float64(a.Zero)
		dst[i] = uint8(max(0, min(255, r)))
	}
}

// DynamicActQuant measures x itself (dynamic quantisation).
func DynamicActQuant(x []float32) ActQuant {
	if len(x) == 0 {
		return ActQuant{Scale: 1}
	}
	lo, hi := x[0], x[0]
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	return ActQuantFromRange(lo, hi)
}

// MatMulInt8 computes y = x·Wᵀ with both sides in integers: x is already
// quantised with a (u8, zero point a.Zero), acc holds m×Rows int32
// accumulators
//
//	acc[i][r] = Σ_c (xq[i][c] - a.Zero)·Q[r][c]
//	y[i][r] = float32(acc[i][r]) · (a.Scale·Scales[r])
//
// computed by simd's int8 GEMM on the weights packed at construction.
// Integer accumulation is exact, so acc and y are identical on every
// architecture and SIMD level (and equal to matMulInt8Ref's).
func (q *Int8) MatMulInt8(y []float32, xq []uint8, a ActQuant, m int, acc []int32) {
	if m == 0 {
		return
	}
	simd.GemmU8I8(m, xq, q.cols, a.Zero, q.packed, acc, q.rows)
	q.scaleAcc(y, acc, a, m)
}

// matMulInt8Ref is MatMulInt8 in plain Go loops, the reference the SIMD
// path is tested against.
func (q *Int8) matMulInt8Ref(y []float32, xq []uint8, a ActQuant, m int, acc []int32) {
	for i := 0; i < m; i++ {
		xi := xq[i*q.cols : (i+1)*q.cols]
		for r := 0; r < q.rows; r++ {
			var s int32
			for c, w := range q.Q[r*q.cols : (r+1)*q.cols] {
				s += int32(xi[c]) * int32(w)
			}
			acc[i*q.rows+r] = s - a.Zero*q.RowSums[r]
		}
	}
	q.scaleAcc(y, acc, a, m)
}

// scaleAcc turns the int32 accumulators into y.
func (q *Int8) scaleAcc(y []float32, acc []int32, a ActQuant, m int) {
	for i := 0; i < m; i++ {
		for r := 0; r < q.rows; r++ {
			y[i*q.rows+r] = float32(acc[i*q.rows+r]) * (a.Scale * q.Scales[r])
		}
	}
}

// Calibrator collects activation statistics over sample inputs for static
// quantisation: the exact min and max, and a deterministic reservoir sample
// for percentile ranges that ignore rare outliers.
type Calibrator struct {
	lo, hi  float32
	n       int64
	sample  []float32
	maxKeep int
	rng     *rand.Rand
}

// NewCalibrator keeps up to keep samples (65536 if keep ≤ 0).
func NewCalibrator(keep int) *Calibrator {
	if keep <= 0 {
		keep = 1 << 16
	}
	return &Calibrator{lo: float32(math.Inf(1)), hi: float32(math.Inf(-1)), maxKeep: keep, rng: rand.New(rand.NewPCG(1, 2))}
}

// Observe adds activations.
func (c *Calibrator) Observe(x []float32) {
	for _, v := range x {
		if v != v {
			continue
		}
		c.lo, c.hi = min(c.lo, v), max(c.hi, v)
		c.n++
		if len(c.sample) < c.maxKeep {
			c.sample = append(c.sample, v)
		} else if j := c.rng.Int64N(c.n); j < int64(c.maxKeep) {
			c.sample[j] = v
		}
	}
}

// MinMax returns the parameters covering every value seen.
func (c *Calibrator) MinMax() (ActQuant, error) {
	if c.n == 0 {
		return ActQuant{}, fmt.Errorf("quant: calibrator has seen no values")
	}
	return ActQuantFromRange(c.lo, c.hi), nil
}

// Percentile returns the parameters covering the central p of the values
// (p in (0.5, 1], e.g. 0.999), clipping the tails.
func (c *Calibrator) Percentile(p float64) (ActQuant, error) {
	if c.n == 0 {
		return ActQuant{}, fmt.Errorf("quant: calibrator has seen no values")
	}
	if p <= 0.5 || p > 1 {
		return ActQuant{}, fmt.Errorf("quant: percentile %v outside (0.5, 1]", p)
	}
	s := slices.Clone(c.sample)
	slices.Sort(s)
	at := func(q float64) float32 {
		i := int(math.Round(q * float64(len(s)-1)))
		return s[clampInt(i, 0, len(s)-1)]
	}
	return ActQuantFromRange(at(1-p), at(p)), nil
}
