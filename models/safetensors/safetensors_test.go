package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/edgerun/edgerun/models/pth"
)

func build(header string, data []byte) []byte {
	var b bytes.Buffer
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	b.Write(n[:])
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

func read(b []byte) (*File, error) { return Read(bytes.NewReader(b), int64(len(b)), 1<<20) }

func TestRead(t *testing.T) {
	data := make([]byte, 16+2)
	for i, v := range []float32{1, -2, 3.5, 0} {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(v))
	}
	data[16], data[17] = 0xff, 0x7f
	h := `{"__metadata__":{"arch":"x"},"b":{"dtype":"I8","shape":[2],"data_offsets":[16,18]},` +
		`"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"e":{"dtype":"F16","shape":[0],"data_offsets":[18,18]}}`
	f, err := read(build(h, data))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["arch"] != "x" || len(f.Names) != 3 || f.Names[0] != "a" || f.Names[1] != "b" {
		t.Fatalf("metadata %v names %v", f.Metadata, f.Names)
	}
	v, err := f.Tensors["a"].Float32()
	if err != nil || v[1] != -2 || v[2] != 3.5 {
		t.Fatalf("a = %v, %v", v, err)
	}
	w, _ := f.Tensors["b"].Float32()
	if f.Tensors["b"].DType != pth.Int8 || w[0] != -1 || w[1] != 127 {
		t.Fatalf("b = %v", w)
	}
}

func TestMalformed(t *testing.T) {
	d := make([]byte, 16)
	cases := map[string][]byte{
		"short":         []byte{1, 2},
		"huge header":   append([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, d...),
		"not json":      build(`{"a":`, d),
		"bad dtype":     build(`{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}`, d),
		"size mismatch": build(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}`, d),
		"past end":      build(`{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}`, d),
		"negative":      build(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, d),
		"reversed":      build(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}`, d),
		"overflow shape": build(`{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],`+
			`"data_offsets":[0,16]}}`, d),
		"overlap": build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},`+
			`"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, d),
		"unknown field": build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, d),
		"bad metadata":  build(`{"__metadata__":{"a":1}}`, d),
		"entry not obj": build(`{"a":3}`, d),
		"trailing":      build(`{} x`, d),
	}
	for name, b := range cases {
		if f, err := read(b); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v (file %v), want ErrFormat", name, err, f)
		}
	}
	big := build(`{}`, make([]byte, 2<<20))
	if _, err := read(big); !errors.Is(err, ErrLimit) {
		t.Errorf("big: err = %v, want ErrLimit", err)
	}
}

func FuzzSafetensors(f *testing.F) {
	f.Add(build(`{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8)))
	f.Add(build(`{"a":{"dtype":"BF16","shape":[2,1],"data_offsets":[0,4]},"b":{"dtype":"I64","shape":[],"data_offsets":[4,12]}}`, make([]byte, 12)))
	f.Fuzz(func(t *testing.T, b []byte) {
		sf, err := read(b)
		if err != nil {
			return
		}
		for _, n := range sf.Names {
			tt := sf.Tensors[n]
			if len(tt.Data) != tt.Len()*tt.DType.Size() {
				t.Fatalf("%s: %d bytes for %v", n, len(tt.Data), tt.Shape)
			}
		}
	})
}
