package models

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
	"github.com/edgerun/edgerun/models/safetensors"
	"github.com/edgerun/edgerun/models/walloc"
)

// The reference outputs PyTorch produced for the 16 embedded samples.
const refDir = "pretrained/samples/"

func refF32(t *testing.T, name string) ([]float32, []int) {
	t.Helper()
	a, err := npy.ReadFile(refDir + name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.Float32()
	if err != nil {
		t.Fatal(err)
	}
	return v, a.Shape
}

func weights(t *testing.T, file string) map[string][]float32 {
	t.Helper()
	f, err := safetensors.ReadFile("pretrained/"+file, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]float32{}
	for _, n := range f.Names {
		v, err := f.Tensors[n].Float32()
		if err != nil {
			t.Fatal(err)
		}
		out[n] = v
	}
	return out
}

// closeTo fails when got and want differ by more than tol relative to the
// largest |want|.
func closeTo(t *testing.T, what string, got []float64, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	var scale, worst float64
	for _, w := range want {
		scale = math.Max(scale, math.Abs(float64(w)))
	}
	for i := range got {
		worst = math.Max(worst, math.Abs(got[i]-float64(want[i])))
	}
	if worst > tol*math.Max(scale, 1) {
		t.Errorf("%s: differs by %g (scale %g)", what, worst, scale)
	}
	t.Logf("%s: max difference %.3g (scale %.3g)", what, worst, scale)
}

func conv3x3(in []float64, c, h, w int, wt, b []float32, o int) []float64 {
	out := make([]float64, o*h*w)
	for oc := 0; oc < o; oc++ {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				acc := float64(b[oc])
				for ic := 0; ic < c; ic++ {
					for ky := 0; ky < 3; ky++ {
						for kx := 0; kx < 3; kx++ {
							yy, xx := y+ky-1, x+kx-1
							if yy < 0 || yy >= h || xx < 0 || xx >= w {
								continue
							}
							acc += float64(wt[((oc*c+ic)*3+ky)*3+kx]) * in[(ic*h+yy)*w+xx]
						}
					}
				}
				out[(oc*h+y)*w+x] = acc
			}
		}
	}
	return out
}

func relu(v []float64) []float64 {
	for i, x := range v {
		v[i] = math.Max(x, 0)
	}
	return v
}

func maxpool2(in []float64, c, h, w int) []float64 {
	oh, ow := h/2, w/2
	out := make([]float64, c*oh*ow)
	for ch := 0; ch < c; ch++ {
		for y := 0; y < oh; y++ {
			for x := 0; x < ow; x++ {
				m := math.Inf(-1)
				for dy := 0; dy < 2; dy++ {
					for dx := 0; dx < 2; dx++ {
						m = math.Max(m, in[(ch*h+2*y+dy)*w+2*x+dx])
					}
				}
				out[(ch*oh+y)*ow+x] = m
			}
		}
	}
	return out
}

func linear(in []float64, wt, b []float32) []float64 {
	out := make([]float64, len(b))
	for o := range out {
		acc := float64(b[o])
		for i, x := range in {
			acc += float64(wt[o*len(in)+i]) * x
		}
		out[o] = acc
	}
	return out
}

