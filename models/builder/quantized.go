package builder

import (
	"bytes"
	"context"
	"fmt"
	"math"

	"github.com/edgerun/edgerun/models/pth"
	"github.com/edgerun/edgerun/quant"
	"github.com/edgerun/edgerun/runtime"
)

// Int8 variants: every convolution and dense layer runs in integers
// (qconv2d / qdense), weights symmetric int8 per output channel, activations
// int8 per tensor with ranges calibrated statically on sample images. A ReLU
// costs nothing: the output's zero point sits at the bottom of its range,
// so the requantising clamp is the ReLU.

// CalibrationImages is how many training images the generator calibrates
// the int8 models on.
const CalibrationImages = 2000

// calibPercentile clips the rare outliers of hidden activations; the
// logits keep their full range.
const calibPercentile = 0.9999

// actRange is the int8 quantisation of one activation tensor:
// x ≈ scale·(q − zero), q in -128..127.
type actRange struct {
	scale float32
	zero  int32
}

func fromActQuant(a quant.ActQuant) actRange { return actRange{a.Scale, a.Zero - 128} }

// calibrate runs the float model f over images (N×784 pixels) and returns
// the quantisation of each named value.
func calibrate(f *runtime.File, names []string, images []uint8, relu []bool) ([]actRange, error) {
	g := *f.Graph
	g.Outputs = nil
	for _, n := range names {
		g.Outputs = append(g.Outputs, runtime.ValueInfo{Name: n})
	}
	var buf bytes.Buffer
	if err := (&runtime.File{Graph: &g, Tensors: f.Tensors}).Encode(&buf); err != nil {
		return nil, err
	}
	m, err := runtime.OpenBytes(buf.Bytes())
	if err != nil {
		return nil, err
	}
	defer m.Close()
	px := ImageSize * ImageSize
	if len(images) == 0 || len(images)%px != 0 {
		return nil, fmt.Errorf("calibration needs whole 28x28 images, have %d bytes", len(images))
	}
	const batch = 100
	s, err := m.NewSession(runtime.WithBatch(batch))
	if err != nil {
		return nil, err
	}
	defer s.Close()
	cal := make([]*quant.Calibrator, len(names))
	for i := range cal {
		cal[i] = quant.NewCalibrator(1 << 18)
	}
	n := len(images) / px
	for i := 0; i < n; i += batch {
		k := min(batch, n-i)
		copy(s.Input(0).U8(), images[i*px:(i+k)*px])
		if err := s.Run(context.Background()); err != nil {
			return nil, err
		}
		for j := range names {
			o := s.Output(j).F32()
			cal[j].Observe(o[:len(o)/batch*k])
		}
	}
	out := make([]actRange, len(names))
	for j, c := range cal {
		var a quant.ActQuant
		if relu[j] {
			a, err = c.Percentile(calibPercentile)
		} else {
			a, err = c.MinMax()
		}
		if err != nil {
			return nil, fmt.Errorf("calibrating %s: %w", names[j], err)
		}
		if relu[j] {
			// Post-ReLU values are ≥ 0: put the zero at the bottom of
			// the range so the clamp does the ReLU.
			hi := a.Scale * float32(255-a.Zero)
			a = quant.ActQuantFromRange(0, hi)
		}
		out[j] = fromActQuant(a)
	}
	return out, nil
}

// qlayer appends one integer layer: x (I8, quantised as in) -> I8
// quantised as out. shift adds shift·Σw to each accumulator (the half-step
// of an input whose real zero lies between two integers).
func qlayer(b *graph, ts map[string]*pth.Tensor, l layer, x, prefix, name string, in, out actRange, shift float64) (string, error) {
	w, bias, ws, err := weights(ts, l)
	if err != nil {
		return "", err
	}
	rows := ws[0]
	cols := len(w) / rows
	q, err := quant.NewInt8(w, rows, cols)
	if err != nil {
		return "", err
	}
	qb := make([]int32, rows)
	mult := make([]float32, rows)
	for o := range rows {
		sw := float64(q.Scales[o])
		v := float64(bias[o]) / (float64(in.scale) * sw)
		if sw == 0 {
			v = 0
		}
		v += shift * float64(q.RowSums[o])
		qb[o] = int32(max(min(math.RoundToEven(v), math.MaxInt32/2), -math.MaxInt32/2))
		mult[o] = float32(float64(in.scale) * sw / float64(out.scale))
	}
	wt, err := runtime.NewTensor(runtime.S8, ws...)
	if err != nil {
		return "", err
	}
	copy(wt.S8(), q.Q)
	bt, err := runtime.NewTensor(runtime.S32, rows)
	if err != nil {
		return "", err
	}
	copy(bt.S32(), qb)
	wn := b.tensor(prefix+l.name+".weight", wt)
	bn := b.tensor(prefix+l.name+".bias", bt)
	mn := b.f32(prefix+l.name+".mult", mult, rows)
	attrs := map[string]any{"x_zero": in.zero, "y_zero": out.zero}
	if l.kind == "conv" {
		attrs["padding"] = 1
		return b.node("qconv2d", name, attrs, x, wn, bn, mn), nil
	}
	return b.node("qdense", name, attrs, x, wn, bn, mn), nil
}

