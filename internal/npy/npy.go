// Package npy reads and writes NumPy's .npy arrays (format versions 1-3),
// the format of the reference vectors edgerun is checked against and of
// arrays users pass to "edgerun run".
//
// Reading treats the file as hostile: the header is bounded, every field is
// checked, and the data size must equal dtype × shape before anything is
// allocated.
package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// ErrFormat is wrapped by every error about a malformed .npy stream.
var ErrFormat = errors.New("npy: malformed file")

// Array is an n-dimensional array in C order. Data holds the raw
// little-endian bytes; the typed accessors decode them.
type Array struct {
	Dtype string // NumPy type string without byte order: f4, f8, i1, u1, i2, u2, i4, u4, i8, u8, f2
	Shape []int
	Data  []byte
}

// maxHeader bounds the header; NumPy itself writes a few hundred bytes.
const maxHeader = 1 << 16

var dtypeSize = map[string]int{
	"f2": 2, "f4": 4, "f8": 8,
	"i1": 1, "u1": 1, "b1": 1,
	"i2": 2, "u2": 2, "i4": 4, "u4": 4, "i8": 8, "u8": 8,
}

func errf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, a...))
}

// Len returns the number of elements.
func (a *Array) Len() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// Read decodes one array. maxBytes bounds the data size (0 means 1 GiB).
func Read(r io.Reader, maxBytes int64) (*Array, error) {
	if maxBytes <= 0 {
		maxBytes = 1 << 30
	}
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, errf("short preamble: %v", err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, errf("bad magic %q", pre[:6])
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, errf("short header length: %v", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, errf("short header length: %v", err)
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return nil, errf("unsupported version %d.%d", pre[6], pre[7])
	}
	if hlen > maxHeader {
		return nil, errf("header of %d bytes exceeds %d", hlen, maxHeader)
	}
	h := make([]byte, hlen)
	if _, err := io.ReadFull(r, h); err != nil {
		return nil, errf("short header: %v", err)
	}
	a, err := parseHeader(string(h))
	if err != nil {
		return nil, err
	}
	size := int64(dtypeSize[a.Dtype])
	for _, d := range a.Shape {
		if d < 0 {
			return nil, errf("negative dimension %d", d)
		}
		if d > 0 && size > math.MaxInt64/int64(d) {
			return nil, errf("shape %v overflows", a.Shape)
		}
		size *= int64(d)
	}
	if size > maxBytes {
		return nil, errf("data of %d bytes exceeds the limit of %d", size, maxBytes)
	}
	a.Data = make([]byte, size)
	if _, err := io.ReadFull(r, a.Data); err != nil {
		return nil, errf("data truncated (want %d bytes): %v", size, err)
	}
	return a, nil
}

// ReadFile reads a .npy file.
func ReadFile(path string) (*Array, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	a, err := Read(fh, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// parseHeader reads the Python dict literal NumPy writes:
// {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 4), }
func parseHeader(h string) (*Array, error) {
	h = strings.TrimSpace(h)
	if !strings.HasPrefix(h, "{") || !strings.HasSuffix(h, "}") {
		return nil, errf("header is not a dict")
	}
	descr, ok := dictValue(h, "descr")
	if !ok {
		return nil, errf("header lacks descr")
	}
	descr = strings.Trim(descr, `'"`)
	if len(descr) < 2 {
		return nil, errf("bad descr %q", descr)
	}
	order := descr[0]
	dt := descr[1:]
	if _, ok := dtypeSize[dt]; !ok {
		return nil, errf("unsupported dtype %q", descr)
	}
	if order == '>' && dtypeSize[dt] > 1 {
		return nil, errf("big-endian dtype %q", descr)
	}
	if order != '<' && order != '|' && order != '=' && order != '>' {
		return nil, errf("bad byte order in %q", descr)
	}
	fo, ok := dictValue(h, "fortran_order")
	if !ok {
		return nil, errf("header lacks fortran_order")
	}
	if fo != "False" {
		return nil, errf("fortran_order %s is not supported", fo)
	}
	sh, ok := dictValue(h, "shape")
	if !ok || !strings.HasPrefix(sh, "(") || !strings.HasSuffix(sh, ")") {
		return nil, errf("header lacks a shape tuple")
	}
	var shape []int
	for _, f := range strings.Split(sh[1:len(sh)-1], ",") {
		f = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f), "L"))
		if f == "" {
			continue
		}
		d, err := strconv.Atoi(f)
		if err != nil || d < 0 {
			return nil, errf("bad dimension %q", f)
		}
		shape = append(shape, d)
	}
	if len(shape) > 32 {
		return nil, errf("%d dimensions", len(shape))
	}
	return &Array{Dtype: dt, Shape: shape}, nil
}

