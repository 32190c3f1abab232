package pth

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

type expTensor struct {
	Name  string    `json:"name"`
	DType string    `json:"dtype"`
	Shape []int     `json:"shape"`
	Head  []float64 `json:"head"`
	Last  *float64  `json:"last"`
	Sum   float64   `json:"sum"`
}

var torchDType = map[string]DType{
	"float32": Float32, "float16": Float16, "bfloat16": BFloat16, "float64": Float64,
	"int64": Int64, "int32": Int32, "int16": Int16, "int8": Int8, "uint8": Uint8, "bool": Bool,
}

func loadExpected(t *testing.T) map[string][]expTensor {
	t.Helper()
	b, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var e map[string][]expTensor
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestCheckpoints loads the WaLLoC golden checkpoints and a checkpoint of mixed
// storages and views, and compares every tensor with what PyTorch reads.
func TestCheckpoints(t *testing.T) {
	exp := loadExpected(t)
	files := map[string]string{
		"rgb16x":   "../../testdata/walloc/rgb16x.pth",
		"linear4x": "../../testdata/walloc/linear4x.pth",
		"stereo":   "../../testdata/walloc/stereo.pth",
		"mixed":    "testdata/mixed.pth",
	}
	for name, file := range files {
		t.Run(name, func(t *testing.T) {
			c, err := ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := exp[name]
			if len(want) == 0 {
				t.Fatalf("no expected values for %s", name)
			}
			if len(c.Names) != len(want) {
				t.Fatalf("%d tensors, want %d", len(c.Names), len(want))
			}
			for i, w := range want {
				if c.Names[i] != w.Name {
					t.Fatalf("tensor %d is %q, want %q", i, c.Names[i], w.Name)
				}
				tt := c.Tensor(w.Name)
				if tt.DType != torchDType[w.DType] {
					t.Errorf("%s: dtype %s, want %s", w.Name, tt.DType, w.DType)
				}
				if len(tt.Shape) != len(w.Shape) {
					t.Fatalf("%s: shape %v, want %v", w.Name, tt.Shape, w.Shape)
				}
				for j := range w.Shape {
					if tt.Shape[j] != w.Shape[j] {
						t.Fatalf("%s: shape %v, want %v", w.Name, tt.Shape, w.Shape)
					}
				}
				v, err := tt.Float32()
				if err != nil {
					t.Fatal(err)
				}
				for j, h := range w.Head {
					if v[j] != float32(h) {
						t.Errorf("%s[%d] = %v, want %v", w.Name, j, v[j], h)
					}
				}
				if w.Last != nil && v[len(v)-1] != float32(*w.Last) {
					t.Errorf("%s[last] = %v, want %v", w.Name, v[len(v)-1], *w.Last)
				}
				var sum float64
				for _, x := range v {
					sum += float64(x)
				}
				if tt.DType == Int64 { // float32 conversion rounds large integers
					continue
				}
				if math.Abs(sum-w.Sum) > 1e-6*(1+math.Abs(w.Sum)) {
					t.Errorf("%s: sum %v, want %v", w.Name, sum, w.Sum)
				}
			}
		})
	}
}

func TestInt64Exact(t *testing.T) {
	c, err := ReadFile("testdata/mixed.pth")
	if err != nil {
		t.Fatal(err)
	}
	l := c.Tensor("long")
	want := []int64{1, -2, 3 << 40}
	for i, w := range want {
		got := int64(uint64(l.Data[8*i]) | uint64(l.Data[8*i+1])<<8 | uint64(l.Data[8*i+2])<<16 |
			uint64(l.Data[8*i+3])<<24 | uint64(l.Data[8*i+4])<<32 | uint64(l.Data[8*i+5])<<40 |
			uint64(l.Data[8*i+6])<<48 | uint64(l.Data[8*i+7])<<56)
		if got != w {
			t.Errorf("long[%d] = %d, want %d", i, got, w)
		}
	}
}

func TestHalfToFloat(t *testing.T) {
	cases := map[uint16]float32{
		0x0000: 0, 0x3c00: 1, 0xc000: -2, 0x7bff: 65504, 0x0001: 5.960464477539063e-08,
		0x03ff: 6.097555160522461e-05, 0x0400: 6.103515625e-05, 0x3555: 0.333251953125,
	}
	for h, want := range cases {
		if got := halfToFloat(h); got != want {
			t.Errorf("halfToFloat(%#04x) = %v, want %v", h, got, want)
		}
	}
	if !math.IsInf(float64(halfToFloat(0xfc00)), -1) || !math.IsNaN(float64(halfToFloat(0x7e00))) {
		t.Error("inf/nan conversion")
	}
}

// buildZip makes a checkpoint-shaped archive from entries.
func buildZip(t testing.TB, entries map[string][]byte) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, data := range entries {
		f, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readBytes(b []byte) (*Checkpoint, error) {
	return Read(bytes.NewReader(b), int64(len(b)), Limits{MaxBytes: 1 << 20})
}

func TestForbiddenGlobals(t *testing.T) {
	cases := map[string]struct {
		pkl          string
		module, name string
	}{
		"os.system": {"\x80\x02cos\nsystem\nX\x02\x00\x00\x00ls\x85R.", "os", "system"},
		"posix":     {"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00ls\x85R.", "posix", "system"},
		"eval stack_global": {"\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x011\x85R.",
			"builtins", "eval"},
		"torch.load":   {"\x80\x02ctorch\nload\n).", "torch", "load"},
		"nested":       {"\x80\x02}X\x01\x00\x00\x00acsubprocess\nPopen\ns.", "subprocess", "Popen"},
		"fake storage": {"\x80\x02ctorch\nEvilStorage\n.", "torch", "EvilStorage"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			z := buildZip(t, map[string][]byte{"archive/data.pkl": []byte(c.pkl)})
			_, err := readBytes(z)
			var fe *ForbiddenGlobalError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *ForbiddenGlobalError", err)
			}
			if fe.Module != c.module || fe.Name != c.name || !errors.Is(err, ErrForbidden) {
				t.Fatalf("err = %v, want %s.%s", err, c.module, c.name)
			}
		})
	}
}

