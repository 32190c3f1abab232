package models

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
	"github.com/edgerun/edgerun/models/builder"
	"github.com/edgerun/edgerun/runtime"
)

// The embedded default pipeline classifies the embedded samples as
// PyTorch does: latents equal (up to .5-boundary ties), logits within 1e-4,
// without allocating per run.
func TestDefaultPipeline(t *testing.T) {
	m, err := OpenDefault()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	samples, err := Samples()
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewSession(runtime.WithBatch(len(samples)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	in := s.InputByName("image").U8()
	for i, smp := range samples {
		b, err := fs.ReadFile(Default(), SamplesDir+"/"+smp.File)
		if err != nil {
			t.Fatal(err)
		}
		_, _, pix, err := ReadPGM(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		copy(in[i*784:], pix)
	}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	la, err := npy.ReadFile(refDir + "latent.npy")
	if err != nil {
		t.Fatal(err)
	}
	wantLat, _ := la.Int8()
	gotLat := s.OutputByName("codec.latent").S8()
	wantLogits, _ := refF32(t, "latent_logits.npy")
	logits, class := s.OutputByName("logits").F32(), s.OutputByName("class").S32()
	right := 0
	for i, smp := range samples {
		if !bytes.Equal(int8Bytes(gotLat[i*128:(i+1)*128]), int8Bytes(wantLat[i*128:(i+1)*128])) {
			t.Logf("sample %d: a latent at a rounding boundary differs", i)
			continue
		}
		for k := range 10 {
			if d := logits[i*10+k] - wantLogits[i*10+k]; d > 1e-4 || d < -1e-4 {
				t.Errorf("sample %d: logit %d = %g, PyTorch %g", i, k, logits[i*10+k], wantLogits[i*10+k])
			}
		}
		if int(class[i]) == smp.Label {
			right++
		}
	}
	t.Logf("%d of %d samples classified right", right, len(samples))
	if right < len(samples)*3/4 {
		t.Errorf("only %d of %d samples classified right", right, len(samples))
	}
	if n := testing.AllocsPerRun(5, func() { s.Run(context.Background()) }); n != 0 {
		t.Errorf("Run allocates %v times", n)
	}
}

func int8Bytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

// The committed deployment files are what cmd/mkdefault builds from the
// committed weights (the int8 ones need the training images to calibrate
// and are checked by the builder's accuracy test instead).
func TestGeneratedFilesCurrent(t *testing.T) {
	fm, err := builder.LoadFashion("pretrained")
	if err != nil {
		t.Fatal(err)
	}
	for name, build := range map[string]func() (*runtime.File, error){
		DefaultPipelineFile:        fm.Pipeline,
		"pixel_classifier.edgerun": fm.PixelClassifier,
		"clustering.edgerun":       fm.Clustering,
		"codec_decoder.edgerun":    fm.Decoder,
	} {
		f, err := build()
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := f.Encode(&want); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile("pretrained/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("pretrained/%s is stale: run go generate ./models", name)
		}
	}
	if !bytes.Equal(DefaultPipeline(), mustRead(t, "pretrained/"+DefaultPipelineFile)) {
		t.Error("embedded default pipeline differs from the file")
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The committed int8 files open, run without allocating and agree with
// their float twins on the samples (the test-set comparison is the
// builder's accuracy test).
func TestInt8Files(t *testing.T) {
	ia, err := npy.ReadFile(refDir + "images.npy")
	if err != nil {
		t.Fatal(err)
	}
	imgs, _ := ia.Uint8()
	classes := func(name string) []int32 {
		m, err := runtime.Open("pretrained/" + name + ".edgerun")
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		s, err := m.NewSession(runtime.WithBatch(16))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		copy(s.InputByName("image").U8(), imgs)
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(1, func() { s.Run(context.Background()) }); n != 0 {
			t.Errorf("%s: Run allocates %v times", name, n)
		}
		return append([]int32(nil), s.OutputByName("class").S32()...)
	}
	for _, name := range []string{"default", "pixel_classifier"} {
		f, q := classes(name), classes(name+"_int8")
		same := 0
		for i := range f {
			if f[i] == q[i] {
				same++
			}
		}
		if same < 15 {
			t.Errorf("%s: int8 agrees with float on %d of 16 samples", name, same)
		}
	}
}

// BenchmarkPretrained measures each shipped model on one sample image at a
// time (the latency a sensor sees) and at batch 16.
func BenchmarkPretrained(b *testing.B) {
	ia, err := npy.ReadFile(refDir + "images.npy")
	if err != nil {
		b.Fatal(err)
	}
	imgs, _ := ia.Uint8()
	for _, name := range []string{"default", "default_int8", "pixel_classifier", "pixel_classifier_int8", "clustering"} {
		m, err := runtime.Open("pretrained/" + name + ".edgerun")
		if err != nil {
			b.Fatal(err)
		}
		for _, batch := range []int{1, 16} {
			b.Run(name+"/batch"+string(rune('0'+batch/10))+string(rune('0'+batch%10)), func(b *testing.B) {
				s, err := m.NewSession(runtime.WithBatch(batch))
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				copy(s.InputByName("image").U8(), imgs)
				for b.Loop() {
					s.Run(context.Background())
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*batch), "µs/image")
			})
		}
		m.Close()
	}
}
