package codec

import (
	"testing"
)

// TestWPTGolden checks the packet transform and its inverse against the
// WaLLoC reference outputs: forward from *_x.npy to *_wpt.npy and inverse
// back, each within 1e-5 in max abs error over max abs value.
func TestWPTGolden(t *testing.T) {
	const tol = 1e-5
	for _, tc := range []struct {
		name string
		j    int
	}{{"rgb16x", 3}, {"linear4x", 3}, {"stereo", 5}} {
		t.Run(tc.name, func(t *testing.T) {
			x, xs := loadF32(t, tc.name+"_x.npy")
			want, ws := loadF32(t, tc.name+"_wpt.npy")
			var fwd, inv func(dst, src, scratch []float32) error
			var scratchLen, outLen int
			if len(xs) == 4 {
				p, err := NewWPT2D(Bior44, xs[0], xs[1], xs[2], xs[3], tc.j)
				if err != nil {
					t.Fatal(err)
				}
				n, c, h, w := p.OutShape()
				if n != ws[0] || c != ws[1] || h != ws[2] || w != ws[3] {
					t.Fatalf("out shape %v, want %v", []int{n, c, h, w}, ws)
				}
				fwd, inv, scratchLen, outLen = p.Forward, p.Inverse, p.ScratchLen(), p.OutLen()
			} else {
				p, err := NewWPT1D(Bior44, xs[0], xs[1], xs[2], tc.j)
				if err != nil {
					t.Fatal(err)
				}
				n, c, l := p.OutShape()
				if n != ws[0] || c != ws[1] || l != ws[2] {
					t.Fatalf("out shape %v, want %v", []int{n, c, l}, ws)
				}
				fwd, inv, scratchLen, outLen = p.Forward, p.Inverse, p.ScratchLen(), p.OutLen()
			}
			if outLen != len(want) {
				t.Fatalf("OutLen %d, golden has %d", outLen, len(want))
			}
			scratch := make([]float32, scratchLen)
			got := make([]float32, outLen)
			if err := fwd(got, x, scratch); err != nil {
				t.Fatal(err)
			}
			e := relErr(got, want)
			t.Logf("forward: max abs err / max abs = %.3g", e)
			if e > tol {
				t.Errorf("forward error %.3g > %g", e, tol)
			}
			back := make([]float32, len(x))
			if err := inv(back, want, scratch); err != nil {
				t.Fatal(err)
			}
			e = relErr(back, x)
			t.Logf("inverse: max abs err / max abs = %.3g", e)
			if e > tol {
				t.Errorf("inverse error %.3g > %g", e, tol)
			}
		})
	}
}
