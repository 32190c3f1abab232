package models

import (
	_ "embed"

	"github.com/edgerun/edgerun/runtime"
)

//go:generate go run ./cmd/mkdefault -dir pretrained

// DefaultPipelineFile is the default pipeline's file under pretrained/, as
// written by cmd/mkdefault from the weights beside it.
const DefaultPipelineFile = "default.edgerun"

// The default pipeline as one edgerun file: codec encoder + latent
// classifier (about 700 kB of float32 weights).
//
//go:embed pretrained/default.edgerun
var defaultPipeline []byte

// DefaultPipeline returns the embedded default pipeline file. Its graph
// takes "image" U8 [N,1,28,28] (a Fashion-MNIST-style grayscale image) and
// gives "codec.latent" S8 [N,8,4,4] (the 128-byte compressed
// representation), "logits" F32 [N,10], "probs" F32 [N,10] and "class" I32
// [N], an index into Classes. The bytes are shared: do not modify them.
func DefaultPipeline() []byte { return defaultPipeline }

// OpenDefault opens the embedded default pipeline; run it on the images of
// Samples.
func OpenDefault() (*runtime.Model, error) { return runtime.OpenBytes(defaultPipeline) }
