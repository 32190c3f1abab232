package runtime

import (
	"fmt"
	"math"
	"math/bits"
	"unsafe"
)

// Alignment is the byte alignment of every tensor's data, in the model file
// and in a session's arena: a cache line, and enough for any vector load.
const Alignment = 64

// maxElements bounds the element count of any tensor so that byte sizes,
// offsets and index arithmetic never overflow an int on 32-bit targets.
const maxElements = math.MaxInt32

// Tensor is a typed n-dimensional array in C (row-major) order over raw
// little-endian bytes. Tensors of a model are views of the mapped file and
// must not be written; tensors of a session are views of its arena.
type Tensor struct {
	dtype DType
	shape []int
	data  []byte
}

// NewTensor allocates a zeroed, Alignment-aligned tensor.
func NewTensor(dt DType, shape ...int) (*Tensor, error) {
	n, err := numElements(shape)
	if err != nil {
		return nil, err
	}
	if !dt.Valid() {
		return nil, fmt.Errorf("runtime: invalid dtype %d", uint8(dt))
	}
	if int64(n)*int64(dt.Size()) > math.MaxInt/2 {
		return nil, fmt.Errorf("runtime: %s%v does not fit in memory", dt, shape)
	}
	return &Tensor{dtype: dt, shape: append([]int(nil), shape...), data: alignedBytes(n * dt.Size())}, nil
}

// TensorFrom wraps data (whose length must equal dtype size × elements)
// without copying.
func TensorFrom(dt DType, shape []int, data []byte) (*Tensor, error) {
	n, err := numElements(shape)
	if err != nil {
		return nil, err
	}
	if !dt.Valid() {
		return nil, fmt.Errorf("runtime: invalid dtype %d", uint8(dt))
	}
	if int64(len(data)) != int64(n)*int64(dt.Size()) {
		return nil, fmt.Errorf("runtime: %d bytes for %s%v, want %d", len(data), dt, shape, n*dt.Size())
	}
	return &Tensor{dtype: dt, shape: append([]int(nil), shape...), data: data}, nil
}

// F32Tensor copies v into a new F32 tensor of the given shape.
func F32Tensor(v []float32, shape ...int) (*Tensor, error) {
	t, err := NewTensor(F32, shape...)
	if err != nil {
		return nil, err
	}
	if len(v) != t.Len() {
		return nil, fmt.Errorf("runtime: %d values for shape %v", len(v), shape)
	}
	copy(t.F32(), v)
	return t, nil
}

// DType returns the element type.
func (t *Tensor) DType() DType { return t.dtype }

// Shape returns the dimensions; the caller must not modify them.
func (t *Tensor) Shape() []int { return t.shape }

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.data) / t.dtype.Size() }

// Bytes returns the raw little-endian data.
func (t *Tensor) Bytes() []byte { return t.data }

// F32 returns the data as float32 values (nil unless the dtype is F32).
// The data is Alignment-aligned, so the view is a plain reinterpretation.
func (t *Tensor) F32() []float32 {
	if t.dtype != F32 || len(t.data) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(t.data))), len(t.data)/4)
}

// S32 returns the data as int32 values (nil unless the dtype is S32).
func (t *Tensor) S32() []int32 {
	if t.dtype != S32 || len(t.data) == 0 {
		return nil
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(t.data))), len(t.data)/4)
}

// S8 returns the data as int8 values (nil unless the dtype is S8).
func (t *Tensor) S8() []int8 {
	if t.dtype != S8 || len(t.data) == 0 {
		return nil
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(t.data))), len(t.data))
}

// U8 returns the data as uint8 values (nil unless the dtype is U8).
func (t *Tensor) U8() []uint8 {
	if t.dtype != U8 {
		return nil
	}
	return t.data
}

// U16 returns the raw 16-bit words of an F16 or BF16 tensor.
func (t *Tensor) U16() []uint16 {
	if (t.dtype != F16 && t.dtype != BF16) || len(t.data) == 0 {
		return nil
	}
	return unsafe.Slice((*uint16)(unsafe.Pointer(unsafe.SliceData(t.data))), len(t.data)/2)
}

// String describes the tensor's type, e.g. "F32[1 3 32 32]".
func (t *Tensor) String() string { return fmt.Sprintf("%s%v", t.dtype, t.shape) }

// numElements multiplies the dimensions, rejecting negative dimensions and
// products above maxElements without ever overflowing.
func numElements(shape []int) (int, error) {
	n := uint64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > maxElements {
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, maxElements)
		}
		n = lo
	}
	return int(n), nil
}

// alignedBytes allocates n zero bytes starting on an Alignment boundary.
func alignedBytes(n int) []byte {
	if n == 0 {
		return []byte{}
	}
	buf := make([]byte, n+Alignment-1)
	off := 0
	if r := int(uintptr(unsafe.Pointer(&buf[0])) % Alignment); r != 0 {
		off = Alignment - r
	}
	return buf[off : off+n : off+n]
}

func alignUp(n int) int { return (n + Alignment - 1) &^ (Alignment - 1) }

func shapeEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
