package codec

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
)

// goldenDir holds the WaLLoC reference vectors (see its README.md).
var goldenDir = filepath.Join("..", "testdata", "walloc")

func loadF32(t testing.TB, name string) ([]float32, []int) {
	t.Helper()
	a, err := npy.ReadFile(filepath.Join(goldenDir, name))
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.Float32()
	if err != nil {
		t.Fatal(err)
	}
	return v, a.Shape
}

func loadI8(t testing.TB, name string) ([]int8, []int) {
	t.Helper()
	a, err := npy.ReadFile(filepath.Join(goldenDir, name))
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.Int8()
	if err != nil {
		t.Fatal(err)
	}
	return v, a.Shape
}

// relErr is max|got-want| / max|want|, the metric the acceptance bounds use.
func relErr(got, want []float32) float64 {
	var num, den float64
	for i := range want {
		num = math.Max(num, math.Abs(float64(got[i])-float64(want[i])))
		den = math.Max(den, math.Abs(float64(want[i])))
	}
	if den == 0 {
		return num
	}
	return num / den
}
