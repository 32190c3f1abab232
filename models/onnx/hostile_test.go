package onnx

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// hostile returns malformed or unsupported models and the error each must
// wrap.
func hostile(t testing.TB) map[string]struct {
	b    []byte
	want error
} {
	relu := []*nodeSpec{{name: "r", op: "Relu", in: []string{"x"}, out: []string{"y"}}}
	good := buildModel(13, relu)
	cases := map[string]struct {
		b    []byte
		want error
	}{
		"empty":          {nil, ErrMalformed},
		"truncated":      {good[:len(good)-3], ErrMalformed},
		"huge length":    {append((&pb{}).key(7, wireBytes).b, 0xff, 0xff, 0xff, 0xff, 0x0f), ErrMalformed},
		"long varint":    {[]byte{0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, ErrMalformed},
		"wire type 3":    {[]byte{0x0b}, ErrMalformed},
		"field zero":     {[]byte{0x00, 0x01}, ErrMalformed},
		"graph as int":   {(&pb{}).varint(7, 5).b, ErrMalformed},
		"name as varint": {(&pb{}).msg(7, (&pb{}).varint(2, 1)).b, ErrMalformed},
		"no graph":       {(&pb{}).varint(1, 8).b, ErrMalformed},
		"unknown op": {buildModel(13, []*nodeSpec{{name: "n", op: "NonMaxSuppression", in: []string{"x"}, out: []string{"y"}}}),
			ErrUnsupported},
		"cycle": {buildModel(13, []*nodeSpec{
			{name: "a", op: "Relu", in: []string{"b_out"}, out: []string{"a_out"}},
			{name: "b", op: "Relu", in: []string{"a_out"}, out: []string{"b_out"}},
			{name: "c", op: "Relu", in: []string{"x"}, out: []string{"y"}}}), ErrMalformed},
		"produced twice": {buildModel(13, []*nodeSpec{
			{name: "a", op: "Relu", in: []string{"x"}, out: []string{"y"}},
			{name: "b", op: "Sigmoid", in: []string{"x"}, out: []string{"y"}}}), ErrMalformed},
		"dangling input":      {buildModel(13, []*nodeSpec{{name: "a", op: "Relu", in: []string{"nowhere"}, out: []string{"y"}}}), ErrMalformed},
		"old opset":           {buildModel(9, relu), ErrUnsupported},
		"identity of nothing": {buildModel(13, []*nodeSpec{{name: "i", op: "Identity", out: []string{"y"}}}), ErrMalformed},
		"cast of empty":       {buildModel(13, []*nodeSpec{{name: "c", op: "Cast", in: []string{""}, out: []string{"y"}}}), ErrMalformed},
		"float k": {buildModelWith(13, []*nodeSpec{{name: "t", op: "TopK", in: []string{"x", "k"}, out: []string{"y", "i"}}},
			[]*pb{floatTensor("k", []int64{1}, 2)}), ErrMalformed},
		"other domain": {func() []byte {
			b := buildModel(13, relu)
			return b
		}(), nil},
		"huge ConstantOfShape": {buildModelWith(13, []*nodeSpec{
			{name: "c", op: "ConstantOfShape", in: []string{"s"}, out: []string{"big"}},
			{name: "a", op: "Add", in: []string{"x", "big"}, out: []string{"y"}}},
			[]*pb{int64Tensor("s", 1<<20, 1<<20)}), ErrMalformed},
		"tensor lies about size": {buildModelWith(13, relu, []*pb{
			(&pb{}).str(8, "w").varint(2, tFloat).varint(1, 1<<30).bytes(9, []byte{1, 2, 3, 4})}), ErrMalformed},
	}
	delete(cases, "other domain")
	return cases
}

func int64Tensor(name string, v ...int64) *pb {
	t := (&pb{}).str(8, name).varint(2, tInt64).varint(1, int64(len(v)))
	for _, x := range v {
		t.varint(7, x)
	}
	return t
}

func TestHostileModels(t *testing.T) {
	for name, tc := range hostile(t) {
		t.Run(name, func(t *testing.T) {
			f, err := ConvertBytes(tc.b)
			if err == nil {
				t.Fatalf("converted (%d nodes), want an error", len(f.Graph.Nodes))
			}
			if !errors.Is(err, tc.want) && !(tc.want == ErrMalformed && errors.Is(err, ErrUnsupported)) {
				t.Fatalf("error %v does not wrap %v", err, tc.want)
			}
		})
	}
}

// Every prefix of a real model fails cleanly or converts.
func TestTruncatedFixtures(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "qdq.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	step := 1
	if testing.Short() {
		step = 7
	}
	for n := 0; n < len(b); n += step {
		if _, err := ConvertBytes(b[:n]); err == nil && n < len(b)-1 {
			// A prefix can be a valid message only if it ends on a field
			// boundary and still holds a complete graph; the graph is the
			// first large field here, so none does.
			t.Fatalf("prefix of %d bytes converted", n)
		}
	}
}

func FuzzConvert(f *testing.F) {
	for _, name := range []string{"cnn", "mlp", "shapes", "qdq"} {
		b, err := os.ReadFile(filepath.Join("testdata", name+".onnx"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, tc := range hostile(f) {
		f.Add(tc.b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := ConvertBytes(b, WithMaxBytes(1<<20))
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
				var oe *OpError
				if !errors.As(err, &oe) {
					t.Fatalf("untyped error: %v", err)
				}
			}
			return
		}
		if file.Graph == nil || len(file.Graph.Nodes) == 0 {
			t.Fatal("converted to an empty graph")
		}
	})
}