// A pickle that calls an allowed type marker, or calls a storage class, is
// refused even though naming them is allowed.
func TestNoCallOfMarkers(t *testing.T) {
	for _, pkl := range []string{
		"\x80\x02ctorch.nn.parameter\nParameter\n)R.",
		"\x80\x02ctorch\nFloatStorage\n)R.",
	} {
		z := buildZip(t, map[string][]byte{"archive/data.pkl": []byte(pkl)})
		if _, err := readBytes(z); !errors.Is(err, ErrFormat) {
			t.Errorf("%q: err = %v, want ErrFormat", pkl, err)
		}
	}
}

func TestMalformed(t *testing.T) {
	good, err := os.ReadFile("testdata/mixed.pth")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"not zip":     []byte("hello"),
		"no data.pkl": buildZip(t, map[string][]byte{"archive/version": []byte("3\n")}),
		"truncated":   buildZip(t, map[string][]byte{"archive/data.pkl": []byte("\x80\x02}X\xff\x00\x00\x00ab")}),
		"underflow":   buildZip(t, map[string][]byte{"archive/data.pkl": []byte("\x80\x02s.")}),
		"bad opcode":  buildZip(t, map[string][]byte{"archive/data.pkl": []byte("\x80\x02\xff.")}),
		"not dict":    buildZip(t, map[string][]byte{"archive/data.pkl": []byte("\x80\x02K\x01.")}),
		"no storage entry": buildZip(t, map[string][]byte{"archive/data.pkl": []byte(
			"\x80\x02}X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage" +
				"ctorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQK\x00K\x04\x85K\x01\x85\x89}tRs.")}),
		"view past storage": buildZip(t, map[string][]byte{
			"archive/data/0": make([]byte, 16),
			"archive/data.pkl": []byte(
				"\x80\x02}X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage" +
					"ctorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQK\x01K\x04\x85K\x01\x85\x89}tRs.")}),
		"storage size mismatch": buildZip(t, map[string][]byte{
			"archive/data/0": make([]byte, 12),
			"archive/data.pkl": []byte(
				"\x80\x02}X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage" +
					"ctorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQK\x00K\x04\x85K\x01\x85\x89}tRs.")}),
		"key escapes": buildZip(t, map[string][]byte{"archive/data.pkl": []byte(
			"\x80\x02}X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage" +
				"ctorch\nFloatStorage\nX\x04\x00\x00\x00../0X\x03\x00\x00\x00cpuK\x04tQK\x00K\x04\x85K\x01\x85\x89}tRs.")}),
		"cut file": good[:len(good)/2],
		// t = (t, t) thirty times: 2^30 nodes if expanded.
		"shared tuple key": buildZip(t, map[string][]byte{"archive/data.pkl": append(append([]byte("\x80\x02}N"),
			bytes.Repeat([]byte("2\x86"), 30)...), []byte("Ns.")...)}),
		"deep tuple key": buildZip(t, map[string][]byte{"archive/data.pkl": append(append([]byte("\x80\x02}N"),
			bytes.Repeat([]byte{0x85}, 100000)...), []byte("Ns.")...)}),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := readBytes(b)
			if err == nil {
				t.Fatalf("accepted: %v", c.Names)
			}
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrLimit) {
				t.Fatalf("err = %v, want ErrFormat or ErrLimit", err)
			}
			t.Log(err)
		})
	}
}

