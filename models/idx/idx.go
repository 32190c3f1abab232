// Package idx reads the IDX files of MNIST and Fashion-MNIST (optionally
// gzip-compressed): a big-endian header of two zero bytes, a type code, the
// number of dimensions and each dimension as a uint32, then the elements in C
// order.
//
// Input is hostile: the header is checked completely, the element count is
// bounded by the caller's limit before anything is allocated, and a file that
// ends early or carries trailing bytes is an error wrapping ErrFormat.
package idx

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// ErrFormat reports a malformed IDX file; ErrLimit one larger than allowed.
var (
	ErrFormat = errors.New("idx: malformed file")
	ErrLimit  = errors.New("idx: file exceeds limits")
)

// MaxDims bounds the number of dimensions a file may declare.
const MaxDims = 8

// Array is an IDX array of unsigned bytes (type code 0x08), the only element
// type the image and label files use.
type Array struct {
	Shape []int
	Data  []uint8
}

// Read decodes one IDX array of unsigned bytes from r, gzip-compressed or
// not (detected by the gzip magic). maxElems bounds the element count (0
// means 1<<28).
func Read(r io.Reader, maxElems int64) (*Array, error) {
	if maxElems <= 0 {
		maxElems = 1 << 28
	}
	br := bufio.NewReader(r)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %v", ErrFormat, err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var head [4]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, fmt.Errorf("%w: magic %#x %#x, want 0 0", ErrFormat, head[0], head[1])
	}
	if head[2] != 0x08 {
		return nil, fmt.Errorf("%w: element type %#x, only unsigned bytes (0x08) are supported", ErrFormat, head[2])
	}
	nd := int(head[3])
	if nd < 1 || nd > MaxDims {
		return nil, fmt.Errorf("%w: %d dimensions", ErrFormat, nd)
	}
	dims := make([]byte, 4*nd)
	if _, err := io.ReadFull(br, dims); err != nil {
		return nil, fmt.Errorf("%w: dimensions: %v", ErrFormat, err)
	}
	a := &Array{Shape: make([]int, nd)}
	n := int64(1)
	for i := range a.Shape {
		d := int64(binary.BigEndian.Uint32(dims[4*i:]))
		if d > math.MaxInt32 {
			// Beyond int on 32-bit devices, even when another
			// dimension is 0.
			return nil, fmt.Errorf("%w: dimension %d", ErrLimit, d)
		}
		// Checked before multiplying: the product stays below
		// maxElems*2^32, far from overflow.
		n *= d
		if n > maxElems {
			return nil, fmt.Errorf("%w: shape exceeds %d elements", ErrLimit, maxElems)
		}
		a.Shape[i] = int(d)
	}
	a.Data = make([]uint8, n)
	if _, err := io.ReadFull(br, a.Data); err != nil {
		return nil, fmt.Errorf("%w: data: %v (want %d bytes)", ErrFormat, err, n)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		if err == nil {
			return nil, fmt.Errorf("%w: trailing bytes after %d elements", ErrFormat, n)
		}
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return a, nil
}

// ReadFile reads an IDX file (gzip-compressed or not).
func ReadFile(name string, maxElems int64) (*Array, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := Read(f, maxElems)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return a, nil
}

// Encode writes a as an uncompressed IDX file (for tests and tools).
func Encode(w io.Writer, a *Array) error {
	if len(a.Shape) < 1 || len(a.Shape) > MaxDims {
		return fmt.Errorf("%w: %d dimensions", ErrFormat, len(a.Shape))
	}
	var buf bytes.Buffer
	buf.Write([]byte{0, 0, 0x08, byte(len(a.Shape))})
	n := 1
	for _, d := range a.Shape {
		if d < 0 || int64(d) > math.MaxInt32 {
			return fmt.Errorf("%w: dimension %d", ErrFormat, d)
		}
		binary.Write(&buf, binary.BigEndian, uint32(d))
		n *= d
	}
	if n != len(a.Data) {
		return fmt.Errorf("%w: shape %v holds %d elements, data %d", ErrFormat, a.Shape, n, len(a.Data))
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	_, err := w.Write(a.Data)
	return err
}

// Dataset is a labelled image set: Images [N][rows*cols], Labels [N].
type Dataset struct {
	N, Rows, Cols int
	Images        []uint8
	Labels        []uint8
}

// Image returns the i-th image's pixels.
func (d *Dataset) Image(i int) []uint8 { return d.Images[i*d.Rows*d.Cols : (i+1)*d.Rows*d.Cols] }

// LoadDataset reads an image file (3 dimensions) and its label file (1
// dimension, the same count) such as t10k-images-idx3-ubyte.gz and
// t10k-labels-idx1-ubyte.gz.
func LoadDataset(images, labels string) (*Dataset, error) {
	im, err := ReadFile(images, 0)
	if err != nil {
		return nil, err
	}
	lb, err := ReadFile(labels, 0)
	if err != nil {
		return nil, err
	}
	if len(im.Shape) != 3 || len(lb.Shape) != 1 || im.Shape[0] != lb.Shape[0] {
		return nil, fmt.Errorf("%w: images %v and labels %v do not pair", ErrFormat, im.Shape, lb.Shape)
	}
	return &Dataset{N: im.Shape[0], Rows: im.Shape[1], Cols: im.Shape[2], Images: im.Data, Labels: lb.Data}, nil
}
