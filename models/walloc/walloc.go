// Package walloc imports WaLLoC (wavelet learned lossy compression) codecs from
// the checkpoints its authors release: a PyTorch checkpoint (.pth) holding
// {'model_state_dict': ...} and a JSON config with the constructor arguments.
//
// Three architectures are understood:
//   - LinearCodec2D: wavelet packet transform, 1x1 conv encoder, companding;
//     1x1 conv decoder and inverse transform.
//   - Codec2D with lightweight_encode: the same encoder; its decoder is a
//     diffusers network whose weights (decoder.1.*) may or may not be in the
//     file and are not imported.
//   - Codec1D with lightweight_encode: a kernel-1 Conv1d with padding=1, so
//     the latent has two more frames than the transform (one each side, the
//     companded bias).
//
// The encoder everywhere is: J levels of the bior4.4 wavelet packet transform
// (periodization; channel c becomes c*4+f in 2D, c*2+f in 1D, f in LL, LH,
// HL, HH order), a 1x1 projection, ToUniform companding and rounding:
//
//	y = round(2*LatentMax*(Phi(x/Scale) - 0.5))
//
// with Phi the standard normal CDF, Scale = (2^(bits-1)-1)/1.85 and
// LatentMax = 2^(bits-1) - 1 + 0.5 - 1e-3.
package walloc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/edgerun/edgerun/models/pth"
)

// ErrConfig is wrapped by errors about a config or checkpoint that does not
// describe a codec this package imports.
var ErrConfig = errors.New("walloc: unsupported or invalid codec")

func errf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, a...))
}

// Arch names a WaLLoC model class.
type Arch int

// The WaLLoC model classes.
const (
	LinearCodec2D Arch = iota + 1
	Codec2D
	Codec1D
)

func (a Arch) String() string {
	switch a {
	case LinearCodec2D:
		return "LinearCodec2D"
	case Codec2D:
		return "Codec2D"
	case Codec1D:
		return "Codec1D"
	}
	return fmt.Sprintf("Arch(%d)", int(a))
}

// Config holds the constructor arguments of a WaLLoC model, as in the
// released JSON files (RGB_16x.json, stereo_5x.json, ...). Fields a class does
// not take are nil.
type Config struct {
	Channels          int   `json:"channels"`
	J                 int   `json:"J"`
	Ne                *int  `json:"Ne"`
	Nd                *int  `json:"Nd"`
	LatentDim         int   `json:"latent_dim"`
	LatentBits        int   `json:"latent_bits"`
	LightweightEncode *bool `json:"lightweight_encode"`
	PostFilter        *bool `json:"post_filter"`

	keys map[string]bool
}

// maxConfig bounds a config file; the released ones are under 200 bytes.
const maxConfig = 1 << 16

// ParseConfig decodes and checks a config. The class is inferred from the
// keys present: post_filter means Codec1D, Nd means Codec2D, neither means
// LinearCodec2D.
func ParseConfig(b []byte) (*Config, error) {
	if len(b) > maxConfig {
		return nil, errf("config of %d bytes (limit %d)", len(b), maxConfig)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, errf("config: %v", err)
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&c); err != nil {
		return nil, errf("config: %v", err)
	}
	c.keys = map[string]bool{}
	for k := range raw {
		c.keys[k] = true
	}
	for _, k := range []string{"channels", "J", "latent_dim", "latent_bits"} {
		if !c.keys[k] {
			return nil, errf("config lacks %q", k)
		}
	}
	switch {
	case c.Channels < 1 || c.Channels > 64:
		return nil, errf("channels = %d, want 1..64", c.Channels)
	case c.J < 1 || c.J > 8:
		return nil, errf("J = %d, want 1..8", c.J)
	case c.LatentDim < 1 || c.LatentDim > 1<<14:
		return nil, errf("latent_dim = %d, want 1..16384", c.LatentDim)
	case c.LatentBits < 2 || c.LatentBits > 16:
		return nil, errf("latent_bits = %d, want 2..16", c.LatentBits)
	}
	if c.Arch() != LinearCodec2D && (c.LightweightEncode == nil || !*c.LightweightEncode) {
		return nil, errf("%s without lightweight_encode: its encoder is a diffusers network edgerun does not import", c.Arch())
	}
	return &c, nil
}

