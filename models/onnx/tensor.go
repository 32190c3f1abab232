package onnx

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/x448/float16"
)

// ctensor is a constant known at import: an initializer, a Constant node's
// value, or a node folded because all its inputs are constant. Floating
// types are held as float32 (dt tFloat), every integer type and bool as
// int64 (dt keeps the ONNX type, so casts and quantised weights keep their
// meaning).
type ctensor struct {
	dt    int64
	shape []int
	f     []float32
	i     []int64
	qs    *qsrc // set when the value is a DequantizeLinear of constant integers
}

// batchSym stands for the dynamic batch size in folded shape arithmetic
// (Shape of a value with a batch dimension). Arithmetic on it is refused;
// Reshape maps it back onto the runtime's batch dimension.
const batchSym = math.MinInt64 + 0x0edbe

// maxElems bounds any constant's element count, as the runtime does.
const maxElems = math.MaxInt32

func (t *ctensor) isFloat() bool { return t.dt == tFloat }
func (t *ctensor) len() int {
	if t.isFloat() {
		return len(t.f)
	}
	return len(t.i)
}

func numel(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in %v", shape)
		}
		if d != 0 && n > maxElems/d {
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, maxElems)
		}
		n *= d
	}
	return n, nil
}

// foldMax bounds the constants folding may create beyond the size of its
// inputs (ConstantOfShape, Range, broadcasting, Gather with repeated
// indices), so a small hostile model cannot demand gigabytes.
const foldMax = 1 << 22

// newConst allocates a constant of at most foldMax elements.
func newConst(dt int64, shape []int) (*ctensor, error) { return newConstMax(dt, shape, foldMax) }

// newConstMax allocates a constant of at most limit elements; callers pass
// the size of an input when the result is no larger than it.
func newConstMax(dt int64, shape []int, limit int) (*ctensor, error) {
	n, err := numel(shape)
	if err != nil {
		return nil, err
	}
	if n > max(limit, foldMax) {
		return nil, fmt.Errorf("folding a constant of shape %v (%d elements) is refused", shape, n)
	}
	t := &ctensor{dt: dt, shape: append([]int{}, shape...)}
	if dt == tFloat {
		t.f = make([]float32, n)
	} else {
		t.i = make([]int64, n)
	}
	return t, nil
}

func scalarF(v float32) *ctensor   { return &ctensor{dt: tFloat, shape: []int{}, f: []float32{v}} }
func intsConst(v []int64) *ctensor { return &ctensor{dt: tInt64, shape: []int{len(v)}, i: v} }

func elemSize(dt int64) int {
	switch dt {
	case tFloat, tInt32, tUint32:
		return 4
	case tUint8, tInt8, tBool:
		return 1
	case tUint16, tInt16, tFloat16:
		return 2
	case tInt64, tDouble, tUint64:
		return 8
	}
	return 0
}

