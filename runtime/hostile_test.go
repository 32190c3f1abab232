package runtime

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"math/rand"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the hostile-file corpus in testdata/hostile")

// encodeFile returns a valid model file's bytes.
func encodeFile(t testing.TB, f *File) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// splitFile decodes a file's header into a generic map and returns its
// data section, so a test can corrupt the header and reassemble it.
func splitFile(t testing.TB, file []byte) (map[string]any, []byte) {
	t.Helper()
	n := binary.LittleEndian.Uint64(file)
	var hdr map[string]any
	if err := json.Unmarshal(file[8:8+n], &hdr); err != nil {
		t.Fatal(err)
	}
	return hdr, file[8+n:]
}

// assemble builds a file from a header map and data section with the
// padding and a correct checksum, so only the intended defect remains.
func assemble(t testing.TB, hdr map[string]any, data []byte) []byte {
	t.Helper()
	meta := hdr["__metadata__"].(map[string]any)
	meta[MetaChecksum] = checksumPrefix + zeroDigest
	hj, err := json.Marshal(hdr)
	if err != nil {
		t.Fatal(err)
	}
	hlen := alignUp(8+len(hj)) - 8
	out := make([]byte, 8+hlen, 8+hlen+len(data))
	binary.LittleEndian.PutUint64(out, uint64(hlen))
	copy(out[8:], hj)
	for i := 8 + len(hj); i < len(out); i++ {
		out[i] = ' '
	}
	out = append(out, data...)
	sum := sha256.Sum256(out)
	at := bytes.Index(out, []byte(zeroDigest))
	hex.Encode(out[at:], sum[:])
	return out
}

func entry(hdr map[string]any, name string) map[string]any { return hdr[name].(map[string]any) }