// A hand-built pickle using the same opcodes as torch.save loads correctly.
func TestHandBuilt(t *testing.T) {
	data := make([]byte, 16)
	for i, v := range []float32{1, 2, 3, 4} {
		bits := math.Float32bits(v)
		data[4*i], data[4*i+1], data[4*i+2], data[4*i+3] = byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24)
	}
	pkl := "\x80\x02}X\x10\x00\x00\x00model_state_dict" +
		"ccollections\nOrderedDict\n)R" +
		"X\x01\x00\x00\x00w" +
		"ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage" +
		"ctorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQ" +
		"K\x00K\x02K\x02\x86K\x01K\x02\x86\x89ccollections\nOrderedDict\n)RtR" + // transposed 2x2
		"s}bs."
	z := buildZip(t, map[string][]byte{"archive/data.pkl": []byte(pkl), "archive/data/0": data})
	c, err := readBytes(z)
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Tensor("w").Float32()
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{1, 3, 2, 4}
	for i := range want {
		if v[i] != want[i] {
			t.Fatalf("w = %v, want %v", v, want)
		}
	}
}

func TestLimits(t *testing.T) {
	b, err := os.ReadFile("../../testdata/walloc/linear4x.pth")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Read(bytes.NewReader(b), int64(len(b)), Limits{MaxBytes: 10000}); !errors.Is(err, ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
	if _, err := Read(bytes.NewReader(b), int64(len(b)), Limits{MaxTensors: 3}); !errors.Is(err, ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
}

func FuzzPTH(f *testing.F) {
	for _, p := range []string{"testdata/mixed.pth", "../../testdata/walloc/stereo.pth"} {
		b, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(buildZip(f, map[string][]byte{"a/data.pkl": []byte("\x80\x02cos\nsystem\n.")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Read(bytes.NewReader(b), int64(len(b)), Limits{MaxBytes: 1 << 22, MaxPickleBytes: 1 << 20})
		if err != nil {
			return
		}
		for _, n := range c.Names {
			tt := c.Tensor(n)
			if len(tt.Data) != tt.Len()*tt.DType.Size() {
				t.Fatalf("%s: %d bytes for shape %v", n, len(tt.Data), tt.Shape)
			}
		}
	})
}

func BenchmarkReadStereo(b *testing.B) {
	buf, err := os.ReadFile("../../testdata/walloc/stereo.pth")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(buf)))
	for i := 0; i < b.N; i++ {
		if _, err := Read(bytes.NewReader(buf), int64(len(buf)), Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
