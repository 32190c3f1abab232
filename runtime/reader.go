package runtime

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sort"
	"strings"
)

// ErrCorruptModel is wrapped by every error about a malformed, truncated or
// inconsistent model file. The message names the tensor or node at fault.
var ErrCorruptModel = errors.New("runtime: corrupt model")

// ErrChecksum is wrapped (together with ErrCorruptModel) when the file's
// bytes do not match its checksum.
var ErrChecksum = errors.New("checksum mismatch")

func corrupt(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrCorruptModel, fmt.Sprintf(format, a...))
}

// rawTensor is a validated header entry.
type rawTensor struct {
	name       string
	dtype      DType
	shape      []int
	begin, end int64
}

// container is a parsed and validated safetensors container.
type container struct {
	data     []byte // the whole file
	dataOff  int64  // start of the data section
	meta     map[string]string
	tensors  []rawTensor // sorted by begin, padding removed
	alg      *checksumAlg
	checksum string // the hex digits
	sumAt    int    // byte offset of the digits in data
}

// parseContainer checks everything about the container that does not need
// the graph: lengths, JSON, dtypes, sizes, offsets, overlap and alignment.
// It allocates only in proportion to the header, which is bounded by the
// file's own size.
func parseContainer(data []byte) (*container, error) {
	if len(data) < 8 {
		return nil, corrupt("file is %d bytes, shorter than the 8-byte header length", len(data))
	}
	hlen := binary.LittleEndian.Uint64(data)
	if hlen > maxHeader || hlen > uint64(len(data)-8) {
		return nil, corrupt("header length %d exceeds the file (%d bytes) or the %d-byte limit (truncated file?)", hlen, len(data), maxHeader)
	}
	c := &container{data: data, dataOff: 8 + int64(hlen)}
	if c.dataOff%Alignment != 0 {
		return nil, corrupt("data section starts at %d, not a multiple of %d", c.dataOff, Alignment)
	}
	hdr := data[8:c.dataOff]
	dataLen := int64(len(data)) - c.dataOff

	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.DisallowUnknownFields()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, corrupt("header is not a JSON object")
	}
	seen := map[string]bool{}
	var all []rawTensor
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, corrupt("header JSON: %v", err)
		}
		name, _ := tok.(string)
		if seen[name] {
			return nil, corrupt("header names %q twice", name)
		}
		seen[name] = true
		if name == "__metadata__" {
			if err := dec.Decode(&c.meta); err != nil {
				return nil, corrupt("__metadata__: %v", err)
			}
			continue
		}
		var e headerEntry
		if err := dec.Decode(&e); err != nil {
			return nil, corrupt("tensor %q: header entry: %v", name, err)
		}
		t, err := checkEntry(name, &e, dataLen)
		if err != nil {
			return nil, err
		}
		all = append(all, t)
	}
	if _, err := dec.Token(); err != nil {
		return nil, corrupt("header JSON: %v", err)
	}
	if rest := hdr[dec.InputOffset():]; len(bytes.Trim(rest, " ")) != 0 {
		return nil, corrupt("header has trailing bytes other than space padding")
	}

	// Tensors must tile the data section exactly: no overlap, no gap, no
	// trailing bytes (safetensors' own rule), which also proves every
	// byte of the file is accounted for.
	sort.Slice(all, func(i, j int) bool { return all[i].begin < all[j].begin })
	var pos int64
	for _, t := range all {
		switch {
		case t.begin < pos:
			return nil, corrupt("tensor %q [%d,%d) overlaps the previous tensor, which ends at %d", t.name, t.begin, t.end, pos)
		case t.begin > pos:
			return nil, corrupt("tensor %q starts at %d, leaving a gap after %d", t.name, t.begin, pos)
		}
		pos = t.end
		if strings.HasPrefix(t.name, padPrefix) {
			if t.dtype != U8 || len(t.shape) != 1 {
				return nil, corrupt("padding tensor %q must be 1-D U8", t.name)
			}
			continue
		}
		if strings.HasPrefix(t.name, "__") {
			return nil, corrupt("tensor name %q: names starting with \"__\" are reserved", t.name)
		}
		if t.begin%Alignment != 0 {
			return nil, corrupt("tensor %q starts at data offset %d, not %d-byte aligned", t.name, t.begin, Alignment)
		}
		c.tensors = append(c.tensors, t)
	}
	if pos != dataLen {
		return nil, corrupt("tensors cover %d bytes of a %d-byte data section (truncated or trailing data)", pos, dataLen)
	}

	if c.meta[MetaFormat] != FormatName {
		return nil, corrupt("metadata format is %q, want %q", c.meta[MetaFormat], FormatName)
	}
	if v := c.meta[MetaFormatVersion]; v != fmt.Sprint(FormatVersion) {
		return nil, corrupt("format version %q not supported (this runtime reads version %d)", v, FormatVersion)
	}
	sum := c.meta[MetaChecksum]
	name, digits, _ := strings.Cut(sum, ":")
	c.alg = findChecksum(name)
	if c.alg == nil {
		return nil, corrupt("checksum %q: unknown algorithm (want sha256 or crc32c)", sum)
	}
	if _, err := hex.DecodeString(digits); err != nil || len(digits) != c.alg.digits || strings.ToLower(digits) != digits {
		return nil, corrupt("checksum %q is not %s: and %d lower-case hex digits", sum, name, c.alg.digits)
	}
	quoted := []byte(`"` + sum + `"`)
	if bytes.Count(hdr, quoted) != 1 {
		return nil, corrupt("checksum value must appear exactly once, literally, in the header")
	}
	c.checksum = digits
	c.sumAt = 8 + bytes.Index(hdr, quoted) + 1 + len(name) + 1
	return c, nil
}

