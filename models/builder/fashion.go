package builder

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/edgerun/edgerun/models/pth"
	"github.com/edgerun/edgerun/models/safetensors"
	"github.com/edgerun/edgerun/models/walloc"
	"github.com/edgerun/edgerun/runtime"
)

// Fashion-MNIST geometry: 28x28 grayscale images and 10 classes.
const (
	ImageSize  = 28
	NumClasses = 10
	// LatentScale maps the codec's int8 latents to the classifiers' input.
	LatentScale = 1.0 / 127
)

// Fashion holds the pre-trained Fashion-MNIST weights as trained by
// models/train (layouts in models/pretrained/README.md).
type Fashion struct {
	Codec  *walloc.Model
	Latent map[string]*pth.Tensor // latent_classifier.safetensors
	Pixel  map[string]*pth.Tensor // pixel_classifier.safetensors
	SAE    map[string]*pth.Tensor // sae_kmeans.safetensors
	// Meta holds each file's safetensors metadata, by file stem.
	Meta map[string]map[string]string
}

// maxWeightsFile bounds each weights file read by LoadFashion.
const maxWeightsFile = 64 << 20

// LoadFashion reads codec, latent_classifier, pixel_classifier and
// sae_kmeans .safetensors from dir.
func LoadFashion(dir string) (*Fashion, error) {
	f := &Fashion{Meta: map[string]map[string]string{}}
	read := func(stem string) (map[string]*pth.Tensor, error) {
		st, err := safetensors.ReadFile(filepath.Join(dir, stem+".safetensors"), maxWeightsFile)
		if err != nil {
			return nil, err
		}
		f.Meta[stem] = st.Metadata
		return st.Tensors, nil
	}
	codecT, err := read("codec")
	if err != nil {
		return nil, err
	}
	cfg, err := walloc.ParseConfig([]byte(f.Meta["codec"]["config"]))
	if err != nil {
		return nil, fmt.Errorf("codec.safetensors config: %w", err)
	}
	if cfg.Arch() != walloc.LinearCodec2D || cfg.Channels != 1 {
		return nil, fmt.Errorf("codec.safetensors: want a 1-channel LinearCodec2D, have %s with %d channels", cfg.Arch(), cfg.Channels)
	}
	bands := cfg.Bands()
	enc, err := need(codecT, "encoder.0.weight", cfg.LatentDim, bands, 1, 1)
	if err != nil {
		return nil, err
	}
	encB, err := need(codecT, "encoder.0.bias", cfg.LatentDim)
	if err != nil {
		return nil, err
	}
	dec, err := need(codecT, "decoder.1.weight", bands, cfg.LatentDim, 1, 1)
	if err != nil {
		return nil, err
	}
	decB, err := need(codecT, "decoder.1.bias", bands)
	if err != nil {
		return nil, err
	}
	f.Codec = &walloc.Model{Config: cfg, Arch: cfg.Arch(), EncoderWeight: enc, EncoderBias: encB, DecoderWeight: dec, DecoderBias: decB}
	if f.Latent, err = read("latent_classifier"); err != nil {
		return nil, err
	}
	if f.Pixel, err = read("pixel_classifier"); err != nil {
		return nil, err
	}
	if f.SAE, err = read("sae_kmeans"); err != nil {
		return nil, err
	}
	return f, nil
}

// need returns a tensor's values after checking its shape.
func need(ts map[string]*pth.Tensor, name string, shape ...int) ([]float32, error) {
	t := ts[name]
	if t == nil {
		return nil, fmt.Errorf("tensor %s is missing", name)
	}
	if !slices.Equal(t.Shape, shape) {
		return nil, fmt.Errorf("tensor %s has shape %v, want %v", name, t.Shape, shape)
	}
	return t.Float32()
}

// layer is one learned layer of a sequential classifier.
type layer struct {
	kind    string // "conv" (3x3, padding 1) or "dense"
	name    string // tensor prefix: name.weight, name.bias
	relu    bool
	pool    bool // 2x2 max pooling after the ReLU
	flatten bool // flatten before this layer
}

