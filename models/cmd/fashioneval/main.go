// Command fashioneval measures the shipped Fashion-MNIST models with edgerun
// on the full test set and prints a Markdown table: top-1 (or clustering
// accuracy and NMI), classifier MACs, latency per image at batch 1 and
// file size. It is what the README's table is made from.
//
//	go run ./models/cmd/fashioneval [-dir models/pretrained] [-data /usr/share/datasets/fashion-mnist]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/edgerun/edgerun/models/builder"
	"github.com/edgerun/edgerun/models/idx"
	"github.com/edgerun/edgerun/runtime"
)

func main() {
	dir := flag.String("dir", "models/pretrained", "directory of the .edgerun files")
	data := flag.String("data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST directory (t10k-*-ubyte.gz)")
	flag.Parse()
	if err := run(*dir, *data); err != nil {
		fmt.Fprintln(os.Stderr, "fashioneval:", err)
		os.Exit(1)
	}
}

func run(dir, data string) error {
	d, err := idx.LoadDataset(filepath.Join(data, "t10k-images-idx3-ubyte.gz"), filepath.Join(data, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		return err
	}
	models := []struct{ file, desc, output, macsKey string }{
		{"default.edgerun", "codec + latent classifier (f32)", "class", "latent_classifier.macs"},
		{"default_int8.edgerun", "codec + latent classifier (int8)", "class", "latent_classifier.macs"},
		{"pixel_classifier.edgerun", "pixel baseline (f32)", "class", "pixel_classifier.macs"},
		{"pixel_classifier_int8.edgerun", "pixel baseline (int8)", "class", "pixel_classifier.macs"},
		{"clustering.edgerun", "codec + autoencoder + k-means", "cluster", ""},
	}
	fmt.Println("| model | accuracy | classifier MACs | latency / image (batch 1) | file bytes |")
	fmt.Println("|---|---|---|---|---|")
	for _, m := range models {
		path := filepath.Join(dir, m.file)
		model, err := runtime.Open(path)
		if err != nil {
			return err
		}
		pred, _, err := builder.Predict(context.Background(), model, d, 100, m.output, nil)
		if err != nil {
			return err
		}
		acc := fmt.Sprintf("%.2f%% top-1", 100*builder.Top1(pred, d.Labels))
		if m.output == "cluster" {
			acc = fmt.Sprintf("%.2f%% (NMI %.3f)", 100*builder.ClusterAccuracy(pred, d.Labels, builder.NumClasses), builder.NMI(pred, d.Labels))
		}
		lat, err := latency(model, d)
		if err != nil {
			return err
		}
		macs := "-"
		if m.macsKey != "" {
			macs = model.Metadata(m.macsKey)
		}
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %s | %s | %v | %d |\n", m.desc, acc, macs, lat.Round(time.Microsecond), st.Size())
		model.Close()
	}
	return nil
}

// latency is the median time of one image through a batch-1 session, over
// the first 200 test images.
func latency(m *runtime.Model, d *idx.Dataset) (time.Duration, error) {
	s, err := m.NewSession()
	if err != nil {
		return 0, err
	}
	defer s.Close()
	in := s.InputByName("image").U8()
	var ts []time.Duration
	for i := range min(200, d.N) {
		copy(in, d.Image(i))
		t0 := time.Now()
		if err := s.Run(context.Background()); err != nil {
			return 0, err
		}
		ts = append(ts, time.Since(t0))
	}
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j] < ts[j-1]; j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
	return ts[len(ts)/2], nil
}