// hostileCases builds each corrupt file and names the message it must get.
func hostileCases(t testing.TB) []struct {
	name, want string
	file       []byte
} {
	valid := encodeFile(t, cnnFile(t))
	mutate := func(fn func(hdr map[string]any)) []byte {
		hdr, data := splitFile(t, valid)
		fn(hdr)
		return assemble(t, hdr, data)
	}
	graphEdit := func(fn func(g *Graph)) []byte {
		f := cnnFile(t)
		fn(f.Graph)
		return encodeFile(t, f)
	}
	flipped := append([]byte(nil), valid...)
	flipped[len(flipped)-3] ^= 0x40
	return []struct {
		name, want string
		file       []byte
	}{
		{"truncated_header", "exceeds the file", valid[:100]},
		{"truncated_data", `run past the end of the`, valid[:len(valid)-200]},
		{"offset_past_end", `tensor "fc.w": data offsets`, mutate(func(h map[string]any) {
			e := entry(h, "fc.w")
			off := e["data_offsets"].([]any)
			e["data_offsets"] = []any{off[0].(float64) + 1e6, off[1].(float64) + 1e6}
		})},
		{"overlapping_tensors", "overlaps the previous tensor", mutate(func(h map[string]any) {
			a, b := entry(h, "bn.bias"), entry(h, "bn.mean")
			b["data_offsets"] = a["data_offsets"]
		})},
		{"size_mismatch", `tensor "conv.w": 864 bytes, but F32[8 3 3 2] needs 576`, mutate(func(h map[string]any) {
			entry(h, "conv.w")["shape"] = []int{8, 3, 3, 2}
		})},
		{"huge_shape", `tensor "fc.w": shape [2147483648 2147483648] has more than`, mutate(func(h map[string]any) {
			entry(h, "fc.w")["shape"] = []int64{1 << 31, 1 << 31}
		})},
		{"unknown_dtype", `tensor "fc.b": unknown dtype "F64"`, mutate(func(h map[string]any) {
			entry(h, "fc.b")["dtype"] = "F64"
		})},
		{"unknown_op", `node "act": unknown op "frobnicate"`, graphEdit(func(g *Graph) { g.Nodes[2].Op = "frobnicate" })},
		{"cycle", `graph has a cycle through nodes "act", "flat"`, graphEdit(func(g *Graph) { g.Nodes[2].Inputs[0] = "f" })},
		{"missing_tensor", `node "fc" (dense): input "fc.weight" is missing`, graphEdit(func(g *Graph) { g.Nodes[4].Inputs[1] = "fc.weight" })},
		{"wrong_checksum", "checksum mismatch", flipped},
		{"bad_shapes", `node "fc" (dense): input [1 128] and weight [10 127]`, func() []byte {
			f := cnnFile(t)
			f.Tensors["fc.w"] = randTensor(t, rand.New(rand.NewSource(2)), 10, 127)
			return encodeFile(t, f)
		}()},
		{"bad_attribute", `node "conv" (conv2d): attributes: json: unknown field "strides"`, graphEdit(func(g *Graph) {
			g.Nodes[0].Attrs = json.RawMessage(`{"strides": 2}`)
		})},
		{"future_version", `format version "2" not supported`, mutate(func(h map[string]any) {
			h["__metadata__"].(map[string]any)[MetaFormatVersion] = "2"
		})},
		{"duplicate_name", `header names "fc.b" twice`, func() []byte {
			hdr, data := splitFile(t, valid)
			b := assemble(t, hdr, data)
			// Repeat the fc.b entry textually: Go maps cannot hold it twice.
			n := binary.LittleEndian.Uint64(b)
			h := string(b[8 : 8+n])
			i := strings.Index(h, `"fc.b":`)
			j := i + strings.Index(h[i:], "}") + 1
			h = h[:j] + "," + h[i:j] + h[j:]
			h = strings.TrimRight(h, " ")
			for len(h)%Alignment != Alignment-8 {
				h += " "
			}
			out := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
			return append(append(out, h...), data...)
		}()},
		{"misaligned", `tensor "bn.mean" starts at data offset 36, not 64-byte aligned`, mutate(func(h map[string]any) {
			// Shrink the padding before bn.mean and grow the one after it,
			// keeping the data section tiled.
			entry(h, "__pad_0")["data_offsets"] = []int{32, 36}
			entry(h, "__pad_0")["shape"] = []int{4}
			entry(h, "bn.mean")["data_offsets"] = []int{36, 68}
			entry(h, "__pad_1")["data_offsets"] = []int{68, 128}
			entry(h, "__pad_1")["shape"] = []int{60}
		})},
		{"unknown_encoding", `tensor "fc.w": unknown encoding "int3"`, graphEdit(func(g *Graph) {
			g.Tensors = map[string]TensorInfo{"fc.w": {Encoding: "int3"}}
		})},
		{"output_not_produced", `graph output "scores" is not the output of a node`, graphEdit(func(g *Graph) {
			g.Outputs[0].Name = "scores"
		})},
		{"not_json", "header is not a JSON object", func() []byte {
			b := append([]byte(nil), valid...)
			b[8] = '['
			return b
		}()},
	}
}

func TestHostileCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "hostile")
	if *update {
		os.MkdirAll(dir, 0o755)
	}
	for _, c := range hostileCases(t) {
		path := filepath.Join(dir, c.name+".edgerun")
		if *update {
			if err := os.WriteFile(path, c.file, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		committed, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run go test -run TestHostileCorpus -update)", c.name, err)
		}
		if !bytes.Equal(committed, c.file) {
			t.Errorf("%s: committed file differs from the generator (run with -update)", c.name)
		}
		for _, open := range []func() (*Model, error){
			func() (*Model, error) { return Open(path) },
			func() (*Model, error) { return Open(path, WithoutMmap()) },
			func() (*Model, error) { return OpenBytes(committed) },
		} {
			m, err := open()
			if err == nil {
				m.Close()
				t.Errorf("%s: opened without error", c.name)
				continue
			}
			if testing.Verbose() {
				t.Logf("%s: %v", c.name, err)
			}
			if !errors.Is(err, ErrCorruptModel) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: error %q, want ErrCorruptModel containing %q", c.name, err, c.want)
			}
		}
	}
}