var (
	latentLayers = []layer{{kind: "conv", name: "0", relu: true}, {kind: "conv", name: "2", relu: true},
		{kind: "dense", name: "6", relu: true, flatten: true}, {kind: "dense", name: "8"}}
	pixelLayers = []layer{{kind: "conv", name: "0", relu: true, pool: true}, {kind: "conv", name: "3", relu: true, pool: true},
		{kind: "conv", name: "6", relu: true, pool: true}, {kind: "dense", name: "11", relu: true, flatten: true}, {kind: "dense", name: "13"}}
	saeLayers = []layer{{kind: "dense", name: "0", relu: true, flatten: true}, {kind: "dense", name: "2", relu: true}, {kind: "dense", name: "4"}}
)

// weights fetches a layer's weight and bias with their shapes.
func weights(ts map[string]*pth.Tensor, l layer) (w, b []float32, ws []int, err error) {
	wt, bt := ts[l.name+".weight"], ts[l.name+".bias"]
	if wt == nil || bt == nil {
		return nil, nil, nil, fmt.Errorf("layer %s: weight or bias missing", l.name)
	}
	want := 2
	if l.kind == "conv" {
		want = 4
	}
	if len(wt.Shape) != want || len(bt.Shape) != 1 || bt.Shape[0] != wt.Shape[0] || (want == 4 && (wt.Shape[2] != 3 || wt.Shape[3] != 3)) {
		return nil, nil, nil, fmt.Errorf("layer %s: weight %v and bias %v", l.name, wt.Shape, bt.Shape)
	}
	if w, err = wt.Float32(); err != nil {
		return nil, nil, nil, err
	}
	if b, err = bt.Float32(); err != nil {
		return nil, nil, nil, err
	}
	return w, b, wt.Shape, nil
}

// classifierNodes appends a float sequential network reading x.
// The last layer (no ReLU, no pooling) writes the value named out.
func classifierNodes(b *graph, ts map[string]*pth.Tensor, layers []layer, x, prefix, out string) (string, error) {
	for i, l := range layers {
		name := prefix + l.name + ".out"
		if i == len(layers)-1 {
			name = out
		}
		w, bias, ws, err := weights(ts, l)
		if err != nil {
			return "", err
		}
		if l.flatten {
			x = b.node("flatten", prefix+l.name+".flat", nil, x)
		}
		wn := b.f32(prefix+l.name+".weight", w, ws...)
		bn := b.f32(prefix+l.name+".bias", bias, ws[0])
		if l.kind == "conv" {
			x = b.node("conv2d", name, map[string]any{"padding": 1}, x, wn, bn)
		} else {
			x = b.node("dense", name, nil, x, wn, bn)
		}
		if l.relu {
			x = b.node("relu", prefix+l.name+".relu", nil, x)
		}
		if l.pool {
			x = b.node("maxpool2d", prefix+l.name+".pool", map[string]any{"kernel": 2}, x)
		}
	}
	return x, nil
}

// normalize appends the input stage: U8 pixels u to u/255 - 0.5, computed
// as PyTorch computes it (a division, then a subtraction) so that the
// codec sees the same floats as in training.
func normalize(b *graph, image string) string {
	x := b.node("cast", "pixels", map[string]any{"dtype": "F32"}, image)
	x = b.node("div", "scaled", nil, x, b.f32("const.255", []float32{255}, 1))
	return b.node("sub", "x", nil, x, b.f32("const.half", []float32{0.5}, 1))
}

// heads appends logits -> probabilities (softmax) and class (argmax) and
// declares the three as outputs.
func heads(b *graph, logits string) {
	b.output(logits)
	b.output(b.node("softmax", "probs", map[string]any{"axis": -1}, logits))
	b.output(b.node("argmax", "class", map[string]any{"axis": -1}, logits))
}