// ReadConfig reads a config file.
func ReadConfig(name string) (*Config, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfig+1))
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// Arch returns the model class the config describes.
func (c *Config) Arch() Arch {
	switch {
	case c.keys["post_filter"]:
		return Codec1D
	case c.keys["Nd"] || c.keys["Ne"] || c.keys["lightweight_encode"]:
		return Codec2D
	}
	return LinearCodec2D
}

// Dims returns the signal dimensionality: 1 for Codec1D, else 2.
func (c *Config) Dims() int {
	if c.Arch() == Codec1D {
		return 1
	}
	return 2
}

// Bands returns the wavelet channels per input channel: 4^J in 2D, 2^J in 1D.
func (c *Config) Bands() int {
	if c.Dims() == 1 {
		return 1 << c.J
	}
	return 1 << (2 * c.J)
}

// Scale is ToUniform's scale, (2^(bits-1)-1)/1.85.
func (c *Config) Scale() float64 { return float64(int(1)<<(c.LatentBits-1)-1) / 1.85 }

// LatentMax is ToUniform's bound, 2^(bits-1) - 1 + 0.5 - 1e-3.
func (c *Config) LatentMax() float64 {
	return float64(int(1)<<(c.LatentBits-1)-1) + 0.5 - 1e-3
}

// Model is an imported codec: the config and the weights of its 1x1
// projections. Weights are float32, C order.
type Model struct {
	Config *Config
	Arch   Arch
	// EncoderWeight is [LatentDim][Channels*Bands]; EncoderBias [LatentDim].
	EncoderWeight, EncoderBias []float32
	// EncoderPadding is the zero padding of the encoder convolution on each
	// side of the signal (1 for Codec1D, whose Conv1d has padding=1).
	EncoderPadding int
	// DecoderWeight is [Channels*Bands][LatentDim] and DecoderBias
	// [Channels*Bands]; set for LinearCodec2D only.
	DecoderWeight, DecoderBias []float32
	// HeavyDecoder reports that the checkpoint holds the diffusers decoder's
	// weights (decoder.1.*), which are not imported.
	HeavyDecoder bool
}

// Load reads a checkpoint and its config.
func Load(pthPath, configPath string) (*Model, error) {
	c, err := ReadConfig(configPath)
	if err != nil {
		return nil, err
	}
	ck, err := pth.ReadFile(pthPath)
	if err != nil {
		return nil, err
	}
	m, err := FromCheckpoint(c, ck)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pthPath, err)
	}
	return m, nil
}

func tensor(ck *pth.Checkpoint, name string, shape ...int) ([]float32, error) {
	t := ck.Tensor(name)
	if t == nil {
		return nil, errf("checkpoint lacks %q", name)
	}
	if len(t.Shape) != len(shape) {
		return nil, errf("%q has shape %v, want %v", name, t.Shape, shape)
	}
	for i := range shape {
		if t.Shape[i] != shape[i] {
			return nil, errf("%q has shape %v, want %v", name, t.Shape, shape)
		}
	}
	v, err := t.Float32()
	if err != nil {
		return nil, err
	}
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, errf("%q[%d] is %v", name, i, x)
		}
	}
	return v, nil
}

// FromCheckpoint checks a state dict against the config and takes its
// projection weights.
func FromCheckpoint(c *Config, ck *pth.Checkpoint) (*Model, error) {
	m := &Model{Config: c, Arch: c.Arch()}
	in := c.Channels * c.Bands()
	k := []int{c.LatentDim, in, 1, 1}
	if c.Dims() == 1 {
		k = k[:3]
		m.EncoderPadding = 1
	}
	var err error
	if m.EncoderWeight, err = tensor(ck, "encoder.0.weight", k...); err != nil {
		return nil, err
	}
	if m.EncoderBias, err = tensor(ck, "encoder.0.bias", c.LatentDim); err != nil {
		return nil, err
	}
	if m.Arch == LinearCodec2D {
		if m.DecoderWeight, err = tensor(ck, "decoder.1.weight", in, c.LatentDim, 1, 1); err != nil {
			return nil, err
		}
		if m.DecoderBias, err = tensor(ck, "decoder.1.bias", in); err != nil {
			return nil, err
		}
		return m, nil
	}
	for _, n := range ck.Names {
		if strings.HasPrefix(n, "decoder.1.") {
			m.HeavyDecoder = true
			break
		}
	}
	return m, nil
}
