package npy

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGoldenHeaders(t *testing.T) {
	a, err := ReadFile("../../testdata/walloc/stereo_latent.npy")
	if err != nil {
		t.Fatal(err)
	}
	require.Equal(t, "i1", a.Dtype)
	require.Equal(t, []int{1, 16, 130}, a.Shape)
	v, err := a.Int8()
	require.NoError(t, err)
	lo, hi := int8(127), int8(-128)
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	// CASES.json records the range of this latent.
	require.Equal(t, int8(-110), lo)
	require.Equal(t, int8(106), hi)

	x, err := ReadFile("../../testdata/walloc/rgb16x_x.npy")
	require.NoError(t, err)
	require.Equal(t, []int{1, 3, 96, 128}, x.Shape)
	f, err := x.Float32()
	require.NoError(t, err)
	for _, v := range f {
		require.True(t, v >= -0.5 && v <= 0.5, "input %v outside x/255-0.5", v)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, shape := range [][]int{{}, {0}, {5}, {2, 3}, {1, 2, 3, 4}} {
		n := 1
		for _, d := range shape {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(i)*0.5 - 3
		}
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, FromFloat32(v, shape...)))
		require.Zero(t, (buf.Len()-len(v)*4)%64, "data must start 64-byte aligned")
		a, err := Read(&buf, 0)
		require.NoError(t, err)
		if len(shape) == 0 {
			shape = nil
		}
		require.Equal(t, shape, a.Shape)
		got, err := a.Float32()
		require.NoError(t, err)
		require.Equal(t, v, got)
	}
}

func TestHostile(t *testing.T) {
	valid := func() []byte {
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, FromInt8([]int8{1, 2, 3, 4}, 2, 2)))
		return buf.Bytes()
	}
	for name, mutate := range map[string]func(b []byte) []byte{
		"truncated data":   func(b []byte) []byte { return b[:len(b)-1] },
		"truncated header": func(b []byte) []byte { return b[:20] },
		"bad magic":        func(b []byte) []byte { b[1] = 'X'; return b },
		"bad version":      func(b []byte) []byte { b[6] = 9; return b },
		"huge shape": func(b []byte) []byte {
			return bytes.Replace(b, []byte("(2, 2)"), []byte("(9999999999999, 99999999)"), 1)
		},
		"overflowing shape": func(b []byte) []byte {
			return bytes.Replace(b, []byte("(2, 2)"), []byte("(4611686018427387904, 4)"), 1)
		},
		"bad dtype":     func(b []byte) []byte { return bytes.Replace(b, []byte("|i1"), []byte("|O8"), 1) },
		"fortran order": func(b []byte) []byte { return bytes.Replace(b, []byte("False"), []byte("True "), 1) },
	} {
		_, err := Read(bytes.NewReader(mutate(valid())), 1<<20)
		require.Error(t, err, name)
		require.True(t, errors.Is(err, ErrFormat), "%s: %v", name, err)
	}
}

func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	Write(&buf, FromFloat32([]float32{1, 2, 3}, 3))
	f.Add(buf.Bytes())
	buf.Reset()
	Write(&buf, FromInt8([]int8{1, -2}, 1, 2))
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b), 1<<20)
		if err != nil {
			return
		}
		size := dtypeSize[a.Dtype]
		if len(a.Data) != a.Len()*size {
			t.Fatalf("data %d bytes for shape %v dtype %s", len(a.Data), a.Shape, a.Dtype)
		}
	})
}
