package codec

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
)

// Latents as tiled images, the layout of the WaLLoC reference's
// latent_to_pil / pil_to_latent, so latents move between edgerun and the
// reference's tooling as ordinary PNG files.
//
// A latent of N channels, each h × w, is drawn with `colors` colour planes
// (1 gray, 3 RGB, 4 RGBA) as an n×n grid of tiles, N = colors·n²: latent
// channel c·n² + i·n + j is colour plane c of the tile in grid row i,
// column j, so the image is (n·h) × (n·w). Each value v is stored as the
// byte v + 2^(bits-1). A 1D latent [N, len] is the case h = 1.
//
// The reference names its 4-plane mode CMYK, which PNG cannot hold; here
// the fourth plane is PNG's alpha channel, with the same bytes.

// ErrLatentPNG is wrapped by every error about a latent image that does
// not fit the expected layout.
var ErrLatentPNG = errors.New("codec: bad latent image")

// DefaultMaxPixels bounds the images ReadLatentPNG accepts when its caller
// passes 0: 64 Mi pixels.
const DefaultMaxPixels = 1 << 26

// TileGrid returns n with channels = colors·n², or false if there is none.
func TileGrid(channels, colors int) (int, bool) {
	if colors < 1 || channels < colors || channels%colors != 0 {
		return 0, false
	}
	q := channels / colors
	n := 1
	for n*n < q {
		n++
	}
	return n, n*n == q
}

// TiledChannels is the smallest channel count of the form colors·n² that
// holds channels; the reference pads a latent with zero channels up to it
// (12 channels tile as gray only after padding to 16).
func TiledChannels(channels, colors int) int {
	n := 1
	for colors*n*n < channels {
		n++
	}
	return colors * n * n
}

func pngArgs(channels, height, width, colors, bits int) (int, error) {
	if colors != 1 && colors != 3 && colors != 4 {
		return 0, fmt.Errorf("%w: %d colour planes, want 1, 3 or 4", ErrLatentPNG, colors)
	}
	if bits < 2 || bits > 8 {
		return 0, fmt.Errorf("%w: %d latent bits", ErrLatentPNG, bits)
	}
	n, ok := TileGrid(channels, colors)
	if !ok {
		return 0, fmt.Errorf("%w: %d channels are not %d·n² (pad to %d)", ErrLatentPNG, channels, colors, TiledChannels(channels, colors))
	}
	if height < 1 || width < 1 || height > maxDim/n || width > maxDim/n {
		return 0, fmt.Errorf("%w: tiles of %d × %d", ErrLatentPNG, height, width)
	}
	return n, nil
}

