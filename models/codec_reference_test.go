package models

import (
	"math"
	"testing"

	"github.com/edgerun/edgerun/codec"
	"github.com/edgerun/edgerun/internal/npy"
	"github.com/edgerun/edgerun/models/walloc"
)

// TestCodecPipelineWithCodecPackage runs the pre-trained codec end to end with
// edgerun's own signal-processing pieces (reflect padding, packet transform,
// companding) and the imported weights, and compares every stage with
// PyTorch on the 16 samples: the path the runtime's encoder and decoder
// graphs take.
func TestCodecPipelineWithCodecPackage(t *testing.T) {
	m, err := walloc.Load("pretrained/codec.pth", "pretrained/codec.json")
	if err != nil {
		t.Fatal(err)
	}
	x, _ := refF32(t, "x.npy")
	wantWPT, _ := refF32(t, "wpt.npy")
	wantRecon, _ := refF32(t, "recon.npy")
	la, err := npy.ReadFile(refDir + "latent.npy")
	if err != nil {
		t.Fatal(err)
	}
	wantLat, _ := la.Int8()

	const n, side, pad, in, ld, pos = 16, 28, 2, 64, 8, 16
	padded := make([]float32, n*32*32)
	if err := codec.PadReflect2D(padded, x, n, 1, side, side, pad, pad, pad, pad); err != nil {
		t.Fatal(err)
	}
	w, err := codec.NewWPT2D(codec.Bior44, n, 1, 32, 32, m.Config.J)
	if err != nil {
		t.Fatal(err)
	}
	scratch := make([]float32, w.ScratchLen())
	coef := make([]float32, w.OutLen())
	if err := w.Forward(coef, padded, scratch); err != nil {
		t.Fatal(err)
	}
	got := make([]float64, len(coef))
	for i, v := range coef {
		got[i] = float64(v)
	}
	closeTo(t, "wavelet packet coefficients", got, wantWPT, 1e-5)

	comp, err := codec.NewCompander(m.Config.LatentBits)
	if err != nil {
		t.Fatal(err)
	}
	proj := make([]float32, n*ld*pos)
	for s := 0; s < n; s++ {
		for o := 0; o < ld; o++ {
			for p := 0; p < pos; p++ {
				acc := m.EncoderBias[o]
				for i := 0; i < in; i++ {
					acc += m.EncoderWeight[o*in+i] * coef[(s*in+i)*pos+p]
				}
				proj[(s*ld+o)*pos+p] = acc
			}
		}
	}
	lat := make([]int8, len(proj))
	comp.Quantize(lat, proj)
	off := 0
	for i := range lat {
		if d := int(lat[i]) - int(wantLat[i]); d != 0 {
			if d < -1 || d > 1 {
				t.Fatalf("latent %d = %d, want %d", i, lat[i], wantLat[i])
			}
			off++
		}
	}
	if off > 2 {
		t.Errorf("%d latents off by one", off)
	}

	// Decoder from PyTorch's latents, so the reconstruction is comparable.
	latF := make([]float32, len(wantLat))
	for i, v := range wantLat {
		latF[i] = float32(v)
	}
	z := make([]float32, len(latF))
	comp.ToNormal(z, latF)
	dec := make([]float32, n*in*pos)
	for s := 0; s < n; s++ {
		for c := 0; c < in; c++ {
			for p := 0; p < pos; p++ {
				acc := m.DecoderBias[c]
				for o := 0; o < ld; o++ {
					acc += m.DecoderWeight[c*ld+o] * z[(s*ld+o)*pos+p]
				}
				dec[(s*in+c)*pos+p] = acc
			}
		}
	}
	full := make([]float32, n*32*32)
	if err := w.Inverse(full, dec, scratch); err != nil {
		t.Fatal(err)
	}
	for i, v := range full {
		full[i] = float32(math.Max(-0.5, math.Min(0.5, float64(v))))
	}
	recon := make([]float32, n*side*side)
	if err := codec.Crop2D(recon, full, n, 1, 32, 32, pad, pad, side, side); err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, v := range recon {
		got = append(got, float64(v))
	}
	closeTo(t, "reconstruction", got, wantRecon, 1e-4)
}