func FuzzOpen(f *testing.F) {
	f.Add(encodeFile(f, cnnFile(f)))
	entries, _ := os.ReadDir(filepath.Join("testdata", "hostile"))
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join("testdata", "hostile", e.Name())); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after goruntime.MemStats
		goruntime.ReadMemStats(&before)
		m, err := OpenBytes(data, WithDeferredChecksum())
		goruntime.ReadMemStats(&after)
		// Everything Open allocates is proportional to the bytes it was
		// given: no size read from the file is trusted before it is checked.
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 64*uint64(len(data))+1<<20 {
			t.Fatalf("Open of %d bytes allocated %d bytes", len(data), grew)
		}
		if err != nil {
			if !errors.Is(err, ErrCorruptModel) {
				t.Fatalf("error does not wrap ErrCorruptModel: %v", err)
			}
			return
		}
		defer m.Close()
		m.VerifyChecksum()
		s, err := m.NewSession(WithArenaLimit(1 << 20))
		if err != nil {
			return
		}
		defer s.Close()
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzGraph keeps the container valid and fuzzes the graph JSON, so the
// mutations reach name resolution, attribute parsing, shape inference,
// planning and the kernels rather than stopping at the header.
func FuzzGraph(f *testing.F) {
	base := cnnFile(f)
	seed := func(g *Graph) {
		b, err := json.Marshal(g)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	seed(base.Graph)
	one := func(op, attrs string, inputs ...string) *Graph {
		return &Graph{
			Inputs:  []ValueInfo{{Name: "x", DType: F32, Shape: Dims{Batch, 8, 4, 4}}},
			Outputs: []ValueInfo{{Name: "y"}},
			Nodes:   []Node{{Name: "n", Op: op, Inputs: append([]string{"x"}, inputs...), Outputs: []string{"y"}, Attrs: json.RawMessage(attrs)}},
		}
	}
	seed(one("maxpool2d", `{"kernel": 2}`))
	seed(one("slice", `{"starts": [0, 1], "ends": [1, -1], "axes": [0, 2]}`))
	seed(one("pad", `{"before": [0, 1, 1, 0], "after": [0, 0, 2, 1], "mode": "reflect"}`))
	seed(one("transpose", `{"perm": [0, 2, 3, 1]}`))
	seed(one("upsample", `{"scale": [2, 3]}`))
	seed(one("group_norm", `{"groups": 4}`, "bn.scale", "bn.bias"))
	seed(one("topk", `{"k": 2, "axis": 1}`))
	seed(one("add", ``, "bn.mean"))
	seed(one("conv2d", `{"padding": [1, 0, 2, 1], "stride": [2, 1], "groups": 1}`, "conv.w"))
	seed(one("wpt", `{"wavelet": "haar", "levels": 2}`))
	seed(one("iwpt", `{"wavelet": "bior4.4", "levels": 1, "size": [8, 7]}`))
	seed(one("compand", `{"bits": 6}`))
	seed(one("cast", `{"dtype": "F16"}`))
	hdr, data := splitFile(f, encodeFile(f, base))
	f.Fuzz(func(t *testing.T, graph string) {
		h := map[string]any{}
		for k, v := range hdr {
			h[k] = v
		}
		meta := map[string]any{}
		for k, v := range hdr["__metadata__"].(map[string]any) {
			meta[k] = v
		}
		meta[MetaGraph] = graph
		h["__metadata__"] = meta
		m, err := OpenBytes(assemble(t, h, data))
		if err != nil {
			if !errors.Is(err, ErrCorruptModel) {
				t.Fatalf("error does not wrap ErrCorruptModel: %v", err)
			}
			return
		}
		defer m.Close()
		for _, batch := range []int{1, 3} {
			s, err := m.NewSession(WithBatch(batch), WithThreads(2), WithArenaLimit(1<<20))
			if err != nil {
				continue
			}
			if err := s.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			s.Close()
		}
	})
}