func (f *Fashion) meta(role string, stems ...string) map[string]string {
	m := map[string]string{"provenance": "edgerun Fashion-MNIST " + role + " (models/train)", "classes": classesJSON}
	for _, s := range stems {
		for _, k := range slices.Sorted(maps.Keys(f.Meta[s])) {
			m[s+"."+k] = f.Meta[s][k]
		}
	}
	return m
}

const classesJSON = `["T-shirt/top","Trouser","Pullover","Dress","Coat","Sandal","Shirt","Sneaker","Bag","Ankle boot"]`

// Pipeline builds the default pipeline, compressed-domain classification
// in one file: input "image" U8 [N,1,28,28]; outputs "codec.latent" S8
// [N,8,4,4] (what a sensor would transmit), "logits" F32 [N,10], "probs"
// F32 [N,10] and "class" I32 [N].
func (f *Fashion) Pipeline() (*runtime.File, error) {
	b := newGraph()
	x := normalize(b, b.input("image", runtime.U8, 1, ImageSize, ImageSize))
	lat := encoderNodes(b, f.Codec, x, "codec.", []int{ImageSize, ImageSize})
	b.output(lat)
	lf := b.node("cast", "latent_f", map[string]any{"dtype": "F32", "scale": LatentScale}, lat)
	logits, err := classifierNodes(b, f.Latent, latentLayers, lf, "cls.", "logits")
	if err != nil {
		return nil, err
	}
	heads(b, logits)
	return b.file(f.meta("pipeline: WaLLoC-style codec encoder + latent classifier", "codec", "latent_classifier"))
}

// PixelClassifier builds the pixel-domain baseline: input "image" U8
// [N,1,28,28]; outputs "logits", "probs", "class".
func (f *Fashion) PixelClassifier() (*runtime.File, error) {
	b := newGraph()
	x := normalize(b, b.input("image", runtime.U8, 1, ImageSize, ImageSize))
	logits, err := classifierNodes(b, f.Pixel, pixelLayers, x, "cls.", "logits")
	if err != nil {
		return nil, err
	}
	heads(b, logits)
	return b.file(f.meta("pixel-domain baseline classifier", "pixel_classifier"))
}

// Clustering builds the unsupervised pattern: codec encoder, stacked
// autoencoder on the latent, nearest k-means centroid. Input "image" U8
// [N,1,28,28]; outputs "codec.latent" S8, "code" F32 [N,10] and "cluster"
// I32 [N].
func (f *Fashion) Clustering() (*runtime.File, error) {
	b := newGraph()
	x := normalize(b, b.input("image", runtime.U8, 1, ImageSize, ImageSize))
	lat := encoderNodes(b, f.Codec, x, "codec.", []int{ImageSize, ImageSize})
	b.output(lat)
	lf := b.node("cast", "latent_f", map[string]any{"dtype": "F32", "scale": LatentScale}, lat)
	code, err := classifierNodes(b, f.SAE, saeLayers, lf, "sae.", "code")
	if err != nil {
		return nil, err
	}
	c := f.SAE["centroids"]
	if c == nil || len(c.Shape) != 2 {
		return nil, fmt.Errorf("sae_kmeans: centroids missing or not a matrix")
	}
	cv, err := c.Float32()
	if err != nil {
		return nil, err
	}
	b.output(code)
	b.output(b.node("nearest_centroid", "cluster", nil, code, b.f32("centroids", cv, c.Shape...)))
	return b.file(f.meta("clustering: codec encoder + stacked autoencoder + k-means", "codec", "sae_kmeans"))
}

// Decoder builds the codec's decoder: input "latent" S8 [N,8,4,4], output
// "recon" F32 [N,1,28,28] in u/255 - 0.5 units.
func (f *Fashion) Decoder() (*runtime.File, error) {
	return WaLLoCDecoder(f.Codec, ImageSize, ImageSize)
}
