package kern

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
)

// refDir holds the PyTorch reference vectors written by gen_torchref.py.
var refDir = filepath.Join("..", "..", "testdata", "torchref")

type refCase struct {
	Name    string          `json:"name"`
	Op      string          `json:"op"`
	Params  json.RawMessage `json:"params"`
	Tensors []string        `json:"tensors"`
}

var (
	refOnce  sync.Once
	refCases []refCase
	refErr   error
)

func loadCases(t *testing.T) []refCase {
	t.Helper()
	refOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join(refDir, "cases.json"))
		if err != nil {
			refErr = err
			return
		}
		refErr = json.Unmarshal(b, &refCases)
	})
	if refErr != nil {
		t.Fatal(refErr)
	}
	return refCases
}

// casesOf returns the cases of the given ops and fails if there are none, so
// a generator that stops writing a case cannot make a test pass vacuously.
func casesOf(t *testing.T, ops ...string) []refCase {
	t.Helper()
	var out []refCase
	for _, c := range loadCases(t) {
		for _, op := range ops {
			if c.Op == op {
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no reference cases for %v", ops)
	}
	return out
}

func (c *refCase) has(name string) bool {
	for _, n := range c.Tensors {
		if n == name {
			return true
		}
	}
	return false
}

func (c *refCase) array(t *testing.T, name string) *npy.Array {
	t.Helper()
	a, err := npy.ReadFile(filepath.Join(refDir, c.Name+"."+name+".npy"))
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	return a
}

// f32 returns the named float tensor, or nil when the case lacks it.
func (c *refCase) f32(t *testing.T, name string) []float32 {
	t.Helper()
	if !c.has(name) {
		return nil
	}
	v, err := c.array(t, name).Float32()
	if err != nil {
		t.Fatalf("%s.%s: %v", c.Name, name, err)
	}
	return v
}

func (c *refCase) params(t *testing.T, p any) {
	t.Helper()
	if err := json.Unmarshal(c.Params, p); err != nil {
		t.Fatalf("%s: params: %v", c.Name, err)
	}
}

// guarded returns a slice of n elements surrounded by guard values in a
// larger backing array, and a function that fails the test if a guard
// changed.
func guarded(t *testing.T, n int) ([]float32, func()) {
	const g = 16
	buf := make([]float32, n+2*g)
	const sentinel = float32(-1234.5)
	for i := range buf {
		buf[i] = sentinel
	}
	return buf[g : g+n : g+n], func() {
		t.Helper()
		for i := 0; i < g; i++ {
			if buf[i] != sentinel || buf[len(buf)-1-i] != sentinel {
				t.Errorf("write outside the output buffer")
				return
			}
		}
	}
}

// closeTo checks |got-want| ≤ tol·max(1, max|want|) elementwise and reports
// the observed relative error.
func closeTo(t *testing.T, name string, got, want []float32, tol float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	scale := 1.0
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	worst := 0.0
	for i := range got {
		g, w := float64(got[i]), float64(want[i])
		if math.IsNaN(w) != math.IsNaN(g) || math.IsInf(w, 0) && g != w {
			t.Fatalf("%s[%d] = %v, want %v", name, i, g, w)
		}
		if e := math.Abs(g-w) / scale; e > worst || math.IsNaN(e) {
			worst = e
		}
	}
	if worst > tol {
		t.Errorf("%s: max error %.3g relative to max|ref|, above %.3g", name, worst, tol)
	}
	return worst
}

// noAllocs fails the test if f allocates.
func noAllocs(t *testing.T, name string, f func()) {
	t.Helper()
	if n := testing.AllocsPerRun(5, f); n != 0 {
		t.Errorf("%s: %v allocations per call", name, n)
	}
}

func (c *refCase) i32(t *testing.T, name string) []int32 {
	t.Helper()
	if !c.has(name) {
		return nil
	}
	v, err := c.array(t, name).Int32()
	if err != nil {
		t.Fatalf("%s.%s: %v", c.Name, name, err)
	}
	return v
}

func (c *refCase) i8(t *testing.T, name string) []int8 {
	t.Helper()
	v, err := c.array(t, name).Int8()
	if err != nil {
		t.Fatalf("%s.%s: %v", c.Name, name, err)
	}
	return v
}

func (c *refCase) u8(t *testing.T, name string) []uint8 {
	t.Helper()
	v, err := c.array(t, name).Uint8()
	if err != nil {
		t.Fatalf("%s.%s: %v", c.Name, name, err)
	}
	return v
}

func equalInts[T comparable](t *testing.T, name string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s[%d] = %v, want %v", name, i, got[i], want[i])
		}
	}
}
