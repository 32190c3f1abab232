// Package safetensors reads the safetensors format: an unsigned 64-bit
// little-endian header length, a JSON header mapping each tensor name to its
// dtype, shape and byte range, an optional "__metadata__" map of strings, and
// the raw little-endian tensor data.
//
// Input is hostile: the header is bounded, every range must lie inside the
// data, match dtype × shape and not overlap another, and nothing is allocated
// beyond what the caller's limit allows. Errors wrap ErrFormat or ErrLimit.
package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/edgerun/edgerun/models/pth"
)

// ErrFormat is wrapped by every error about a malformed file.
var ErrFormat = errors.New("safetensors: malformed file")

// ErrLimit is wrapped by errors about a file larger than the caller allows.
var ErrLimit = errors.New("safetensors: file exceeds limits")

func errf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, a...))
}

// MaxHeader bounds the JSON header (the reference implementation uses 100 MB).
const MaxHeader = 100 << 20

const maxDims = 16

var dtypes = map[string]pth.DType{
	"F32": pth.Float32, "F16": pth.Float16, "BF16": pth.BFloat16, "F64": pth.Float64,
	"I64": pth.Int64, "I32": pth.Int32, "I16": pth.Int16, "I8": pth.Int8, "U8": pth.Uint8,
	"BOOL": pth.Bool,
}

// File is a decoded safetensors file. Tensors share the package's tensor type
// with the PyTorch checkpoint reader so importers treat both alike.
type File struct {
	Metadata map[string]string
	Names    []string // in data order
	Tensors  map[string]*pth.Tensor
}

// ReadFile reads a file of at most maxBytes (0 means 1 GiB).
func ReadFile(name string, maxBytes int64) (*File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	sf, err := Read(f, st.Size(), maxBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return sf, nil
}

type entry struct {
	DType   string   `json:"dtype"`
	Shape   []int64  `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// Read decodes size bytes from r. maxBytes bounds the file size (0 means 1 GiB).
func Read(r io.ReaderAt, size, maxBytes int64) (*File, error) {
	if maxBytes <= 0 {
		maxBytes = 1 << 30
	}
	if size > maxBytes {
		return nil, fmt.Errorf("%w: %d bytes (limit %d)", ErrLimit, size, maxBytes)
	}
	var pre [8]byte
	if size < 8 {
		return nil, errf("%d bytes, shorter than the header length", size)
	}
	if _, err := r.ReadAt(pre[:], 0); err != nil {
		return nil, errf("reading header length: %v", err)
	}
	hl := binary.LittleEndian.Uint64(pre[:])
	if hl > MaxHeader || hl > uint64(size-8) {
		return nil, errf("header of %d bytes in a file of %d", hl, size)
	}
	buf := make([]byte, size-8)
	if _, err := r.ReadAt(buf, 8); err != nil {
		return nil, errf("reading: %v", err)
	}
	head, data := buf[:hl], buf[hl:]

	var raw map[string]json.RawMessage
	if err := json.Unmarshal(head, &raw); err != nil {
		return nil, errf("header: %v", err)
	}
	f := &File{Metadata: map[string]string{}, Tensors: map[string]*pth.Tensor{}}
	if m, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(m, &f.Metadata); err != nil {
			return nil, errf("__metadata__ is not a map of strings: %v", err)
		}
		delete(raw, "__metadata__")
	}
	type span struct {
		name       string
		begin, end int64
	}
	spans := make([]span, 0, len(raw))
	for name, msg := range raw {
		var e entry
		d := json.NewDecoder(bytes.NewReader(msg))
		d.DisallowUnknownFields()
		if err := d.Decode(&e); err != nil {
			return nil, errf("tensor %q: %v", name, err)
		}
		dt, ok := dtypes[e.DType]
		if !ok {
			return nil, errf("tensor %q: unsupported dtype %q", name, e.DType)
		}
		if len(e.Shape) > maxDims {
			return nil, errf("tensor %q: %d dimensions", name, len(e.Shape))
		}
		n := int64(1)
		shape := make([]int, len(e.Shape))
		for i, s := range e.Shape {
			if s < 0 || (s > 0 && n > int64(len(data))/s) {
				return nil, errf("tensor %q: shape %v does not fit the data", name, e.Shape)
			}
			n *= s
			shape[i] = int(s)
		}
		b, end := e.Offsets[0], e.Offsets[1]
		if b < 0 || end < b || end > int64(len(data)) {
			return nil, errf("tensor %q: data_offsets %v outside %d data bytes", name, e.Offsets, len(data))
		}
		if end-b != n*int64(dt.Size()) {
			return nil, errf("tensor %q: %d bytes for shape %v of %s", name, end-b, e.Shape, e.DType)
		}
		f.Tensors[name] = &pth.Tensor{Name: name, DType: dt, Shape: shape, Data: data[b:end:end]}
		spans = append(spans, span{name, b, end})
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].begin != spans[j].begin {
			return spans[i].begin < spans[j].begin
		}
		return spans[i].name < spans[j].name
	})
	for i, s := range spans {
		if i > 0 && s.begin < spans[i-1].end {
			return nil, errf("tensors %q and %q overlap", spans[i-1].name, s.name)
		}
		f.Names = append(f.Names, s.name)
	}
	return f, nil
}
