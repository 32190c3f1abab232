package simd

import (
	"math"
	"os"
	"testing"
)

// TestElemExhaustive checks one elementwise kernel on every float32 of its
// interesting range against the float64 reference, for each implementation
// this CPU runs, and prints the histogram of ulp differences. It takes
// minutes, so it runs only when asked:
//
//	EDGERUN_ELEM_EXHAUSTIVE=normcdf go test -run ElemExhaustive -v -timeout 1h ./simd
func TestElemExhaustive(t *testing.T) {
	name := os.Getenv("EDGERUN_ELEM_EXHAUSTIVE")
	if name == "" {
		t.Skip("set EDGERUN_ELEM_EXHAUSTIVE to a kernel name (normcdf, gelu, exp, ...)")
	}
	var c elemCase
	for _, x := range elemCases() {
		if x.name == name {
			c = x
		}
	}
	if c.fam == nil {
		t.Fatalf("no elementwise kernel %q", name)
	}
	const chunk = 1 << 20
	in := make([]float32, chunk)
	out := make([]float32, chunk)
	top := math.Float32bits(min(c.maxAbs, 110))
	for _, im := range c.fam.available()[1:] {
		hist := map[int64]int{}
		for sign := uint32(0); sign < 2; sign++ {
			if c.posOnly && sign == 1 {
				break
			}
			for b := uint32(0); b <= top; b += chunk {
				n := 0
				for u := b; u <= top && n < chunk; u++ {
					in[n] = math.Float32frombits(u | sign<<31)
					n++
				}
				im.fn(out[:n], in[:n])
				for i, x := range in[:n] {
					want := float32(c.ref(float64(x)))
					d := ulpDiff(out[i], want)
					hist[d]++
					if d > bound(c, im.name) {
						t.Errorf("%s/%s(%g) = %g, want %g", name, im.name, x, out[i], want)
					}
				}
			}
		}
		t.Logf("%s/%s: ulp histogram %v", name, im.name, hist)
	}
}
