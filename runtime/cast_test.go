package runtime

import (
	"context"
	"math"
	"testing"
)

func TestCast(t *testing.T) {
	run := func(from DType, data []byte, a map[string]any) *Tensor {
		t.Helper()
		g := &Graph{
			Inputs:  []ValueInfo{{Name: "x", DType: from, Shape: Dims{Batch, len(data) / from.Size()}}},
			Outputs: []ValueInfo{{Name: "y"}},
			Nodes:   []Node{{Name: "c", Op: "cast", Inputs: []string{"x"}, Outputs: []string{"y"}, Attrs: attrs(t, a)}},
		}
		s := newSession(t, openModel(t, &File{Graph: g}))
		copy(s.Input(0).Bytes(), data)
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return s.Output(0)
	}
	// U8 pixels to [-1, 1].
	y := run(U8, []byte{0, 128, 255}, map[string]any{"dtype": "F32", "scale": 2.0 / 255, "offset": -1})
	for i, want := range []float32{-1, 128*2.0/255 - 1, 1} {
		if math.Abs(float64(y.F32()[i]-want)) > 1e-6 {
			t.Errorf("u8 cast [%d] = %v, want %v", i, y.F32()[i], want)
		}
	}
	// I32 samples, and F32 through F16 and back: 1.5 and -2 are exact in F16.
	y = run(S32, []byte{0xff, 0xff, 0xff, 0xff, 3, 0, 0, 0}, map[string]any{"dtype": "F32"})
	if y.F32()[0] != -1 || y.F32()[1] != 3 {
		t.Errorf("i32 cast = %v", y.F32())
	}
	h := run(F32, []byte{0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0}, map[string]any{"dtype": "F16"})
	if got := h.U16(); got[0] != 0x3e00 || got[1] != 0xc000 {
		t.Errorf("f16 cast = %#x", got)
	}
	y = run(F16, h.Bytes(), map[string]any{"dtype": "F32"})
	if y.F32()[0] != 1.5 || y.F32()[1] != -2 {
		t.Errorf("f16 to f32 = %v", y.F32())
	}
	g := &Graph{
		Inputs:  []ValueInfo{{Name: "x", DType: U8, Shape: Dims{4}}},
		Outputs: []ValueInfo{{Name: "y"}},
		Nodes:   []Node{{Name: "c", Op: "cast", Inputs: []string{"x"}, Outputs: []string{"y"}, Attrs: attrs(t, map[string]any{"dtype": "F16"})}},
	}
	if _, err := OpenBytes(encodeFile(t, &File{Graph: g})); err == nil {
		t.Error("U8 to F16 cast accepted")
	}
}
