package builder

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/edgerun/edgerun/models/idx"
	"github.com/edgerun/edgerun/runtime"
)

// FashionMNISTDir is where Debian's dataset-fashion-mnist installs the data.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

func testSet(t *testing.T) *idx.Dataset {
	t.Helper()
	if testing.Short() {
		t.Skip("the 10,000-image evaluation is skipped under -short")
	}
	im := filepath.Join(FashionMNISTDir, "t10k-images-idx3-ubyte.gz")
	if _, err := os.Stat(im); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("Fashion-MNIST is not installed (%s missing; Debian package dataset-fashion-mnist)", im)
	}
	d, err := idx.LoadDataset(im, filepath.Join(FashionMNISTDir, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 10000 {
		t.Fatalf("test set has %d images", d.N)
	}
	return d
}

// trained returns a number the training run recorded in a weights file's
// metadata (the PyTorch accuracy edgerun must reproduce).
func trained(t *testing.T, fm *Fashion, stem, key string) float64 {
	v, err := strconv.ParseFloat(fm.Meta[stem][key], 64)
	if err != nil {
		t.Fatalf("%s metadata %s: %v", stem, key, err)
	}
	return v
}

func evaluate(t *testing.T, f *runtime.File, err error, d *idx.Dataset, output string) []int32 {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	pred, per, err := Predict(context.Background(), open(t, f), d, 100, output, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s (%s): %v per image at batch 100", f.Metadata["provenance"], output, per)
	return pred
}

// Accuracy on the full test set, measured by edgerun (float and int8): each model must match
// what PyTorch measured in training (recorded in its metadata) to within a
// few images in 10,000 — rounding at .5 boundaries of the latent may move
// a handful — and meet the product targets when the trained model does.
func TestFashionAccuracy(t *testing.T) {
	d := testSet(t)
	fm := loadFashion(t)
	calib := calibrationImages(t, CalibrationImages)
	cases := []struct {
		name, stem, key string
		build           func() (*runtime.File, error)
		int8            func([]uint8) (*runtime.File, error)
		target          float64
	}{
		{"latent classifier", "latent_classifier", "test_top1", fm.Pipeline, fm.PipelineInt8, 0.88},
		{"pixel baseline", "pixel_classifier", "test_top1", fm.PixelClassifier, fm.PixelClassifierInt8, 0.91},
	}
	for _, c := range cases {
		f, err := c.build()
		acc := Top1(evaluate(t, f, err, d, "class"), d.Labels)
		// The int8 variant, calibrated on training images, stays within
		// half a point of its float twin.
		q, err := c.int8(calib)
		accQ := Top1(evaluate(t, q, err, d, "class"), d.Labels)
		t.Logf("%s: int8 top-1 %.4f", c.name, accQ)
		if math.Abs(accQ-acc) > 0.005 {
			t.Errorf("%s: int8 top-1 %.4f is more than half a point from float %.4f", c.name, accQ, acc)
		}
		ref := trained(t, fm, c.stem, c.key)
		t.Logf("%s: top-1 %.4f (PyTorch %.4f)", c.name, acc, ref)
		if math.Abs(acc-ref) > 0.0005 {
			t.Errorf("%s: top-1 %.4f, PyTorch measured %.4f", c.name, acc, ref)
		}
		switch {
		case ref < c.target:
			t.Logf("%s: the trained model is below the product target %.2f", c.name, c.target)
		case acc < c.target:
			t.Errorf("%s: top-1 %.4f below %.2f", c.name, acc, c.target)
		}
	}
	f, err := fm.Clustering()
	if err != nil {
		t.Fatal(err)
	}
	m := open(t, f)
	// The latents (times 1/127) of the test images, for the PCA baseline.
	lat := make([]float32, d.N*128)
	collect := func(dst []float32) func(*runtime.Session, int, int) {
		return func(s *runtime.Session, row, img int) {
			for j, v := range s.OutputByName("codec.latent").S8()[row*128 : (row+1)*128] {
				dst[img*128+j] = float32(v) * LatentScale
			}
		}
	}
	cl, _, err := Predict(context.Background(), m, d, 100, "cluster", collect(lat))
	if err != nil {
		t.Fatal(err)
	}
	acc, nmi := ClusterAccuracy(cl, d.Labels, 10), NMI(cl, d.Labels)
	refAcc, refNMI := trained(t, fm, "sae_kmeans", "test_acc"), trained(t, fm, "sae_kmeans", "test_nmi")
	t.Logf("autoencoder + k-means: accuracy %.4f NMI %.4f (PyTorch %.4f, %.4f)", acc, nmi, refAcc, refNMI)
	if math.Abs(acc-refAcc) > 0.001 || math.Abs(nmi-refNMI) > 0.001 {
		t.Errorf("clustering accuracy %.4f NMI %.4f, PyTorch measured %.4f %.4f", acc, nmi, refAcc, refNMI)
	}

	// PCA to 10 components + k-means on the same latents, fitted on
	// training images as the autoencoder was.
	train := calibrationImages(t, pcaTrainImages)
	trainSet := &idx.Dataset{N: pcaTrainImages, Rows: ImageSize, Cols: ImageSize, Images: train, Labels: make([]uint8, pcaTrainImages)}
	trainLat := make([]float32, pcaTrainImages*128)
	if _, _, err := Predict(context.Background(), m, trainSet, 100, "cluster", collect(trainLat)); err != nil {
		t.Fatal(err)
	}
	pk := FitPCAKMeans(trainLat, pcaTrainImages, 128, 10, 10, 5, 1)
	pc := pk.Assign(lat, d.N)
	pAcc, pNMI := ClusterAccuracy(pc, d.Labels, 10), NMI(pc, d.Labels)
	t.Logf("PCA + k-means: accuracy %.4f NMI %.4f", pAcc, pNMI)
	if nmi < pNMI-0.01 {
		t.Errorf("autoencoder + k-means NMI %.4f is below PCA + k-means %.4f", nmi, pNMI)
	}
}

func TestClusterMetrics(t *testing.T) {
	labels := []uint8{0, 0, 1, 1, 2, 2}
	if a := ClusterAccuracy([]int32{2, 2, 0, 0, 1, 1}, labels, 3); a != 1 {
		t.Errorf("permuted clusters: accuracy %v", a)
	}
	if n := NMI([]int32{2, 2, 0, 0, 1, 1}, labels); math.Abs(n-1) > 1e-12 {
		t.Errorf("permuted clusters: NMI %v", n)
	}
	if a := ClusterAccuracy([]int32{0, 0, 0, 0, 0, 0}, labels, 3); math.Abs(a-1.0/3) > 1e-12 {
		t.Errorf("one cluster: accuracy %v", a)
	}
	if n := NMI([]int32{0, 0, 0, 0, 0, 0}, labels); n != 0 {
		t.Errorf("one cluster: NMI %v", n)
	}
}

// pcaTrainImages is how many training images fit the PCA baseline.
const pcaTrainImages = 10000

// calibrationImages returns the first n training images.
func calibrationImages(t *testing.T, n int) []uint8 {
	d, err := idx.LoadDataset(filepath.Join(FashionMNISTDir, "train-images-idx3-ubyte.gz"), filepath.Join(FashionMNISTDir, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	return d.Images[:n*ImageSize*ImageSize]
}