func checkEntry(name string, e *headerEntry, dataLen int64) (rawTensor, error) {
	dt, err := ParseDType(e.DType)
	if err != nil {
		return rawTensor{}, corrupt("tensor %q: unknown dtype %q", name, e.DType)
	}
	// Check the element count in 64 bits before narrowing to int, so a
	// 32-bit build rejects the same shapes with the same message.
	n := uint64(1)
	for _, d := range e.Shape {
		if d < 0 {
			return rawTensor{}, corrupt("tensor %q: negative dimension in shape %v", name, e.Shape)
		}
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > maxElements {
			return rawTensor{}, corrupt("tensor %q: shape %v has more than %d elements", name, e.Shape, maxElements)
		}
		n = lo
	}
	shape := make([]int, len(e.Shape))
	for i, d := range e.Shape {
		shape[i] = int(d)
	}
	b, end := e.DataOffsets[0], e.DataOffsets[1]
	if b < 0 || end < b {
		return rawTensor{}, corrupt("tensor %q: data offsets [%d,%d) are not an interval", name, b, end)
	}
	if end > dataLen {
		return rawTensor{}, corrupt("tensor %q: data offsets [%d,%d) run past the end of the %d-byte data section (truncated file?)", name, b, end, dataLen)
	}
	if want := int64(n) * int64(dt.Size()); end-b != want {
		return rawTensor{}, corrupt("tensor %q: %d bytes, but %s%v needs %d", name, end-b, dt, e.Shape, want)
	}
	return rawTensor{name: name, dtype: dt, shape: shape, begin: b, end: end}, nil
}

// verifyChecksum hashes the file with the checksum digits read as '0'.
func (c *container) verifyChecksum() error {
	h := c.alg.new()
	h.Write(c.data[:c.sumAt])
	io.WriteString(h, strings.Repeat("0", c.alg.digits))
	h.Write(c.data[c.sumAt+c.alg.digits:])
	if got := hex.EncodeToString(h.Sum(nil)); got != c.checksum {
		return fmt.Errorf("%w: %w: file hashes to %s:%s, header says %[3]s:%[5]s", ErrCorruptModel, ErrChecksum, c.alg.name, got, c.checksum)
	}
	return nil
}

// tensor returns the in-place view of a validated entry.
func (c *container) tensor(t *rawTensor) *Tensor {
	b := c.data[c.dataOff+t.begin : c.dataOff+t.end : c.dataOff+t.end]
	return &Tensor{dtype: t.dtype, shape: t.shape, data: b}
}