// tensorFromProto decodes a TensorProto. The element count must match the
// data present, so memory is bounded by the input's size.
func tensorFromProto(p *tensorProto) (*ctensor, error) {
	if p.External {
		return nil, fmt.Errorf("tensor %q: external data is not supported (save the model with its weights inside)", p.Name)
	}
	es := elemSize(p.DataType)
	if es == 0 {
		return nil, fmt.Errorf("tensor %q: data type %d is not supported", p.Name, p.DataType)
	}
	shape := make([]int, len(p.Dims))
	for i, d := range p.Dims {
		if d < 0 || d > maxElems {
			return nil, fmt.Errorf("tensor %q: dimension %d", p.Name, d)
		}
		shape[i] = int(d)
	}
	n, err := numel(shape)
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %v", p.Name, err)
	}
	have := 0
	switch {
	case p.hasRaw:
		if len(p.Raw) != n*es {
			return nil, fmt.Errorf("tensor %q: %d raw bytes for %d elements of %d bytes", p.Name, len(p.Raw), n, es)
		}
		have = n
	case p.DataType == tFloat:
		have = len(p.Floats)
	case p.DataType == tDouble:
		have = len(p.Doubles)
	case p.DataType == tInt64:
		have = len(p.Int64s)
	case p.DataType == tUint64 || p.DataType == tUint32:
		have = len(p.Int64s) // uint64_data is not decoded; uint32 is carried there
	default:
		have = len(p.Int32s)
	}
	if have != n {
		return nil, fmt.Errorf("tensor %q: %d values for shape %v", p.Name, have, shape)
	}
	dt := p.DataType
	if dt == tDouble || dt == tFloat16 {
		dt = tFloat
	}
	t := &ctensor{dt: dt, shape: shape}
	if dt == tFloat {
		t.f = make([]float32, n)
	} else {
		t.i = make([]int64, n)
	}
	if p.hasRaw {
		b := p.Raw
		for k := 0; k < n; k++ {
			switch p.DataType {
			case tFloat:
				t.f[k] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*k:]))
			case tDouble:
				t.f[k] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*k:])))
			case tFloat16:
				t.f[k] = float16.Frombits(binary.LittleEndian.Uint16(b[2*k:])).Float32()
			case tUint8, tBool:
				t.i[k] = int64(b[k])
			case tInt8:
				t.i[k] = int64(int8(b[k]))
			case tUint16:
				t.i[k] = int64(binary.LittleEndian.Uint16(b[2*k:]))
			case tInt16:
				t.i[k] = int64(int16(binary.LittleEndian.Uint16(b[2*k:])))
			case tInt32:
				t.i[k] = int64(int32(binary.LittleEndian.Uint32(b[4*k:])))
			case tUint32:
				t.i[k] = int64(binary.LittleEndian.Uint32(b[4*k:]))
			case tInt64, tUint64:
				t.i[k] = int64(binary.LittleEndian.Uint64(b[8*k:]))
			}
		}
		return t, nil
	}
	switch p.DataType {
	case tFloat:
		copy(t.f, p.Floats)
	case tDouble:
		for k, v := range p.Doubles {
			t.f[k] = float32(v)
		}
	case tFloat16:
		for k, v := range p.Int32s {
			t.f[k] = float16.Frombits(uint16(v)).Float32()
		}
	case tInt64, tUint64, tUint32:
		copy(t.i, p.Int64s)
	default:
		for k, v := range p.Int32s {
			t.i[k] = int64(int32(v))
		}
	}
	return t, nil
}

// floats returns the values as float32 (converting integers).
func (t *ctensor) floats() []float32 {
	if t.isFloat() {
		return t.f
	}
	out := make([]float32, len(t.i))
	for k, v := range t.i {
		out[k] = float32(v)
	}
	return out
}

// ints returns integer values; floats are refused.
func (t *ctensor) ints() ([]int64, error) {
	if t.isFloat() {
		return nil, fmt.Errorf("want integers, have floats")
	}
	return t.i, nil
}

// cast converts to ONNX type to.
func (t *ctensor) cast(to int64) (*ctensor, error) {
	if to == tDouble || to == tFloat16 {
		to = tFloat
	}
	if elemSize(to) == 0 {
		return nil, fmt.Errorf("cast to data type %d is not supported", to)
	}
	out := &ctensor{dt: to, shape: t.shape}
	switch {
	case to == tFloat:
		for _, v := range t.i {
			if v == batchSym {
				return nil, fmt.Errorf("the dynamic batch size is used as a float")
			}
		}
		out.f = t.floats()
	case t.isFloat():
		out.i = make([]int64, len(t.f))
		for k, v := range t.f {
			if v != v || math.Abs(float64(v)) > 1<<62 {
				return nil, fmt.Errorf("cast of %v to an integer", v)
			}
			out.i[k] = int64(v) // truncation toward zero, as ONNX
		}
	default:
		out.i = t.i
	}
	if to == tBool {
		b := make([]int64, len(out.i))
		for k, v := range out.i {
			if v != 0 {
				b[k] = 1
			}
		}
		out.i = b
	}
	return out, nil
}

