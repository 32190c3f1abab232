package codec

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
)

// TestPadTorch checks PadReflect2D with Padding against WaLLoC's pad as
// PyTorch computes it (testdata/gen_pad.py), and Crop2D back.
func TestPadTorch(t *testing.T) {
	for k := 0; k < 4; k++ {
		in, err := npy.ReadFile(filepath.Join("testdata", fmt.Sprintf("pad_in_%d.npy", k)))
		if err != nil {
			t.Fatal(err)
		}
		out, err := npy.ReadFile(filepath.Join("testdata", fmt.Sprintf("pad_out_%d.npy", k)))
		if err != nil {
			t.Fatal(err)
		}
		x, _ := in.Float32()
		want, _ := out.Float32()
		s := in.Shape
		mult := [4]int{8, 4, 8, 16}[k] // the multiples gen_pad.py used
		top, bottom := Padding(s[2], mult)
		left, right := Padding(s[3], mult)
		if top+s[2]+bottom != out.Shape[2] || left+s[3]+right != out.Shape[3] {
			t.Fatalf("case %d: padding %d,%d,%d,%d gives %dx%d, want %v", k, top, bottom, left, right,
				top+s[2]+bottom, left+s[3]+right, out.Shape)
		}
		got := make([]float32, len(want))
		if err := PadReflect2D(got, x, s[0], s[1], s[2], s[3], top, bottom, left, right); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("case %d: element %d = %g, want %g", k, i, got[i], want[i])
			}
		}
		back := make([]float32, len(x))
		if err := Crop2D(back, got, s[0], s[1], out.Shape[2], out.Shape[3], top, left, s[2], s[3]); err != nil {
			t.Fatal(err)
		}
		for i := range x {
			if back[i] != x[i] {
				t.Fatalf("case %d: crop element %d = %g, want %g", k, i, back[i], x[i])
			}
		}
	}
}

func TestPaddingAndReflect(t *testing.T) {
	for _, c := range []struct{ n, m, b, a int }{
		{96, 8, 0, 0}, {97, 8, 3, 4}, {1, 8, 3, 4}, {5, 4, 1, 2}, {4096, 32, 0, 0}, {4000, 32, 0, 0}, {4001, 32, 15, 16},
	} {
		if b, a := Padding(c.n, c.m); b != c.b || a != c.a {
			t.Errorf("Padding(%d, %d) = %d, %d; want %d, %d", c.n, c.m, b, a, c.b, c.a)
		}
	}
	// Beyond one reflection the mirror continues; a single sample repeats.
	want := []int{2, 1, 0, 1, 2, 1, 0, 1, 2}
	for i := -4; i <= 4; i++ {
		if got := reflectIndex(i-2, 3); got != want[i+4] {
			t.Errorf("reflectIndex(%d, 3) = %d, want %d", i-2, got, want[i+4])
		}
	}
	if reflectIndex(-5, 1) != 0 || reflectIndex(7, 1) != 0 {
		t.Error("single-sample reflection")
	}
	// 1D pad of a tiny signal to a multiple of 8, then crop.
	x := []float32{1, 2, 3}
	b, a := Padding(3, 8)
	y := make([]float32, 8)
	if err := PadReflect1D(y, x, 1, 1, 3, b, a); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(y) != "[3 2 1 2 3 2 1 2]" {
		t.Errorf("PadReflect1D = %v", y)
	}
	z := make([]float32, 3)
	if err := Crop1D(z, y, 1, 1, 8, b, 3); err != nil || fmt.Sprint(z) != "[1 2 3]" {
		t.Errorf("Crop1D = %v, %v", z, err)
	}
	// Bad shapes are errors, not panics.
	for _, err := range []error{
		PadReflect2D(make([]float32, 3), x, 1, 1, 1, 3, 1, 1, 1, 1),
		PadReflect2D(y, x, 1, 1, 1, 3, -1, 0, 0, 0),
		PadReflect1D(y, x, 1, 1, 3, 4, 4),
		Crop2D(z, y, 1, 1, 2, 4, 1, 0, 2, 2),
		Crop1D(z, y, 1, 1, 8, 6, 3),
	} {
		if !errors.Is(err, ErrShape) {
			t.Errorf("want ErrShape, got %v", err)
		}
	}
}

// TestPadTransformCrop is the encoder's path for a frame whose size is not a
// multiple of 2^J: pad, transform, invert, crop gives the frame back.
func TestPadTransformCrop(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, c := range [][4]int{{1, 3, 37, 50}, {2, 1, 5, 3}, {1, 2, 97, 64}} {
		n, ch, h, w := c[0], c[1], c[2], c[3]
		const levels = 3
		top, bottom := Padding(h, 1<<levels)
		left, right := Padding(w, 1<<levels)
		ph, pw := top+h+bottom, left+w+right
		x := randF32(r, n*ch*h*w)
		padded := make([]float32, n*ch*ph*pw)
		if err := PadReflect2D(padded, x, n, ch, h, w, top, bottom, left, right); err != nil {
			t.Fatal(err)
		}
		p, err := NewWPT2D(Bior44, n, ch, ph, pw, levels)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, oh, ow := p.OutShape(); oh<<levels != ph || ow<<levels != pw {
			t.Fatalf("%v: padded %dx%d does not halve evenly (%dx%d)", c, ph, pw, oh, ow)
		}
		y := make([]float32, p.OutLen())
		s := make([]float32, p.ScratchLen())
		if err := p.Forward(y, padded, s); err != nil {
			t.Fatal(err)
		}
		back := make([]float32, len(padded))
		if err := p.Inverse(back, y, s); err != nil {
			t.Fatal(err)
		}
		got := make([]float32, len(x))
		if err := Crop2D(got, back, n, ch, ph, pw, top, left, h, w); err != nil {
			t.Fatal(err)
		}
		if e := relErr(got, x); e > 1e-5 {
			t.Errorf("%v: pad/transform/crop error %g", c, e)
		}
	}
}
