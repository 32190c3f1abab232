// Command mkdefault builds edgerun's pre-trained deployment files from the
// Fashion-MNIST weights in models/pretrained (run by `go generate ./models`):
//
//	default.edgerun               codec encoder + latent classifier (embedded)
//	default_int8.edgerun          the same with an int8 classifier
//	pixel_classifier.edgerun      pixel-domain baseline
//	pixel_classifier_int8.edgerun its int8 variant
//	clustering.edgerun            codec encoder + autoencoder + k-means
//	codec_decoder.edgerun         latent -> image
//
// The int8 variants are calibrated on the first training images of
// Fashion-MNIST (-data, Debian's dataset-fashion-mnist); without them
// mkdefault stops with an error rather than write uncalibrated models.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/edgerun/edgerun/models/builder"
	"github.com/edgerun/edgerun/models/idx"
	"github.com/edgerun/edgerun/runtime"
)

func main() {
	dir := flag.String("dir", "pretrained", "directory of the .safetensors weights; the files are written there")
	data := flag.String("data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST directory (train-images-idx3-ubyte.gz) for int8 calibration")
	flag.Parse()
	if err := run(*dir, *data); err != nil {
		fmt.Fprintln(os.Stderr, "mkdefault:", err)
		os.Exit(1)
	}
}

func run(dir, data string) error {
	fm, err := builder.LoadFashion(dir)
	if err != nil {
		return err
	}
	train, err := idx.LoadDataset(filepath.Join(data, "train-images-idx3-ubyte.gz"), filepath.Join(data, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		return fmt.Errorf("calibration images: %w", err)
	}
	if train.N < builder.CalibrationImages || train.Rows != builder.ImageSize || train.Cols != builder.ImageSize {
		return fmt.Errorf("calibration images: %d of %dx%d", train.N, train.Rows, train.Cols)
	}
	calib := train.Images[:builder.CalibrationImages*builder.ImageSize*builder.ImageSize]
	files := []struct {
		name  string
		build func() (*runtime.File, error)
	}{
		{"default.edgerun", fm.Pipeline},
		{"default_int8.edgerun", func() (*runtime.File, error) { return fm.PipelineInt8(calib) }},
		{"pixel_classifier.edgerun", fm.PixelClassifier},
		{"pixel_classifier_int8.edgerun", func() (*runtime.File, error) { return fm.PixelClassifierInt8(calib) }},
		{"clustering.edgerun", fm.Clustering},
		{"codec_decoder.edgerun", fm.Decoder},
	}
	for _, f := range files {
		file, err := f.build()
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		path := filepath.Join(dir, f.name)
		if err := file.WriteFile(path); err != nil {
			return err
		}
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		fmt.Printf("%-32s %8d bytes\n", path, st.Size())
	}
	return nil
}