// qclassifier appends the integer twin of a float classifier whose value
// names (from classifierNodes with the same prefix) were calibrated: acts
// holds each layer's output quantisation.
func qclassifier(b *graph, ts map[string]*pth.Tensor, layers []layer, x, prefix string, in actRange, acts []actRange, shift float64) (string, error) {
	for i, l := range layers {
		if l.flatten {
			x = b.node("flatten", prefix+l.name+".flat", nil, x)
		}
		var err error
		x, err = qlayer(b, ts, l, x, prefix, prefix+l.name+".q", in, acts[i], shift)
		if err != nil {
			return "", err
		}
		shift = 0
		in = acts[i]
		if l.pool {
			// Max pooling commutes with the monotone quantisation; it
			// runs on floats, and requantising its maxima is exact.
			f := b.node("dequantize", prefix+l.name+".deq", map[string]any{"scale": in.scale, "zero_point": in.zero}, x)
			f = b.node("maxpool2d", prefix+l.name+".pool", map[string]any{"kernel": 2}, f)
			x = b.node("quantize", prefix+l.name+".requant", map[string]any{"scale": in.scale, "zero_point": in.zero, "dtype": "I8"}, f)
		}
	}
	return b.node("dequantize", "logits", map[string]any{"scale": in.scale, "zero_point": in.zero}, x), nil
}

// calibNames lists the float graph's value after each layer (after its
// ReLU) and whether it went through a ReLU.
func calibNames(layers []layer, prefix string) ([]string, []bool) {
	var names []string
	var relu []bool
	for i, l := range layers {
		switch {
		case i == len(layers)-1:
			names = append(names, "logits")
		case l.relu:
			names = append(names, prefix+l.name+".relu")
		default:
			names = append(names, prefix+l.name+".out")
		}
		relu = append(relu, l.relu)
	}
	return names, relu
}

// PipelineInt8 builds the default pipeline with an integer latent
// classifier, calibrated on images (N×784 pixels, training images): the
// codec's int8 latent feeds the first integer convolution directly (its
// scale is 1/127). Inputs and outputs are those of Pipeline.
func (f *Fashion) PipelineInt8(images []uint8) (*runtime.File, error) {
	ff, err := f.Pipeline()
	if err != nil {
		return nil, err
	}
	names, relu := calibNames(latentLayers, "cls.")
	acts, err := calibrate(ff, names, images, relu)
	if err != nil {
		return nil, err
	}
	b := newGraph()
	x := normalize(b, b.input("image", runtime.U8, 1, ImageSize, ImageSize))
	lat := encoderNodes(b, f.Codec, x, "codec.", []int{ImageSize, ImageSize})
	b.output(lat)
	logits, err := qclassifier(b, f.Latent, latentLayers, lat, "cls.", actRange{LatentScale, 0}, acts, 0)
	if err != nil {
		return nil, err
	}
	heads(b, logits)
	meta := f.meta("pipeline: WaLLoC-style codec encoder + int8 latent classifier", "codec", "latent_classifier")
	meta["quantization"] = fmt.Sprintf("int8 per-channel weights, per-tensor activations calibrated on %d images (%.4g percentile)", len(images)/(ImageSize*ImageSize), calibPercentile)
	return b.file(meta)
}

// PixelClassifierInt8 builds the integer pixel baseline, calibrated on
// images. The image bytes feed the first convolution directly: x = u/255 -
// 0.5 is (u - 128)/255 + 0.5/255, the half step folded into the biases.
func (f *Fashion) PixelClassifierInt8(images []uint8) (*runtime.File, error) {
	ff, err := f.PixelClassifier()
	if err != nil {
		return nil, err
	}
	names, relu := calibNames(pixelLayers, "cls.")
	acts, err := calibrate(ff, names, images, relu)
	if err != nil {
		return nil, err
	}
	b := newGraph()
	img := b.input("image", runtime.U8, 1, ImageSize, ImageSize)
	// U8 pixels reinterpreted as I8 minus 128 (flip the top bit): the
	// integer layers take one activation type.
	x := b.node("quantize", "pixels_i8", map[string]any{"scale": 1.0, "zero_point": -128, "dtype": "I8"}, b.node("cast", "pixels", map[string]any{"dtype": "F32"}, img))
	logits, err := qclassifier(b, f.Pixel, pixelLayers, x, "cls.", actRange{1.0 / 255, 0}, acts, 0.5)
	if err != nil {
		return nil, err
	}
	heads(b, logits)
	meta := f.meta("int8 pixel-domain baseline classifier", "pixel_classifier")
	meta["quantization"] = fmt.Sprintf("int8 per-channel weights, per-tensor activations calibrated on %d images (%.4g percentile)", len(images)/(ImageSize*ImageSize), calibPercentile)
	return b.file(meta)
}