// TestCodecReference checks the exported codec against PyTorch on the
// samples: the WaLLoC-format checkpoint and the safetensors file hold the same
// weights, and projection, latents and decoder output match.
func TestCodecReference(t *testing.T) {
	m, err := walloc.Load("pretrained/codec.pth", "pretrained/codec.json")
	if err != nil {
		t.Fatal(err)
	}
	if m.Arch != walloc.LinearCodec2D || m.Config.LatentDim != 8 || m.Config.J != 3 {
		t.Fatalf("codec is %v %+v", m.Arch, m.Config)
	}
	st := weights(t, CodecFile)
	for i, v := range st["encoder.0.weight"] {
		if v != m.EncoderWeight[i] {
			t.Fatal("safetensors and .pth encoder weights differ")
		}
	}
	wpt, _ := refF32(t, "wpt.npy")
	proj, _ := refF32(t, "proj.npy")
	decWPT, _ := refF32(t, "dec_wpt.npy")
	la, err := npy.ReadFile(refDir + "latent.npy")
	if err != nil {
		t.Fatal(err)
	}
	lat, err := la.Int8()
	if err != nil {
		t.Fatal(err)
	}
	const n, in, ld, pos = 16, 64, 8, 16
	var gotProj, gotDec []float64
	off := 0
	for s := 0; s < n; s++ {
		for o := 0; o < ld; o++ {
			for p := 0; p < pos; p++ {
				acc := float64(m.EncoderBias[o])
				for i := 0; i < in; i++ {
					acc += float64(m.EncoderWeight[o*in+i]) * float64(wpt[(s*in+i)*pos+p])
				}
				gotProj = append(gotProj, acc)
				y := math.RoundToEven(2 * m.Config.LatentMax() *
					(0.5*math.Erfc(-acc/m.Config.Scale()/math.Sqrt2) - 0.5))
				if d := y - float64(lat[(s*ld+o)*pos+p]); d != 0 {
					if math.Abs(d) > 1 {
						t.Fatalf("sample %d latent[%d,%d] = %v, want %d", s, o, p, y, lat[(s*ld+o)*pos+p])
					}
					off++
				}
			}
		}
		for c := 0; c < in; c++ {
			for p := 0; p < pos; p++ {
				acc := float64(m.DecoderBias[c])
				for o := 0; o < ld; o++ {
					y := float64(lat[(s*ld+o)*pos+p])
					u := math.Min(math.Max(y/(2*m.Config.LatentMax())+0.5, 0.0001), 0.9999)
					z := m.Config.Scale() * math.Sqrt2 * math.Erfinv(2*u-1)
					acc += float64(m.DecoderWeight[c*ld+o]) * z
				}
				gotDec = append(gotDec, acc)
			}
		}
	}
	closeTo(t, "projection", gotProj, proj, 1e-5)
	closeTo(t, "decoder 1x1", gotDec, decWPT, 1e-5)
	if off > 1 {
		t.Errorf("%d latents off by one", off)
	}
}

// TestClassifierReference runs the exported classifiers and the clustering
// encoder as plain loops over the safetensors weights and compares with
// PyTorch's logits, which checks the file contents and the architecture that
// pretrained/README.md documents.
func TestClassifierReference(t *testing.T) {
	la, err := npy.ReadFile(refDir + "latent.npy")
	if err != nil {
		t.Fatal(err)
	}
	lat, _ := la.Int8()
	x, _ := refF32(t, "x.npy")
	wantLat, _ := refF32(t, "latent_logits.npy")
	wantPix, _ := refF32(t, "pixel_logits.npy")
	wantCode, _ := refF32(t, "sae_code.npy")
	ca, err := npy.ReadFile(refDir + "sae_cluster.npy")
	if err != nil {
		t.Fatal(err)
	}
	wantCluster, _ := ca.Int32()
	lw := weights(t, LatentClassifierFile)
	pw := weights(t, "pixel_classifier.safetensors")
	sw := weights(t, "sae_kmeans.safetensors")
	var gotLat, gotPix, gotCode []float64
	for s := 0; s < 16; s++ {
		v := make([]float64, 128)
		for i := range v {
			v[i] = float64(lat[s*128+i]) / 127
		}
		h := relu(conv3x3(v, 8, 4, 4, lw["0.weight"], lw["0.bias"], 64))
		h = relu(conv3x3(h, 64, 4, 4, lw["2.weight"], lw["2.bias"], 64))
		h = relu(linear(h, lw["6.weight"], lw["6.bias"]))
		gotLat = append(gotLat, linear(h, lw["8.weight"], lw["8.bias"])...)

		p := make([]float64, 784)
		for i := range p {
			p[i] = float64(x[s*784+i])
		}
		p = maxpool2(relu(conv3x3(p, 1, 28, 28, pw["0.weight"], pw["0.bias"], 16)), 16, 28, 28)
		p = maxpool2(relu(conv3x3(p, 16, 14, 14, pw["3.weight"], pw["3.bias"], 32)), 32, 14, 14)
		p = maxpool2(relu(conv3x3(p, 32, 7, 7, pw["6.weight"], pw["6.bias"], 64)), 64, 7, 7)
		p = relu(linear(p, pw["11.weight"], pw["11.bias"]))
		gotPix = append(gotPix, linear(p, pw["13.weight"], pw["13.bias"])...)

		z := relu(linear(v, sw["0.weight"], sw["0.bias"]))
		z = relu(linear(z, sw["2.weight"], sw["2.bias"]))
		z = linear(z, sw["4.weight"], sw["4.bias"])
		gotCode = append(gotCode, z...)
		best, bestD := -1, math.Inf(1)
		for k := 0; k < 10; k++ {
			var d float64
			for j := 0; j < 10; j++ {
				e := z[j] - float64(sw["centroids"][k*10+j])
				d += e * e
			}
			if d < bestD {
				best, bestD = k, d
			}
		}
		if int32(best) != wantCluster[s] {
			t.Errorf("sample %d: cluster %d, want %d", s, best, wantCluster[s])
		}
	}
	closeTo(t, "latent classifier logits", gotLat, wantLat, 1e-4)
	closeTo(t, "pixel classifier logits", gotPix, wantPix, 1e-4)
	closeTo(t, "autoencoder codes", gotCode, wantCode, 1e-4)
}

