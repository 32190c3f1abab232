package builder

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
	"github.com/edgerun/edgerun/runtime"
)

var pretrained = filepath.Join("..", "pretrained")

func loadFashion(t testing.TB) *Fashion {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pretrained, "codec.safetensors")); errors.Is(err, fs.ErrNotExist) {
		t.Skip("models/pretrained/*.safetensors are not in this checkout (they come from models/train)")
	}
	f, err := LoadFashion(pretrained)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func sample(name string) string { return filepath.Join(pretrained, "samples", name) }

// sampleImages returns the reference images, uint8 [16,28,28].
func sampleImages(t testing.TB) ([]uint8, int) {
	a, err := npy.ReadFile(sample("images.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Dtype != "u1" || len(a.Shape) != 3 || a.Shape[1] != ImageSize || a.Shape[2] != ImageSize {
		t.Fatalf("images.npy: %s %v", a.Dtype, a.Shape)
	}
	return a.Data, a.Shape[0]
}

func runImages(t testing.TB, f *runtime.File, err error) *runtime.Session {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	img, n := sampleImages(t)
	s := session(t, open(t, f), runtime.WithBatch(n))
	copy(s.InputByName("image").U8(), img)
	run(t, s)
	return s
}

// rowsMatching lists the images whose latents equal the reference (the
// downstream outputs of the others legitimately differ).
func rowsMatching(got, want []int8, n int) []bool {
	per := len(want) / n
	ok := make([]bool, n)
	for i := range ok {
		ok[i] = true
		for j := i * per; j < (i+1)*per; j++ {
			ok[i] = ok[i] && got[j] == want[j]
		}
	}
	return ok
}

func compareRows(t testing.TB, name string, got, want []float32, rows []bool, tol float64) {
	t.Helper()
	per := len(want) / len(rows)
	for i, ok := range rows {
		if !ok {
			continue
		}
		if d := maxAbsDiff(t, name, got[i*per:(i+1)*per], want[i*per:(i+1)*per]); d > tol {
			t.Errorf("%s: image %d differs by %g", name, i, d)
		}
	}
}

// The default pipeline reproduces PyTorch on the sample images: latents
// exactly (up to .5-boundary ties), logits within 1e-4, and its class
// output is the argmax of its logits.
func TestFashionPipelineSamples(t *testing.T) {
	fm := loadFashion(t)
	f, err := fm.Pipeline()
	s := runImages(t, f, err)
	want := readS8(t, sample("latent.npy"))
	got := s.OutputByName("codec.latent").S8()
	off := compareLatents(t, "latent", got, want)
	t.Logf("%d of %d latents differ by one", off, len(want))
	if off > 4 {
		t.Errorf("%d latents differ", off)
	}
	rows := rowsMatching(got, want, 16)
	wl, _ := readF32(t, sample("latent_logits.npy"))
	compareRows(t, "latent logits", s.OutputByName("logits").F32(), wl, rows, 1e-4)
	logits, probs, class := s.OutputByName("logits").F32(), s.OutputByName("probs").F32(), s.OutputByName("class").S32()
	for i := range class {
		best, sum := 0, float32(0)
		for k := range NumClasses {
			if logits[i*NumClasses+k] > logits[i*NumClasses+best] {
				best = k
			}
			sum += probs[i*NumClasses+k]
		}
		if int(class[i]) != best || sum < 0.999 || sum > 1.001 {
			t.Errorf("image %d: class %d, argmax %d, probabilities sum to %g", i, class[i], best, sum)
		}
	}
}

func TestFashionPixelSamples(t *testing.T) {
	fm := loadFashion(t)
	f, err := fm.PixelClassifier()
	s := runImages(t, f, err)
	want, _ := readF32(t, sample("pixel_logits.npy"))
	if d := maxAbsDiff(t, "pixel logits", s.OutputByName("logits").F32(), want); d > 1e-4 {
		t.Errorf("pixel logits differ by %g", d)
	}
}

func TestFashionClusteringSamples(t *testing.T) {
	fm := loadFashion(t)
	f, err := fm.Clustering()
	s := runImages(t, f, err)
	rows := rowsMatching(s.OutputByName("codec.latent").S8(), readS8(t, sample("latent.npy")), 16)
	want, _ := readF32(t, sample("sae_code.npy"))
	compareRows(t, "code", s.OutputByName("code").F32(), want, rows, 1e-4)
	a, err := npy.ReadFile(sample("sae_cluster.npy"))
	if err != nil {
		t.Fatal(err)
	}
	wc, err := a.Int32()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range s.OutputByName("cluster").S32() {
		if rows[i] && c != wc[i] {
			t.Errorf("image %d: cluster %d, want %d", i, c, wc[i])
		}
	}
}

func TestFashionDecoderSamples(t *testing.T) {
	fm := loadFashion(t)
	f, err := fm.Decoder()
	if err != nil {
		t.Fatal(err)
	}
	s := session(t, open(t, f), runtime.WithBatch(16))
	copy(s.Input(0).S8(), readS8(t, sample("latent.npy")))
	run(t, s)
	want, _ := readF32(t, sample("recon.npy"))
	if d := maxAbsDiff(t, "recon", s.Output(0).F32(), want); d > 1e-4 {
		t.Errorf("reconstruction differs by %g", d)
	}
}