// dictValue finds 'key': value in a flat Python dict literal; a value is a
// quoted string, a tuple, or a bare word.
func dictValue(h, key string) (string, bool) {
	for _, q := range []string{"'", `"`} {
		i := strings.Index(h, q+key+q)
		if i < 0 {
			continue
		}
		rest := strings.TrimSpace(h[i+len(key)+2:])
		if !strings.HasPrefix(rest, ":") {
			return "", false
		}
		rest = strings.TrimSpace(rest[1:])
		if rest == "" {
			return "", false
		}
		switch rest[0] {
		case '(':
			j := strings.IndexByte(rest, ')')
			if j < 0 {
				return "", false
			}
			return rest[:j+1], true
		case '\'', '"':
			j := strings.IndexByte(rest[1:], rest[0])
			if j < 0 {
				return "", false
			}
			return rest[:j+2], true
		default:
			j := strings.IndexAny(rest, ",}")
			if j < 0 {
				return "", false
			}
			return strings.TrimSpace(rest[:j]), true
		}
	}
	return "", false
}

func (a *Array) want(dt string) error {
	if a.Dtype != dt {
		return fmt.Errorf("npy: array has dtype %s, not %s", a.Dtype, dt)
	}
	return nil
}

// Float32 returns the data as float32 (dtype f4, or f8 narrowed).
func (a *Array) Float32() ([]float32, error) {
	switch a.Dtype {
	case "f4":
		out := make([]float32, len(a.Data)/4)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(a.Data[4*i:]))
		}
		return out, nil
	case "f8":
		out := make([]float32, len(a.Data)/8)
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(a.Data[8*i:])))
		}
		return out, nil
	}
	return nil, a.want("f4")
}

// Int8 returns the data as int8 (dtype i1).
func (a *Array) Int8() ([]int8, error) {
	if err := a.want("i1"); err != nil {
		return nil, err
	}
	out := make([]int8, len(a.Data))
	for i, b := range a.Data {
		out[i] = int8(b)
	}
	return out, nil
}

// Uint8 returns the data as uint8 (dtype u1).
func (a *Array) Uint8() ([]uint8, error) {
	if err := a.want("u1"); err != nil {
		return nil, err
	}
	return a.Data, nil
}

// Int32 returns the data as int32 (dtype i4, or i8 when every value fits).
func (a *Array) Int32() ([]int32, error) {
	switch a.Dtype {
	case "i4":
		out := make([]int32, len(a.Data)/4)
		for i := range out {
			out[i] = int32(binary.LittleEndian.Uint32(a.Data[4*i:]))
		}
		return out, nil
	case "i8":
		out := make([]int32, len(a.Data)/8)
		for i := range out {
			v := int64(binary.LittleEndian.Uint64(a.Data[8*i:]))
			if v < math.MinInt32 || v > math.MaxInt32 {
				return nil, fmt.Errorf("npy: value %d at %d does not fit int32", v, i)
			}
			out[i] = int32(v)
		}
		return out, nil
	}
	return nil, a.want("i4")
}

// Write encodes a in format version 1.0.
func Write(w io.Writer, a *Array) error {
	size, ok := dtypeSize[a.Dtype]
	if !ok {
		return fmt.Errorf("npy: unsupported dtype %q", a.Dtype)
	}
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	if n*size != len(a.Data) {
		return fmt.Errorf("npy: %d data bytes for shape %v of %s", len(a.Data), a.Shape, a.Dtype)
	}
	var sh strings.Builder
	sh.WriteByte('(')
	for i, d := range a.Shape {
		if i > 0 {
			sh.WriteString(", ")
		}
		sh.WriteString(strconv.Itoa(d))
	}
	if len(a.Shape) == 1 {
		sh.WriteByte(',')
	}
	sh.WriteByte(')')
	order := "<"
	if size == 1 {
		order = "|"
	}
	h := fmt.Sprintf("{'descr': '%s%s', 'fortran_order': False, 'shape': %s, }", order, a.Dtype, sh.String())
	// Pad so the data starts on a 64-byte boundary, as NumPy does.
	total := 10 + len(h) + 1
	pad := (64 - total%64) % 64
	h += strings.Repeat(" ", pad) + "\n"
	var buf bytes.Buffer
	buf.WriteString("\x93NUMPY\x01\x00")
	if len(h) > math.MaxUint16 {
		return fmt.Errorf("npy: header too long")
	}
	binary.Write(&buf, binary.LittleEndian, uint16(len(h)))
	buf.WriteString(h)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	_, err := w.Write(a.Data)
	return err
}

// FromFloat32 wraps float32 values as an f4 array.
func FromFloat32(v []float32, shape ...int) *Array {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return &Array{Dtype: "f4", Shape: shape, Data: b}
}

// FromInt8 wraps int8 values as an i1 array.
func FromInt8(v []int8, shape ...int) *Array {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return &Array{Dtype: "i1", Shape: shape, Data: b}
}
