// Package models holds edgerun's importers (subpackages pth, safetensors,
// walloc) and its pre-trained Fashion-MNIST models, embedded in the binary so
// that the default pipeline runs with no download.
//
// The default pipeline is the WaLLoC-style codec (28x28 grayscale image ->
// int8 latent [8,4,4], 6.125x fewer values) followed by a classifier that reads
// the latent directly. pretrained/README.md describes every layer and tensor.
package models

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
)

//go:embed pretrained/codec.safetensors pretrained/codec.pth pretrained/codec.json pretrained/latent_classifier.safetensors
//go:embed pretrained/samples/*.pgm pretrained/samples/labels.json
var embedded embed.FS

// The embedded files, by name inside Default().
const (
	CodecFile            = "codec.safetensors"
	LatentClassifierFile = "latent_classifier.safetensors"
	SamplesDir           = "samples"
)

// Classes are the Fashion-MNIST class names, by label.
var Classes = [10]string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// Default returns the embedded default pipeline: CodecFile,
// LatentClassifierFile and SamplesDir (16 test images as binary PGM with
// labels.json).
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "pretrained")
	if err != nil {
		panic(err) // "pretrained" is a literal directory of the embed above
	}
	return sub
}

// Sample is one embedded test image.
type Sample struct {
	File      string `json:"file"`
	TestIndex int    `json:"test_index"`
	Label     int    `json:"label"`
	Class     string `json:"class"`
}

// Samples lists the embedded test images.
func Samples() ([]Sample, error) {
	b, err := fs.ReadFile(Default(), SamplesDir+"/labels.json")
	if err != nil {
		return nil, err
	}
	var s []Sample
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("embedded labels.json: %w", err)
	}
	return s, nil
}