// strides returns C-order strides of shape.
func strides(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}

// broadcastShape applies NumPy's rules.
func broadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := i - (n - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (n - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// bcastIndex maps flat index k of out onto a flat index into a (right-aligned).
func bcastIndex(k int, out, a []int, as []int) int {
	idx := 0
	for i := len(out) - 1; i >= 0; i-- {
		c := k % out[i]
		k /= out[i]
		if j := i - (len(out) - len(a)); j >= 0 && a[j] != 1 {
			idx += c * as[j]
		}
	}
	return idx
}

// binary evaluates an elementwise arithmetic op.
func binaryConst(op string, a, b *ctensor) (*ctensor, error) {
	shape, err := broadcastShape(a.shape, b.shape)
	if err != nil {
		return nil, err
	}
	fl := a.isFloat() || b.isFloat()
	dt := a.dt
	if fl {
		dt = tFloat
	}
	out, err := newConstMax(dt, shape, max(a.len(), b.len()))
	if err != nil {
		return nil, err
	}
	as, bs := strides(a.shape), strides(b.shape)
	n := out.len()
	if fl {
		af, bf := a.floats(), b.floats()
		for k := 0; k < n; k++ {
			x, y := af[bcastIndex(k, shape, a.shape, as)], bf[bcastIndex(k, shape, b.shape, bs)]
			switch op {
			case "Add":
				out.f[k] = x + y
			case "Sub":
				out.f[k] = x - y
			case "Mul":
				out.f[k] = x * y
			case "Div":
				out.f[k] = x / y
			}
		}
		return out, nil
	}
	for k := 0; k < n; k++ {
		x, y := a.i[bcastIndex(k, shape, a.shape, as)], b.i[bcastIndex(k, shape, b.shape, bs)]
		if x == batchSym || y == batchSym {
			return nil, fmt.Errorf("arithmetic on the dynamic batch size is not supported")
		}
		switch op {
		case "Add":
			out.i[k] = x + y
		case "Sub":
			out.i[k] = x - y
		case "Mul":
			out.i[k] = x * y
		case "Div":
			if y == 0 {
				return nil, fmt.Errorf("integer division by zero")
			}
			out.i[k] = x / y
		}
	}
	return out, nil
}

// gather picks entries along axis.
func (t *ctensor) take(axis int, idx []int) (*ctensor, error) {
	shape := append([]int{}, t.shape...)
	shape[axis] = len(idx)
	out, err := newConstMax(t.dt, shape, t.len())
	if err != nil {
		return nil, err
	}
	outer, inner := 1, 1
	for _, d := range t.shape[:axis] {
		outer *= d
	}
	for _, d := range t.shape[axis+1:] {
		inner *= d
	}
	k := 0
	for o := 0; o < outer; o++ {
		for _, j := range idx {
			src := (o*t.shape[axis] + j) * inner
			if t.isFloat() {
				copy(out.f[k:k+inner], t.f[src:src+inner])
			} else {
				copy(out.i[k:k+inner], t.i[src:src+inner])
			}
			k += inner
		}
	}
	return out, nil
}

func (t *ctensor) reshaped(shape []int) (*ctensor, error) {
	n, err := numel(shape)
	if err != nil || n != t.len() {
		return nil, fmt.Errorf("cannot reshape %v into %v", t.shape, shape)
	}
	return &ctensor{dt: t.dt, shape: shape, f: t.f, i: t.i}, nil
}

// transpose permutes axes: output axis i is input axis perm[i].
func (t *ctensor) transpose(perm []int) (*ctensor, error) {
	r := len(t.shape)
	if len(perm) != r {
		return nil, fmt.Errorf("perm %v for rank %d", perm, r)
	}
	seen := make([]bool, r)
	shape := make([]int, r)
	for i, p := range perm {
		if p < 0 || p >= r || seen[p] {
			return nil, fmt.Errorf("perm %v is not a permutation", perm)
		}
		seen[p] = true
		shape[i] = t.shape[p]
	}
	out, err := newConstMax(t.dt, shape, t.len())
	if err != nil {
		return nil, err
	}
	is := strides(t.shape)
	for k := 0; k < out.len(); k++ {
		src, rem := 0, k
		for i := r - 1; i >= 0; i-- {
			c := rem % shape[i]
			rem /= shape[i]
			src += c * is[perm[i]]
		}
		if t.isFloat() {
			out.f[k] = t.f[src]
		} else {
			out.i[k] = t.i[src]
		}
	}
	return out, nil
}

// sliceCount is the number of indices sliceAxis would return, computed
// without listing them (a run-time value's axis may be long).
func sliceCount(d int, start, end, step int64) (int, error) {
	if step == 0 {
		return 0, fmt.Errorf("slice step 0")
	}
	D := int64(d)
	if start < 0 {
		start += D
	}
	if end < 0 {
		end += D
	}
	if step > 0 {
		start, end = min(max(start, 0), D), min(max(end, 0), D)
		if end <= start {
			return 0, nil
		}
		return int((end-start-1)/step + 1), nil
	}
	start, end = min(max(start, 0), D-1), min(max(end, -1), D-1)
	if start <= end {
		return 0, nil
	}
	return int((start-end-1)/(-(step+1)+1) + 1), nil
}

// sliceAxis resolves ONNX Slice bounds on one axis of length d into the
// list of indices taken.
func sliceAxis(d int, start, end, step int64) ([]int, error) {
	if step == 0 {
		return nil, fmt.Errorf("slice step 0")
	}
	D := int64(d)
	if start < 0 {
		start += D
	}
	if end < 0 {
		end += D
	}
	var idx []int
	// Step by comparing distances, never by overflowing i + step.
	if step > 0 {
		start, end = min(max(start, 0), D), min(max(end, 0), D)
		for i := start; i < end; i += step {
			idx = append(idx, int(i))
			if step >= end-i {
				break
			}
		}
	} else {
		start, end = min(max(start, 0), D-1), min(max(end, -1), D-1)
		for i := start; i > end; i += step {
			idx = append(idx, int(i))
			if -(step + 1) >= i-end-1 {
				break
			}
		}
	}
	return idx, nil
}

func concatConst(axis int, ts []*ctensor) (*ctensor, error) {
	r := len(ts[0].shape)
	shape := append([]int{}, ts[0].shape...)
	shape[axis] = 0
	fl := false
	for _, t := range ts {
		if len(t.shape) != r {
			return nil, fmt.Errorf("concat of ranks %d and %d", r, len(t.shape))
		}
		for i := range t.shape {
			if i != axis && t.shape[i] != ts[0].shape[i] {
				return nil, fmt.Errorf("concat of %v and %v", ts[0].shape, t.shape)
			}
		}
		shape[axis] += t.shape[axis]
		fl = fl || t.isFloat()
	}
	dt := ts[0].dt
	if fl {
		dt = tFloat
	}
	total := 0
	for _, t := range ts {
		total += t.len()
	}
	out, err := newConstMax(dt, shape, total)
	if err != nil {
		return nil, err
	}
	outer := 1
	for _, d := range shape[:axis] {
		outer *= d
	}
	k := 0
	for o := 0; o < outer; o++ {
		for _, t := range ts {
			inner := 1
			for _, d := range t.shape[axis:] {
				inner *= d
			}
			if fl {
				copy(out.f[k:k+inner], t.floats()[o*inner:(o+1)*inner])
			} else {
				copy(out.i[k:k+inner], t.i[o*inner:(o+1)*inner])
			}
			k += inner
		}
	}
	return out, nil
}