func TestEmbeddedSamples(t *testing.T) {
	samples, err := Samples()
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != 16 {
		t.Fatalf("%d samples", len(samples))
	}
	ia, err := npy.ReadFile(refDir + "images.npy")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ia.Uint8()
	for i, s := range samples {
		b, err := fs.ReadFile(Default(), SamplesDir+"/"+s.File)
		if err != nil {
			t.Fatal(err)
		}
		w, h, pix, err := ReadPGM(bytes.NewReader(b))
		if err != nil || w != 28 || h != 28 {
			t.Fatalf("%s: %dx%d %v", s.File, w, h, err)
		}
		if !bytes.Equal(pix, want[i*784:(i+1)*784]) {
			t.Errorf("%s differs from images.npy", s.File)
		}
		if Classes[s.Label] != s.Class {
			t.Errorf("%s: class %q for label %d", s.File, s.Class, s.Label)
		}
	}
	for _, f := range []string{CodecFile, LatentClassifierFile} {
		b, err := fs.ReadFile(Default(), f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := safetensors.Read(bytes.NewReader(b), int64(len(b)), 0); err != nil {
			t.Fatal(err)
		}
	}
	// The ONNX exports sit beside the safetensors files for the ONNX importer.
	for _, f := range []string{"latent_classifier.onnx", "pixel_classifier.onnx", "sae_encoder.onnx"} {
		if _, err := os.Stat("pretrained/" + f); err != nil {
			t.Error(err)
		}
	}
}

func TestReadPGM(t *testing.T) {
	w, h, pix, err := ReadPGM(bytes.NewReader([]byte("P5\n# c\n2 1\n15\n\x0f\x00")))
	if err != nil || w != 2 || h != 1 || pix[0] != 255 || pix[1] != 0 {
		t.Fatalf("%d %d %v %v", w, h, pix, err)
	}
	for _, b := range []string{"", "P6\n1 1\n255\n\x00", "P5\n0 1\n255\n", "P5\n1 1\n65535\n\x00\x00",
		"P5\n1 1\n255\n", "P5\n99999 99999\n255\n", "P5\n1 1\n7\n\x09", "P5 x"} {
		if _, _, _, err := ReadPGM(bytes.NewReader([]byte(b))); !errors.Is(err, ErrPGM) {
			t.Errorf("%q: err = %v", b, err)
		}
	}
}

func FuzzReadPGM(f *testing.F) {
	f.Add([]byte("P5\n2 2\n255\n\x00\x01\x02\x03"))
	f.Add([]byte("P5 #x\n1 1 9 \x05"))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, h, pix, err := ReadPGM(bytes.NewReader(b))
		if err == nil && len(pix) != w*h {
			t.Fatalf("%dx%d with %d pixels", w, h, len(pix))
		}
	})
}
