package codec

import (
	"errors"
	"fmt"
)

// Config describes one WaLLoC-style codec: the wavelet packet transform in
// front of the learned projection and the latent it produces. It is what a
// model's JSON configuration states and what a bitstream records, so a
// decoder can refuse a stream made by a different codec.
type Config struct {
	// Dim is 1 for signals such as audio and sensor series (latents
	// [LatentChannels, n]) and 2 for images (latents [LatentChannels, h, w]).
	Dim int
	// Wavelet names the filter bank, e.g. "bior4.4", "haar", "cdf53".
	Wavelet string
	// Levels is J, the number of wavelet packet levels; the transform
	// divides each spatial axis by 2^J.
	Levels int
	// Channels is the number of input channels (3 for RGB, 2 for stereo).
	Channels int
	// LatentChannels is the number of channels after the 1x1 projection.
	LatentChannels int
	// LatentBits is the companding precision, 2..8: latent values lie in
	// [-2^(b-1), 2^(b-1)-1] and are stored as int8.
	LatentBits int
}

// Bounds that Validate enforces. They keep every derived size (wavelet
// channels Channels·2^(Dim·Levels), name lengths in the stream header)
// far from overflow on 32-bit targets.
const (
	MaxLevels         = 8
	MaxChannels       = 1 << 10
	MaxLatentChannels = 1 << 12
	MaxWaveletName    = 32
)

// ErrConfig is wrapped by every error Validate returns.
var ErrConfig = errors.New("codec: invalid configuration")

// Validate reports the first field of c that is out of range.
func (c *Config) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, a...))
	}
	switch {
	case c.Dim != 1 && c.Dim != 2:
		return bad("Dim is %d, want 1 or 2", c.Dim)
	case c.Wavelet == "":
		return bad("Wavelet is empty")
	case len(c.Wavelet) > MaxWaveletName:
		return bad("Wavelet name of %d bytes exceeds %d", len(c.Wavelet), MaxWaveletName)
	case c.Levels < 1 || c.Levels > MaxLevels:
		return bad("Levels is %d, want 1..%d", c.Levels, MaxLevels)
	case c.Channels < 1 || c.Channels > MaxChannels:
		return bad("Channels is %d, want 1..%d", c.Channels, MaxChannels)
	case c.LatentChannels < 1 || c.LatentChannels > MaxLatentChannels:
		return bad("LatentChannels is %d, want 1..%d", c.LatentChannels, MaxLatentChannels)
	case c.LatentBits < 2 || c.LatentBits > 8:
		return bad("LatentBits is %d, want 2..8", c.LatentBits)
	}
	for i := 0; i < len(c.Wavelet); i++ {
		if b := c.Wavelet[i]; b < 0x21 || b > 0x7e {
			return bad("Wavelet name %q has a byte outside printable ASCII", c.Wavelet)
		}
	}
	return nil
}

// WaveletChannels is the number of channels after the packet transform:
// Channels·2^(Dim·Levels), the input of the 1x1 projection.
func (c *Config) WaveletChannels() int {
	return c.Channels << (c.Dim * c.Levels)
}

// Factor is the decimation of each spatial axis, 2^Levels.
func (c *Config) Factor() int { return 1 << c.Levels }

// LatentRange returns the smallest and largest latent value LatentBits
// allows.
func (c *Config) LatentRange() (lo, hi int) {
	return -(1 << (c.LatentBits - 1)), 1<<(c.LatentBits-1) - 1
}
