package runtime

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Metadata keys the runtime owns in a model file's "__metadata__".
const (
	MetaFormat        = "format"         // always FormatName
	MetaFormatVersion = "format_version" // decimal, FormatVersion
	MetaGraph         = "graph"          // the Graph as JSON
	MetaChecksum      = "checksum"       // "sha256:" + 64 hex digits, or "crc32c:" + 8
	MetaProvenance    = "provenance"     // free text or JSON: where the model came from
)

// FormatName and FormatVersion identify the deployment file format.
const (
	FormatName    = "edgerun"
	FormatVersion = 1
)

const (
	checksumPrefix = "sha256:"
	padPrefix      = "__pad_"
	// maxHeader bounds the JSON header, as safetensors does.
	maxHeader = 100 << 20
)

var zeroDigest = strings.Repeat("0", 2*sha256.Size)

// checksumAlg is a checksum a model file may carry. SHA-256 is the
// default; CRC-32C (hardware-accelerated on amd64 and arm64) verifies a
// large model in a few milliseconds on devices without SHA instructions,
// at the cost of detecting corruption only, not tampering.
type checksumAlg struct {
	name   string
	digits int
	new    func() hash.Hash
}

var checksumAlgs = []checksumAlg{
	{"sha256", 2 * sha256.Size, sha256.New},
	{"crc32c", 8, func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }},
}

func findChecksum(name string) *checksumAlg {
	for i := range checksumAlgs {
		if checksumAlgs[i].name == name {
			return &checksumAlgs[i]
		}
	}
	return nil
}

// File is a model to be written: a graph, its initializers and free-form
// metadata (provenance, quantisation notes). Keys owned by the runtime
// (format, format_version, graph, checksum) are set by the writer.
type File struct {
	Graph    *Graph
	Tensors  map[string]*Tensor
	Metadata map[string]string
	// Checksum names the checksum algorithm: "sha256" (the default when
	// empty) or "crc32c".
	Checksum string
}

type headerEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int64  `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// Encode writes the model file to w.
//
// Layout: an 8-byte little-endian header length, the JSON header padded
// with spaces so the data section starts on an Alignment boundary, then the
// tensors in name order, each starting on an Alignment boundary. The gaps
// are covered by U8 padding tensors named "__pad_<n>" because safetensors
// readers require the data section to be contiguous.
func (f *File) Encode(w io.Writer) error {
	hdr, data, err := f.encode()
	if err != nil {
		return err
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	for _, d := range data {
		if _, err := w.Write(d); err != nil {
			return err
		}
	}
	return nil
}

// WriteFile writes the model atomically: to a temporary file in the same
// directory, synced, then renamed over path, so a reader never sees a
// partial model even if power fails mid-write.
func (f *File) WriteFile(path string) (err error) {
	hdr, data, err := f.encode()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(hdr); err != nil {
		return err
	}
	for _, d := range data {
		if _, err = tmp.Write(d); err != nil {
			return err
		}
	}
	// CreateTemp makes the file private; a model is meant to be shared.
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Sync the directory so the rename itself is durable.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// encode returns the length prefix plus header, and the data section as a
// list of byte slices (tensor data and zero padding).
func (f *File) encode() ([]byte, [][]byte, error) {
	if f.Graph == nil {
		return nil, nil, errors.New("runtime: model file has no graph")
	}
	graphJSON, err := json.Marshal(f.Graph)
	if err != nil {
		return nil, nil, fmt.Errorf("runtime: encoding graph: %w", err)
	}
	meta := map[string]string{}
	for k, v := range f.Metadata {
		switch k {
		case MetaFormat, MetaFormatVersion, MetaGraph, MetaChecksum:
			return nil, nil, fmt.Errorf("runtime: metadata key %q is set by the writer", k)
		}
		meta[k] = v
	}
	meta[MetaFormat] = FormatName
	meta[MetaFormatVersion] = strconv.Itoa(FormatVersion)
	meta[MetaGraph] = string(graphJSON)
	algName := f.Checksum
	if algName == "" {
		algName = "sha256"
	}
	alg := findChecksum(algName)
	if alg == nil {
		return nil, nil, fmt.Errorf("runtime: unknown checksum algorithm %q", f.Checksum)
	}
	zeros := strings.Repeat("0", alg.digits)
	meta[MetaChecksum] = alg.name + ":" + zeros

	names := make([]string, 0, len(f.Tensors))
	for n := range f.Tensors {
		if strings.HasPrefix(n, "__") {
			return nil, nil, fmt.Errorf("runtime: tensor name %q: names starting with \"__\" are reserved", n)
		}
		names = append(names, n)
	}
	sort.Strings(names)

	header := map[string]any{"__metadata__": meta}
	var data [][]byte
	var off int64
	pads := 0
	padding := make([]byte, Alignment)
	for _, n := range names {
		t := f.Tensors[n]
		if t == nil || !t.dtype.Valid() {
			return nil, nil, fmt.Errorf("runtime: tensor %q is nil or has no dtype", n)
		}
		if gap := int64(alignUp(int(off%Alignment))) - off%Alignment; gap != 0 {
			header[padPrefix+strconv.Itoa(pads)] = headerEntry{DType: "U8", Shape: []int64{gap}, DataOffsets: [2]int64{off, off + gap}}
			pads++
			data = append(data, padding[:gap])
			off += gap
		}
		shape := make([]int64, len(t.shape))
		for i, d := range t.shape {
			shape[i] = int64(d)
		}
		header[n] = headerEntry{DType: t.dtype.String(), Shape: shape, DataOffsets: [2]int64{off, off + int64(len(t.data))}}
		data = append(data, t.data)
		off += int64(len(t.data))
	}
	hj, err := json.Marshal(header)
	if err != nil {
		return nil, nil, fmt.Errorf("runtime: encoding header: %w", err)
	}
	hlen := alignUp(8+len(hj)) - 8
	buf := make([]byte, 8+hlen)
	binary.LittleEndian.PutUint64(buf, uint64(hlen))
	copy(buf[8:], hj)
	for i := 8 + len(hj); i < len(buf); i++ {
		buf[i] = ' '
	}
	// The checksum covers the whole file with its own digits read as
	// ASCII '0'; fill them in last.
	placeholder := []byte(`"` + alg.name + ":" + zeros + `"`)
	if bytes.Count(buf, placeholder) != 1 {
		return nil, nil, errors.New("runtime: metadata must not contain the checksum placeholder")
	}
	at := bytes.Index(buf, placeholder)
	h := alg.new()
	h.Write(buf)
	for _, d := range data {
		h.Write(d)
	}
	hex.Encode(buf[at+1+len(alg.name)+1:], h.Sum(nil))
	return buf, data, nil
}
