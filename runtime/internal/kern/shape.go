package kern

import "fmt"

// Flatten and reshape change only a tensor's shape, never its data: the
// runtime aliases the buffer and runs no kernel for them.

// stridedCopy is an iteration plan shared by Permute, Slice: the output is
// walked in order, with an input offset that advances by per-dimension
// strides (which may be negative).
type stridedCopy struct {
	rank  int
	dims  [MaxRank]int // output dims
	strd  [MaxRank]int // input stride per output dim
	start int          // input offset of output element 0
	n     int
}

func (s *stridedCopy) run(dst, x []float32) {
	if s.n == 0 {
		return
	}
	r := s.rank
	inner, is := s.dims[r-1], s.strd[r-1]
	var idx [MaxRank]int
	off := s.start
	for o := 0; o < s.n; o += inner {
		out := dst[o : o+inner]
		if is == 1 {
			copy(out, x[off:off+inner])
		} else {
			p := off
			for i := range out {
				out[i] = x[p]
				p += is
			}
		}
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			off += s.strd[d]
			if idx[d] < s.dims[d] {
				break
			}
			off -= s.strd[d] * s.dims[d]
			idx[d] = 0
		}
	}
}

// contiguousStrides returns the row-major element strides of shape.
func contiguousStrides(shape []int) (st [MaxRank]int) {
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

func checkShape(op string, shape []int) error {
	if len(shape) < 1 || len(shape) > MaxRank {
		return fmt.Errorf("%s: rank %d not in 1..%d", op, len(shape), MaxRank)
	}
	if err := checkDims(shape...); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// Permutation is a precomputed transpose (torch.permute), built by
// NewPermute.
type Permutation struct {
	c        stridedCopy
	outShape [MaxRank]int
}

// NewPermute prepares output dim i = input dim perm[i].
func NewPermute(shape, perm []int) (Permutation, error) {
	var p Permutation
	if err := checkShape("permute", shape); err != nil {
		return p, err
	}
	if len(perm) != len(shape) {
		return p, fmt.Errorf("permute: %d axes for rank %d", len(perm), len(shape))
	}
	var seen [MaxRank]bool
	in := contiguousStrides(shape)
	p.c.rank, p.c.n = len(shape), 1
	for i, a := range perm {
		if a < 0 || a >= len(shape) || seen[a] {
			return p, fmt.Errorf("permute: %v is not a permutation", perm)
		}
		seen[a] = true
		p.c.dims[i], p.c.strd[i] = shape[a], in[a]
		p.outShape[i] = shape[a]
		p.c.n *= shape[a]
	}
	return p, nil
}

// Shape returns the output shape.
func (p *Permutation) Shape() []int { return p.outShape[:p.c.rank:p.c.rank] }

// Permute writes the transposed x into dst (which must not overlap x).
func Permute(p *Permutation, dst, x []float32) { p.c.run(dst, x) }

// Slicing is a precomputed strided slice, built by NewSlice.
type Slicing struct {
	c        stridedCopy
	outShape [MaxRank]int
}

// NewSlice prepares x[starts[i]:ends[i]:steps[i]] along every dim i, with
// ONNX Slice semantics: negative starts/ends count from the end, both are
// clamped to the dim (to [0, d] for positive steps, [-1, d-1] for negative),
// steps are non-zero and may be negative.
func NewSlice(shape, starts, ends, steps []int) (Slicing, error) {
	var s Slicing
	if err := checkShape("slice", shape); err != nil {
		return s, err
	}
	r := len(shape)
	if len(starts) != r || len(ends) != r || len(steps) != r {
		return s, fmt.Errorf("slice: need %d starts, ends and steps", r)
	}
	in := contiguousStrides(shape)
	s.c.rank, s.c.n = r, 1
	for i := 0; i < r; i++ {
		d, st := shape[i], steps[i]
		if st == 0 || st > maxElems || st < -maxElems {
			return s, fmt.Errorf("slice: bad step %d on dim %d", st, i)
		}
		b, e := clampIndex(starts[i], d, st), clampIndex(ends[i], d, st)
		var n int
		if st > 0 && e > b {
			n = (e - b + st - 1) / st
		} else if st < 0 && b > e {
			n = (b - e - st - 1) / -st
		}
		s.c.dims[i], s.c.strd[i] = n, st*in[i]
		s.c.start += b * in[i]
		s.outShape[i] = n
		s.c.n *= n
	}
	if s.c.n == 0 {
		s.c.start = 0
	}
	return s, nil
}

func clampIndex(v, d, step int) int {
	if v < 0 {
		v += d
	}
	if step > 0 {
		return min(max(v, 0), d)
	}
	return min(max(v, -1), d-1)
}

// Shape returns the output shape.
func (s *Slicing) Shape() []int { return s.outShape[:s.c.rank:s.c.rank] }

// Len returns the number of output elements.
func (s *Slicing) Len() int { return s.c.n }

// Slice copies the selected elements of x into dst (no overlap).
func Slice(s *Slicing, dst, x []float32) { s.c.run(dst, x) }

// ConcatParams describes concatenation along an axis: input i is
// Outer×Lens[i]×Inner, the output Outer×ΣLens×Inner.
type ConcatParams struct {
	Outer, Inner int
	Lens         []int
}

// Validate reports whether p describes a computable concatenation.
func (p *ConcatParams) Validate() error {
	if p.Outer < 0 || p.Inner < 1 || len(p.Lens) == 0 {
		return fmt.Errorf("concat: bad params %+v", *p)
	}
	t := 0
	for _, l := range p.Lens {
		if l < 0 || l > maxElems-t {
			return fmt.Errorf("concat: bad lengths %v", p.Lens)
		}
		t += l
	}
	return checkDims(p.Outer, t, p.Inner)
}

// Concat writes srcs (len(Lens) tensors) side by side along the axis into dst.
func Concat(p *ConcatParams, dst []float32, srcs [][]float32) {
	off := 0
	for o := 0; o < p.Outer; o++ {
		for i, l := range p.Lens {
			n := l * p.Inner
			copy(dst[off:off+n], srcs[i][o*n:(o+1)*n])
			off += n
		}
	}
}

// PadMode selects how Pad fills the border.
type PadMode uint8

// The padding modes.
const (
	PadConstant PadMode = iota // a constant value
	PadReflect                 // mirror without repeating the edge (torch "reflect")
)

// Padding is a precomputed pad, built by NewPad.
type Padding struct {
	rank             int
	in, out          [MaxRank]int
	before           [MaxRank]int
	mode             PadMode
	value            float32
	n                int
	inStr, outStride [MaxRank]int
}

// NewPad prepares padding of before[i] and after[i] elements on each side of
// dim i (non-negative). Reflect padding needs each pad below its dim's size.
func NewPad(shape, before, after []int, mode PadMode, value float32) (Padding, error) {
	var p Padding
	if err := checkShape("pad", shape); err != nil {
		return p, err
	}
	r := len(shape)
	if len(before) != r || len(after) != r {
		return p, fmt.Errorf("pad: need %d pads per side", r)
	}
	if mode != PadConstant && mode != PadReflect {
		return p, fmt.Errorf("pad: unknown mode %d", mode)
	}
	p.rank, p.mode, p.value = r, mode, value
	for i := 0; i < r; i++ {
		if before[i] < 0 || after[i] < 0 || before[i] > maxElems || after[i] > maxElems {
			return p, fmt.Errorf("pad: bad pads %v %v", before, after)
		}
		if mode == PadReflect && (before[i] >= shape[i] || after[i] >= shape[i]) {
			return p, fmt.Errorf("pad: reflect pad %d/%d not below dim %d size %d", before[i], after[i], i, shape[i])
		}
		p.in[i], p.before[i] = shape[i], before[i]
		p.out[i] = shape[i] + before[i] + after[i]
	}
	if err := checkDims(p.out[:r]...); err != nil {
		return p, fmt.Errorf("pad: %w", err)
	}
	p.inStr, p.outStride = contiguousStrides(p.in[:r]), contiguousStrides(p.out[:r])
	p.n = p.outStride[0] * p.out[0]
	return p, nil
}

// Shape returns the output shape.
func (p *Padding) Shape() []int { return p.out[:p.rank:p.rank] }

// Pad writes the padded x into dst (no overlap).
func Pad(p *Padding, dst, x []float32) {
	if p.n == 0 {
		return
	}
	r := p.rank
	inner, innerIn, b := p.out[r-1], p.in[r-1], p.before[r-1]
	var idx [MaxRank]int
	for o := 0; o < p.n; o += inner {
		out := dst[o : o+inner]
		// Map the outer output index to an input row, or to none.
		off, inside := 0, true
		for d := 0; d < r-1; d++ {
			i := idx[d] - p.before[d]
			if i < 0 || i >= p.in[d] {
				if p.mode == PadConstant {
					inside = false
					break
				}
				i = reflect(i, p.in[d])
			}
			off += i * p.inStr[d]
		}
		if !inside {
			for i := range out {
				out[i] = p.value
			}
		} else {
			row := x[off : off+innerIn]
			copy(out[b:b+innerIn], row)
			for i := 0; i < b; i++ {
				if p.mode == PadConstant {
					out[i] = p.value
				} else {
					out[i] = row[reflect(i-b, innerIn)]
				}
			}
			for i := b + innerIn; i < inner; i++ {
				if p.mode == PadConstant {
					out[i] = p.value
				} else {
					out[i] = row[reflect(i-b, innerIn)]
				}
			}
		}
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < p.out[d] {
				break
			}
			idx[d] = 0
		}
	}
}

// reflect maps an index in (-n, 2n-1) onto [0, n) by mirroring at the edges
// without repeating them.
func reflect(i, n int) int {
	if i < 0 {
		return -i
	}
	if i >= n {
		return 2*(n-1) - i
	}
	return i
}
