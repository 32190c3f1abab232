package idx

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func encode(t testing.TB, a *Array) []byte {
	var b bytes.Buffer
	if err := Encode(&b, a); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTrip(t *testing.T) {
	a := &Array{Shape: []int{2, 3, 2}, Data: []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}
	raw := encode(t, a)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	for name, b := range map[string][]byte{"raw": raw, "gzip": gz.Bytes()} {
		got, err := Read(bytes.NewReader(b), 0)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got.Data, a.Data) || len(got.Shape) != 3 || got.Shape[0] != 2 || got.Shape[1] != 3 || got.Shape[2] != 2 {
			t.Errorf("%s: got %v %v", name, got.Shape, got.Data)
		}
	}
}

func TestHostile(t *testing.T) {
	good := encode(t, &Array{Shape: []int{2, 2}, Data: []uint8{1, 2, 3, 4}})
	cases := map[string]struct {
		b    []byte
		want error
	}{
		"empty":      {nil, ErrFormat},
		"short head": {good[:3], ErrFormat},
		"bad magic":  {append([]byte{1}, good[1:]...), ErrFormat},
		"float type": {append([]byte{0, 0, 0x0d}, good[3:]...), ErrFormat},
		"zero dims":  {[]byte{0, 0, 8, 0}, ErrFormat},
		"many dims":  {[]byte{0, 0, 8, 9}, ErrFormat},
		"short dims": {good[:10], ErrFormat},
		"short data": {good[:len(good)-1], ErrFormat},
		"trailing":   {append(append([]byte{}, good...), 0), ErrFormat},
		"huge":       {[]byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ErrLimit},
		"bad gzip":   {[]byte{0x1f, 0x8b, 0, 0}, ErrFormat},
		"over limit": {encode(t, &Array{Shape: []int{100}, Data: make([]uint8, 100)}), ErrLimit},
	}
	for name, c := range cases {
		_, err := Read(bytes.NewReader(c.b), 50)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", name, err, c.want)
		}
	}
}

func TestLoadDataset(t *testing.T) {
	dir := t.TempDir()
	im := filepath.Join(dir, "im")
	lb := filepath.Join(dir, "lb")
	os.WriteFile(im, encode(t, &Array{Shape: []int{2, 2, 3}, Data: []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}), 0o644)
	os.WriteFile(lb, encode(t, &Array{Shape: []int{2}, Data: []uint8{7, 9}}), 0o644)
	d, err := LoadDataset(im, lb)
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 2 || d.Rows != 2 || d.Cols != 3 || d.Image(1)[0] != 7 || d.Labels[1] != 9 {
		t.Errorf("dataset %+v", d)
	}
	os.WriteFile(lb, encode(t, &Array{Shape: []int{3}, Data: []uint8{7, 9, 1}}), 0o644)
	if _, err := LoadDataset(im, lb); !errors.Is(err, ErrFormat) {
		t.Errorf("mismatched counts: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(encode(f, &Array{Shape: []int{2, 2}, Data: []uint8{1, 2, 3, 4}}))
	f.Add([]byte{0, 0, 8, 1, 0, 0, 0, 0})
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b), 1<<16)
		if err != nil {
			return
		}
		n := 1
		for _, d := range a.Shape {
			n *= d
		}
		if n != len(a.Data) {
			t.Fatalf("shape %v with %d elements", a.Shape, len(a.Data))
		}
		if !bytes.Equal(encode(t, a), b) && !(len(b) > 1 && b[0] == 0x1f) {
			t.Fatalf("re-encoding differs")
		}
	})
}
