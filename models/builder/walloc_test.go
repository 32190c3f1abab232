package builder

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/edgerun/edgerun/codec"
	"github.com/edgerun/edgerun/models/walloc"
)

func golden(name string) string { return filepath.Join("..", "..", "testdata", "walloc", name) }

func loadCodec(t testing.TB, c string) *walloc.Model {
	t.Helper()
	m, err := walloc.Load(golden(c+".pth"), golden(c+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The imported released-format checkpoints, run as edgerun files, reproduce
// the reference implementation's latents and the linear decoder's output.
func TestWaLLoCEncoderGolden(t *testing.T) {
	for _, c := range []string{"linear4x", "rgb16x", "stereo"} {
		t.Run(c, func(t *testing.T) {
			cm := loadCodec(t, c)
			x, shape := readF32(t, golden(c+"_x.npy"))
			f, err := WaLLoCEncoder(cm, shape[2:]...)
			if err != nil {
				t.Fatal(err)
			}
			s := session(t, open(t, f))
			copy(s.Input(0).F32(), x)
			run(t, s)
			want := readS8(t, golden(c+"_latent.npy"))
			off := compareLatents(t, c, s.Output(0).S8(), want)
			t.Logf("%d of %d latents differ by one (float32 rounding at a .5 boundary)", off, len(want))
			if off > 4 {
				t.Errorf("%d of %d latents differ by one", off, len(want))
			}
			if n := testing.AllocsPerRun(5, func() { s.Run(context.Background()) }); n != 0 {
				t.Errorf("encoder Run allocates %v times", n)
			}
		})
	}
}

func TestWaLLoCDecoderGolden(t *testing.T) {
	cm := loadCodec(t, "linear4x")
	_, shape := readF32(t, golden("linear4x_x.npy"))
	f, err := WaLLoCDecoder(cm, shape[2:]...)
	if err != nil {
		t.Fatal(err)
	}
	s := session(t, open(t, f))
	copy(s.Input(0).S8(), readS8(t, golden("linear4x_latent.npy")))
	run(t, s)
	want, _ := readF32(t, golden("linear4x_recon.npy"))
	if d := maxAbsDiff(t, "recon", s.Output(0).F32(), want); d > 1e-4 {
		t.Errorf("reconstruction differs by %g", d)
	}
	if n := testing.AllocsPerRun(5, func() { s.Run(context.Background()) }); n != 0 {
		t.Errorf("decoder Run allocates %v times", n)
	}
	if _, err := WaLLoCDecoder(loadCodec(t, "rgb16x"), 96, 128); err == nil {
		t.Error("a Codec2D got a linear decoder")
	}
}

// Sizes that are not a multiple of 2^J are reflect-padded as WaLLoC pads
// (checked against codec.PadReflect2D and the unpadded encoder), and the
// decoder crops its output back to the same pixels.
func TestWaLLoCPadded(t *testing.T) {
	cm := loadCodec(t, "linear4x")
	x, shape := readF32(t, golden("linear4x_x.npy"))
	c, h, w := shape[1], shape[2]-5, shape[3]-2 // 59x62, padded to 64x64
	crop := make([]float32, 0, c*h*w)
	for ch := 0; ch < c; ch++ {
		for i := 0; i < h; i++ {
			crop = append(crop, x[(ch*shape[2]+i)*shape[3]:][:w]...)
		}
	}
	top, bottom := codec.Padding(h, 8)
	left, right := codec.Padding(w, 8)
	padded := make([]float32, c*64*64)
	if err := codec.PadReflect2D(padded, crop, 1, c, h, w, top, bottom, left, right); err != nil {
		t.Fatal(err)
	}
	enc, err := WaLLoCEncoder(cm, h, w)
	if err != nil {
		t.Fatal(err)
	}
	full, err := WaLLoCEncoder(cm, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	se, sf := session(t, open(t, enc)), session(t, open(t, full))
	copy(se.Input(0).F32(), crop)
	copy(sf.Input(0).F32(), padded)
	run(t, se)
	run(t, sf)
	if off := compareLatents(t, "padded", se.Output(0).S8(), sf.Output(0).S8()); off != 0 {
		t.Errorf("%d latents differ from the encoding of the padded frame", off)
	}

	dec, err := WaLLoCDecoder(cm, h, w)
	if err != nil {
		t.Fatal(err)
	}
	decFull, err := WaLLoCDecoder(cm, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	sd, sdf := session(t, open(t, dec)), session(t, open(t, decFull))
	copy(sd.Input(0).S8(), se.Output(0).S8())
	copy(sdf.Input(0).S8(), se.Output(0).S8())
	run(t, sd)
	run(t, sdf)
	if got := sd.Output(0).Shape(); got[1] != c || got[2] != h || got[3] != w {
		t.Fatalf("recon shape %v", got)
	}
	want := make([]float32, 0, c*h*w)
	for ch := 0; ch < c; ch++ {
		for i := 0; i < h; i++ {
			want = append(want, sdf.Output(0).F32()[(ch*64+top+i)*64+left:][:w]...)
		}
	}
	if d := maxAbsDiff(t, "recon", sd.Output(0).F32(), want); d != 0 {
		t.Errorf("cropped reconstruction differs by %g", d)
	}
	if _, err := WaLLoCEncoder(cm, 64); !errors.Is(err, ErrShape) {
		t.Errorf("1-D size for a 2-D codec: %v", err)
	}
}

// A released Codec2D checkpoint that also holds the diffusion decoder's
// weights gives the same encoder.
func TestWaLLoCHeavyCheckpoint(t *testing.T) {
	cm, err := walloc.Load(filepath.Join("..", "walloc", "testdata", "rgb16x_heavy.pth"), golden("rgb16x.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !cm.HeavyDecoder {
		t.Fatal("heavy decoder weights not seen")
	}
	x, shape := readF32(t, golden("rgb16x_x.npy"))
	f, err := WaLLoCEncoder(cm, shape[2:]...)
	if err != nil {
		t.Fatal(err)
	}
	s := session(t, open(t, f))
	copy(s.Input(0).F32(), x)
	run(t, s)
	if off := compareLatents(t, "rgb16x heavy", s.Output(0).S8(), readS8(t, golden("rgb16x_latent.npy"))); off > 4 {
		t.Errorf("%d latents differ", off)
	}
}

// Codec1D on a length that is not a multiple of 2^J: reflect padding as
// codec.PadReflect1D, and the projection's two extra frames.
func TestWaLLoC1DPadded(t *testing.T) {
	cm := loadCodec(t, "stereo")
	x, shape := readF32(t, golden("stereo_x.npy"))
	c, l := shape[1], shape[2]-7
	crop := make([]float32, 0, c*l)
	for ch := range c {
		crop = append(crop, x[ch*shape[2]:][:l]...)
	}
	m := 1 << cm.Config.J
	before, after := codec.Padding(l, m)
	if before+after == 0 {
		t.Fatalf("length %d needs no padding", l)
	}
	padded := make([]float32, c*(l+before+after))
	if err := codec.PadReflect1D(padded, crop, 1, c, l, before, after); err != nil {
		t.Fatal(err)
	}
	enc, err := WaLLoCEncoder(cm, l)
	if err != nil {
		t.Fatal(err)
	}
	full, err := WaLLoCEncoder(cm, l+before+after)
	if err != nil {
		t.Fatal(err)
	}
	se, sf := session(t, open(t, enc)), session(t, open(t, full))
	copy(se.Input(0).F32(), crop)
	copy(sf.Input(0).F32(), padded)
	run(t, se)
	run(t, sf)
	if got := se.Output(0).Shape(); got[2] != (l+before+after)/m+2 {
		t.Fatalf("latent shape %v", got)
	}
	if off := compareLatents(t, "1-D padded", se.Output(0).S8(), sf.Output(0).S8()); off != 0 {
		t.Errorf("%d latents differ from the encoding of the padded signal", off)
	}
}
