package codec

import (
	"bytes"
	"fmt"
	"image/png"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLatentPNGReference reads PNGs written in the reference's layout by
// testdata/latentpng/gen.py and writes them back.
func TestLatentPNGReference(t *testing.T) {
	golden := map[string]goldenLatent{}
	for _, g := range loadGolden(t) {
		golden[g.name] = g
	}
	for _, tc := range []struct {
		name   string
		colors int
	}{{"rgb16x", 3}, {"linear4x", 3}, {"stereo", 1}, {"stereo", 4}} {
		g := golden[tc.name+"_latent.npy"]
		h, w := g.frames, g.width
		if g.dim == 1 {
			h, w = 1, g.frames
		}
		raw, err := os.ReadFile(fmt.Sprintf("testdata/latentpng/%s_%d.png", tc.name, tc.colors))
		require.NoError(t, err)
		lat, gh, gw, err := ReadLatentPNG(bytes.NewReader(raw), g.c, tc.colors, 8, 0)
		require.NoError(t, err, tc.name)
		require.Equal(t, h, gh)
		require.Equal(t, w, gw)
		require.Equal(t, g.data, lat, "%s in %d planes", tc.name, tc.colors)

		// Ours decodes to the same pixels as the reference's file.
		var b bytes.Buffer
		require.NoError(t, WriteLatentPNG(&b, g.data, g.c, h, w, tc.colors, 8))
		ref, err := png.Decode(bytes.NewReader(raw))
		require.NoError(t, err)
		got, err := png.Decode(bytes.NewReader(b.Bytes()))
		require.NoError(t, err)
		require.Equal(t, ref.Bounds(), got.Bounds())
		for y := 0; y < ref.Bounds().Dy(); y++ {
			for x := 0; x < ref.Bounds().Dx(); x++ {
				r1, g1, b1, a1 := ref.At(x, y).RGBA()
				r2, g2, b2, a2 := got.At(x, y).RGBA()
				require.Equal(t, [4]uint32{r1, g1, b1, a1}, [4]uint32{r2, g2, b2, a2}, "pixel %d,%d", x, y)
			}
		}
	}
}

func TestLatentPNGRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for it := 0; it < 60; it++ {
		colors := []int{1, 3, 4}[r.IntN(3)]
		n := 1 + r.IntN(4)
		c := colors * n * n
		h, w := 1+r.IntN(9), 1+r.IntN(9)
		bits := 2 + r.IntN(7)
		lat := make([]int8, c*h*w)
		for i := range lat {
			lat[i] = int8(r.IntN(1<<bits) - 1<<(bits-1))
		}
		if it%7 == 0 && colors == 4 {
			// A constant fourth plane of 255s: PNG may drop alpha; the
			// reader still finds it.
			for i := 3 * n * n * h * w; i < len(lat); i++ {
				lat[i] = int8(1<<(bits-1) - 1)
			}
		}
		var b bytes.Buffer
		require.NoError(t, WriteLatentPNG(&b, lat, c, h, w, colors, bits))
		got, gh, gw, err := ReadLatentPNG(&b, c, colors, bits, 0)
		require.NoError(t, err)
		require.Equal(t, []int{h, w}, []int{gh, gw})
		require.Equal(t, lat, got)
	}
}

func TestLatentPNGRejects(t *testing.T) {
	lat := make([]int8, 12*2*2)
	var b bytes.Buffer
	require.ErrorIs(t, WriteLatentPNG(&b, lat, 12, 2, 2, 1, 8), ErrLatentPNG, "12 is not 1·n²")
	require.Equal(t, 16, TiledChannels(12, 1))
	require.Equal(t, 12, TiledChannels(12, 3))
	require.ErrorIs(t, WriteLatentPNG(&b, lat, 12, 2, 2, 2, 8), ErrLatentPNG)
	lat[5] = 100
	require.ErrorIs(t, WriteLatentPNG(&b, lat, 12, 2, 2, 3, 4), ErrLatentPNG, "100 needs 8 bits")
	lat[5] = 0
	require.NoError(t, WriteLatentPNG(&b, lat, 12, 2, 2, 3, 8))
	img := b.Bytes()
	_, _, _, err := ReadLatentPNG(bytes.NewReader(img), 12, 1, 8, 0)
	require.ErrorIs(t, err, ErrLatentPNG, "colour image as gray")
	_, _, _, err = ReadLatentPNG(bytes.NewReader(img), 48, 3, 8, 0)
	require.NoError(t, err, "a 4×4 image is also 4×4 tiles of 1×1 for 48 channels")
	_, _, _, err = ReadLatentPNG(bytes.NewReader(img), 27, 3, 8, 0)
	require.ErrorIs(t, err, ErrLatentPNG, "a 4×4 image does not split into 3×3 tiles")
	_, _, _, err = ReadLatentPNG(bytes.NewReader(img), 12, 3, 8, 15)
	require.ErrorIs(t, err, ErrLatentPNG, "over the pixel limit")
	_, _, _, err = ReadLatentPNG(bytes.NewReader(img[:40]), 12, 3, 8, 0)
	require.ErrorIs(t, err, ErrLatentPNG, "truncated")
	// 8-bit bytes do not fit 4-bit latents.
	lat[0] = 100
	b.Reset()
	require.NoError(t, WriteLatentPNG(&b, lat, 12, 2, 2, 3, 8))
	_, _, _, err = ReadLatentPNG(&b, 12, 3, 4, 0)
	require.ErrorIs(t, err, ErrLatentPNG)
}

// TestLatentPNGHugeHeader: an IHDR claiming 10000 × 10000 pixels is
// refused from the header alone, before pixels are allocated.
func TestLatentPNGHugeHeader(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteLatentPNG(&b, make([]int8, 4), 1, 2, 2, 1, 8))
	raw := bytes.Clone(b.Bytes())
	// IHDR data starts at byte 16: width, height big-endian; fix the CRC.
	// 10000 × 10000: over the limit passed below, yet small enough that
	// 32-bit builds of image/png do not stop first with their own overflow.
	copy(raw[16:], []byte{0, 0, 0x27, 0x10, 0, 0, 0x27, 0x10})
	fixPNGCRC(raw, 12, 17)
	_, _, _, err := ReadLatentPNG(bytes.NewReader(raw), 1, 1, 8, 1<<20)
	require.ErrorIs(t, err, ErrLatentPNG)
	require.Contains(t, err.Error(), "exceeds")
}