// WriteLatentPNG writes lat, channel-major [channels, height, width], as a
// tiled PNG with colors planes. Every value must fit in bits bits.
func WriteLatentPNG(w io.Writer, lat []int8, channels, height, width, colors, bits int) error {
	n, err := pngArgs(channels, height, width, colors, bits)
	if err != nil {
		return err
	}
	if len(lat) != channels*height*width {
		return fmt.Errorf("%w: %d values for %d × %d × %d", ErrLatentPNG, len(lat), channels, height, width)
	}
	off := 1 << (bits - 1)
	for i, v := range lat {
		if int(v) < -off || int(v) >= off {
			return fmt.Errorf("%w: value %d at %d outside %d bits", ErrLatentPNG, v, i, bits)
		}
	}
	H, W := n*height, n*width
	var img image.Image
	var pix []byte
	stride := colors
	switch colors {
	case 1:
		g := image.NewGray(image.Rect(0, 0, W, H))
		img, pix = g, g.Pix
	case 3:
		// Opaque RGBA: the PNG encoder writes it as 8-bit RGB.
		m := image.NewRGBA(image.Rect(0, 0, W, H))
		for k := 3; k < len(m.Pix); k += 4 {
			m.Pix[k] = 0xff
		}
		img, pix, stride = m, m.Pix, 4
	case 4:
		m := image.NewNRGBA(image.Rect(0, 0, W, H))
		img, pix = m, m.Pix
	}
	for c := 0; c < colors; c++ {
		for ti := 0; ti < n; ti++ {
			for tj := 0; tj < n; tj++ {
				ch := (c*n+ti)*n + tj
				src := lat[ch*height*width : (ch+1)*height*width]
				for y := 0; y < height; y++ {
					row := ((ti*height+y)*W + tj*width) * stride
					for x := 0; x < width; x++ {
						pix[row+x*stride+c] = byte(int(src[y*width+x]) + off)
					}
				}
			}
		}
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	return enc.Encode(w, img)
}

// ReadLatentPNG reads a tiled latent image of channels channels in colors
// planes (the N and C of the reference's pil_to_latent) and returns the
// latent, channel-major [channels, height, width]. The image size is
// checked against maxPixels (0: DefaultMaxPixels) before pixels are
// allocated.
func ReadLatentPNG(r io.Reader, channels, colors, bits, maxPixels int) (lat []int8, height, width int, err error) {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	n, err := pngArgs(channels, 1, 1, colors, bits)
	if err != nil {
		return nil, 0, 0, err
	}
	// Read the header chunks once for the size, then decode from the
	// bytes already read followed by the rest of r.
	var head bytes.Buffer
	cfg, err := png.DecodeConfig(io.TeeReader(r, &head))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %v", ErrLatentPNG, err)
	}
	W, H := cfg.Width, cfg.Height
	if W < 1 || H < 1 || W > maxDim || H > maxDim || int64(W)*int64(H) > int64(maxPixels) {
		return nil, 0, 0, fmt.Errorf("%w: image of %d × %d pixels exceeds %d", ErrLatentPNG, W, H, maxPixels)
	}
	if W%n != 0 || H%n != 0 {
		return nil, 0, 0, fmt.Errorf("%w: %d × %d image does not split into %d × %d tiles", ErrLatentPNG, W, H, n, n)
	}
	img, err := png.Decode(io.MultiReader(&head, r))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %v", ErrLatentPNG, err)
	}
	var pix []byte
	var stride, rowBytes int
	switch m := img.(type) {
	case *image.Gray:
		if colors != 1 {
			return nil, 0, 0, fmt.Errorf("%w: grayscale image for %d colour planes", ErrLatentPNG, colors)
		}
		pix, stride, rowBytes = m.Pix, 1, m.Stride
	case *image.RGBA: // 8-bit RGB without alpha: every alpha is 0xff
		if colors == 1 {
			return nil, 0, 0, fmt.Errorf("%w: colour image for 1 plane", ErrLatentPNG)
		}
		pix, stride, rowBytes = m.Pix, 4, m.Stride
	case *image.NRGBA:
		if colors == 1 {
			return nil, 0, 0, fmt.Errorf("%w: colour image for 1 plane", ErrLatentPNG)
		}
		if colors == 3 {
			for k := 3; k < len(m.Pix); k += 4 {
				if m.Pix[k] != 0xff {
					return nil, 0, 0, fmt.Errorf("%w: image has an alpha channel; latent has 3 planes", ErrLatentPNG)
				}
			}
		}
		pix, stride, rowBytes = m.Pix, 4, m.Stride
	default:
		return nil, 0, 0, fmt.Errorf("%w: %T is not an 8-bit gray, RGB or RGBA image", ErrLatentPNG, img)
	}
	height, width = H/n, W/n
	lat = make([]int8, channels*height*width)
	off := 1 << (bits - 1)
	for c := 0; c < colors; c++ {
		for ti := 0; ti < n; ti++ {
			for tj := 0; tj < n; tj++ {
				ch := (c*n+ti)*n + tj
				dst := lat[ch*height*width : (ch+1)*height*width]
				for y := 0; y < height; y++ {
					row := (ti*height+y)*rowBytes + tj*width*stride
					for x := 0; x < width; x++ {
						v := int(pix[row+x*stride+c]) - off
						if v >= off {
							return nil, 0, 0, fmt.Errorf("%w: byte %d at (%d, %d) plane %d exceeds %d bits", ErrLatentPNG, v+off, tj*width+x, ti*height+y, c, bits)
						}
						dst[y*width+x] = int8(v)
					}
				}
			}
		}
	}
	return lat, height, width, nil
}
