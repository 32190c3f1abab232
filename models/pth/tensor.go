package pth

import (
	"encoding/binary"
	"fmt"
	"math"
)

// DType is a tensor element type.
type DType uint8

// The element types of PyTorch storages.
const (
	Float32 DType = iota + 1
	Float16
	BFloat16
	Float64
	Int64
	Int32
	Int16
	Int8
	Uint8
	Bool
)

var dtypeInfo = [...]struct {
	name    string
	size    int
	storage string
}{
	Float32:  {"F32", 4, "FloatStorage"},
	Float16:  {"F16", 2, "HalfStorage"},
	BFloat16: {"BF16", 2, "BFloat16Storage"},
	Float64:  {"F64", 8, "DoubleStorage"},
	Int64:    {"I64", 8, "LongStorage"},
	Int32:    {"I32", 4, "IntStorage"},
	Int16:    {"I16", 2, "ShortStorage"},
	Int8:     {"I8", 1, "CharStorage"},
	Uint8:    {"U8", 1, "ByteStorage"},
	Bool:     {"BOOL", 1, "BoolStorage"},
}

// String returns the safetensors name of the type (F32, F16, BF16, ...).
func (d DType) String() string {
	if d == 0 || int(d) >= len(dtypeInfo) {
		return fmt.Sprintf("DType(%d)", uint8(d))
	}
	return dtypeInfo[d].name
}

// Size returns the bytes per element.
func (d DType) Size() int {
	if d == 0 || int(d) >= len(dtypeInfo) {
		return 0
	}
	return dtypeInfo[d].size
}

// storageDType maps a torch storage class name (torch.FloatStorage) to its type.
func storageDType(name string) (DType, bool) {
	for i := 1; i < len(dtypeInfo); i++ {
		if dtypeInfo[i].storage == name {
			return DType(i), true
		}
	}
	return 0, false
}

// Tensor is one named tensor, its data contiguous in C order and
// little-endian whatever the strides in the checkpoint were.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// Len returns the number of elements.
func (t *Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Float32 returns the elements converted to float32. Floating types convert
// exactly (F64 rounds to nearest); integer types convert by value.
func (t *Tensor) Float32() ([]float32, error) {
	n := t.Len()
	if len(t.Data) != n*t.DType.Size() {
		return nil, fmt.Errorf("tensor %q: %d data bytes for %d elements of %s", t.Name, len(t.Data), n, t.DType)
	}
	out := make([]float32, n)
	b := t.Data
	le := binary.LittleEndian
	for i := range out {
		switch t.DType {
		case Float32:
			out[i] = math.Float32frombits(le.Uint32(b[4*i:]))
		case Float16:
			out[i] = halfToFloat(le.Uint16(b[2*i:]))
		case BFloat16:
			out[i] = math.Float32frombits(uint32(le.Uint16(b[2*i:])) << 16)
		case Float64:
			out[i] = float32(math.Float64frombits(le.Uint64(b[8*i:])))
		case Int64:
			out[i] = float32(int64(le.Uint64(b[8*i:])))
		case Int32:
			out[i] = float32(int32(le.Uint32(b[4*i:])))
		case Int16:
			out[i] = float32(int16(le.Uint16(b[2*i:])))
		case Int8:
			out[i] = float32(int8(b[i]))
		case Uint8, Bool:
			out[i] = float32(b[i])
		default:
			return nil, fmt.Errorf("tensor %q: unknown dtype %s", t.Name, t.DType)
		}
	}
	return out, nil
}

// halfToFloat converts IEEE 754 binary16 bits to float32 exactly.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	man := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+112)<<23 | man<<13)
	case man == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal half: value = man * 2^-24, normal in float32.
	e := uint32(113)
	for man&0x400 == 0 {
		man <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (man&0x3ff)<<13)
}

// rebuild makes the contiguous tensor that a (storage, offset, size, stride)
// view describes, checking every index against the storage.
func (a *archive) rebuild(s *storage, offset int64, size, stride []int64) (*Tensor, error) {
	if len(size) != len(stride) {
		return nil, errf("tensor has %d sizes and %d strides", len(size), len(stride))
	}
	if len(size) > a.lim.MaxDims {
		return nil, limitf("tensor with %d dimensions (limit %d)", len(size), a.lim.MaxDims)
	}
	if offset < 0 || offset > s.numel {
		return nil, errf("storage offset %d outside storage of %d elements", offset, s.numel)
	}
	esz := int64(s.dtype.Size())
	n := int64(1)
	last := offset // largest element index the view touches
	for i, d := range size {
		if d < 0 || stride[i] < 0 {
			return nil, errf("negative size or stride (%v, %v)", size, stride)
		}
		if d != 0 && n > (a.lim.MaxBytes/esz)/d {
			return nil, limitf("tensor of shape %v exceeds %d bytes", size, a.lim.MaxBytes)
		}
		n *= d
	}
	if n > 0 {
		for i, d := range size {
			if stride[i] > 0 && d-1 > (s.numel-last)/stride[i] {
				return nil, errf("tensor view %v/%v at offset %d reaches past storage of %d elements",
					size, stride, offset, s.numel)
			}
			last += (d - 1) * stride[i]
		}
		if last >= s.numel {
			return nil, errf("tensor view %v/%v at offset %d reaches past storage of %d elements",
				size, stride, offset, s.numel)
		}
	}
	if err := a.charge(n * esz); err != nil {
		return nil, err
	}
	if err := a.load(s); err != nil {
		return nil, err
	}
	shape := make([]int, len(size))
	for i, d := range size {
		shape[i] = int(d)
	}
	t := &Tensor{DType: s.dtype, Shape: shape, Data: make([]byte, n*esz)}
	if n == 0 {
		return t, nil
	}
	// Copy rows of the innermost dimension; fast when it is contiguous.
	nd := len(size)
	if nd == 0 {
		copy(t.Data, s.data[offset*esz:(offset+1)*esz])
		return t, nil
	}
	inner := size[nd-1]
	innerStride := stride[nd-1]
	idx := make([]int64, nd-1)
	dst := t.Data
	for {
		base := offset
		for i, v := range idx {
			base += v * stride[i]
		}
		if innerStride == 1 {
			k := copy(dst, s.data[base*esz:(base+inner)*esz])
			dst = dst[k:]
		} else {
			for j := int64(0); j < inner; j++ {
				p := (base + j*innerStride) * esz
				copy(dst[:esz], s.data[p:p+esz])
				dst = dst[esz:]
			}
		}
		i := nd - 2
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < size[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return t, nil
		}
	}
}
