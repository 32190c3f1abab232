package builder

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/edgerun/edgerun/codec"
	"github.com/edgerun/edgerun/models/walloc"
	"github.com/edgerun/edgerun/runtime"
)

// ErrShape reports a signal size a codec cannot take.
var ErrShape = errors.New("builder: bad signal size")

// wallocPads returns WaLLoC's centred reflect padding of each spatial axis
// to a multiple of 2^J, and whether any is needed.
func wallocPads(j int, size []int) (before, after []int, any bool) {
	for _, n := range size {
		b, a := codec.Padding(n, 1<<j)
		before, after = append(before, b), append(after, a)
		any = any || b != 0 || a != 0
	}
	return before, after, any
}

func checkSize(m *walloc.Model, size []int) error {
	if len(size) != m.Config.Dims() {
		return fmt.Errorf("%w: %v for a %d-D codec", ErrShape, size, m.Config.Dims())
	}
	for _, n := range size {
		if n < 1 || n > 1<<24 {
			return fmt.Errorf("%w: %v", ErrShape, size)
		}
	}
	return nil
}

func wallocMeta(m *walloc.Model, role string) map[string]string {
	c := m.Config
	return map[string]string{
		"provenance":  "WaLLoC " + m.Arch.String() + " checkpoint, " + role,
		"walloc.arch": m.Arch.String(),
		"walloc.J":    strconv.Itoa(c.J),
		"latent_bits": strconv.Itoa(c.LatentBits),
	}
}

// projShape is the shape of a 1x1 projection weight of a codec of d
// spatial dimensions.
func projShape(out, in, d int) []int {
	s := []int{out, in, 1}
	if d == 2 {
		s = append(s, 1)
	}
	return s
}

// encoderNodes appends the WaLLoC encoder to b, reading the F32 signal x of
// spatial size size, and returns the name of its S8 latent.
func encoderNodes(b *graph, m *walloc.Model, x, prefix string, size []int) string {
	c := m.Config
	d := c.Dims()
	if before, after, pad := wallocPads(c.J, size); pad {
		// Pad only the spatial axes: batch and channels get zeros.
		x = b.node("pad", prefix+"padded", map[string]any{"before": append([]int{0, 0}, before...), "after": append([]int{0, 0}, after...), "mode": "reflect"}, x)
	}
	conv := "conv2d"
	if d == 1 {
		conv = "conv1d"
	}
	w := b.f32(prefix+"encoder.weight", m.EncoderWeight, projShape(c.LatentDim, c.Channels*c.Bands(), d)...)
	bias := b.f32(prefix+"encoder.bias", m.EncoderBias, c.LatentDim)
	coef := b.node("wpt", prefix+"wpt", map[string]any{"wavelet": "bior4.4", "levels": c.J}, x)
	var attrs map[string]any
	if m.EncoderPadding != 0 {
		attrs = map[string]any{"padding": m.EncoderPadding}
	}
	proj := b.node(conv, prefix+"proj", attrs, coef, w, bias)
	u := b.node("compand", prefix+"companded", map[string]any{"bits": c.LatentBits}, proj)
	return b.node("round_s8", prefix+"latent", nil, u)
}

// WaLLoCEncoder builds the encoder of an imported codec for signals of the
// given spatial size ([H, W] for the 2-D codecs, [L] for Codec1D): input "x"
// F32 [N, Channels, size...], output "latent" S8 [N, LatentDim, ...].
//
// A size that is not a multiple of 2^J is reflect-padded first, centred as
// WaLLoC pads it; Codec1D's projection adds one latent frame at each end.
func WaLLoCEncoder(m *walloc.Model, size ...int) (*runtime.File, error) {
	if err := checkSize(m, size); err != nil {
		return nil, err
	}
	b := newGraph()
	x := b.input("x", runtime.F32, append([]int{m.Config.Channels}, size...)...)
	b.output(encoderNodes(b, m, x, "", size))
	return b.file(wallocMeta(m, "encoder"))
}

// WaLLoCDecoder builds the decoder of a LinearCodec2D for images of the
// given size [H, W] (the size given to WaLLoCEncoder): input "latent" S8
// [N, LatentDim, h, w], output "recon" F32 [N, Channels, H, W], clamped to
// [-0.5, 0.5] and cropped back to the size before padding. The other
// classes' decoders are diffusion networks and have no such graph.
func WaLLoCDecoder(m *walloc.Model, size ...int) (*runtime.File, error) {
	if m.Arch != walloc.LinearCodec2D || m.DecoderWeight == nil {
		return nil, fmt.Errorf("builder: a %s has no linear decoder", m.Arch)
	}
	if err := checkSize(m, size); err != nil {
		return nil, err
	}
	c := m.Config
	before, after, pad := wallocPads(c.J, size)
	h, w := (size[0]+before[0]+after[0])>>c.J, (size[1]+before[1]+after[1])>>c.J
	b := newGraph()
	lat := b.input("latent", runtime.S8, c.LatentDim, h, w)
	b.output(decoderNodes(b, m, lat, "", size, before, pad))
	return b.file(wallocMeta(m, "decoder"))
}

func decoderNodes(b *graph, m *walloc.Model, lat, prefix string, size, before []int, pad bool) string {
	c := m.Config
	bands := c.Channels * c.Bands()
	z := b.node("decompand", prefix+"decompanded", map[string]any{"bits": c.LatentBits}, lat)
	w := b.f32(prefix+"decoder.weight", m.DecoderWeight, projShape(bands, c.LatentDim, 2)...)
	bias := b.f32(prefix+"decoder.bias", m.DecoderBias, bands)
	coef := b.node("conv2d", prefix+"dec_wpt", nil, z, w, bias)
	y := b.node("iwpt", prefix+"signal", map[string]any{"wavelet": "bior4.4", "levels": c.J}, coef)
	out := prefix + "recon"
	if pad {
		y = b.node("clip", prefix+"clamped", map[string]any{"min": -0.5, "max": 0.5}, y)
		return b.node("slice", out, map[string]any{"starts": before, "ends": []int{before[0] + size[0], before[1] + size[1]}, "axes": []int{2, 3}}, y)
	}
	return b.node("clip", out, map[string]any{"min": -0.5, "max": 0.5}, y)
}
