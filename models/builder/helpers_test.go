package builder

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
	"github.com/edgerun/edgerun/runtime"
)

func readF32(t testing.TB, path string) ([]float32, []int) {
	t.Helper()
	a, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.Float32()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v, a.Shape
}

func readS8(t testing.TB, path string) []int8 {
	t.Helper()
	a, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.Int8()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// open encodes f to bytes and opens it as a device would, so every test
// goes through the writer and the reader's validation.
func open(t testing.TB, f *runtime.File) *runtime.Model {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	m, err := runtime.OpenBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func session(t testing.TB, m *runtime.Model, opts ...runtime.SessionOption) *runtime.Session {
	t.Helper()
	s, err := m.NewSession(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func run(t testing.TB, s *runtime.Session) {
	t.Helper()
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// compareLatents counts latents that differ from the reference; a value
// within float32 rounding of a .5 boundary may round either way, so
// differences of one are counted and bounded by the caller, larger ones fail.
func compareLatents(t testing.TB, name string, got, want []int8) int {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d latents, want %d", name, len(got), len(want))
	}
	off := 0
	for i := range want {
		if d := int(got[i]) - int(want[i]); d != 0 {
			off++
			if d < -1 || d > 1 {
				t.Fatalf("%s: latent[%d] = %d, want %d", name, i, got[i], want[i])
			}
		}
	}
	return off
}

func maxAbsDiff(t testing.TB, name string, got, want []float32) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	m := 0.0
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if math.IsNaN(d) {
			t.Fatalf("%s[%d] = %v, want %v", name, i, got[i], want[i])
		}
		m = max(m, d)
	}
	return m
}
