// Package signal reads the raw signals sensors produce — images (PGM, PNG,
// JPEG) and audio (WAV) — into planar samples for the codec and models.
//
// Every reader treats its input as hostile: sizes are checked against
// Limits before anything is allocated, and every error says what is wrong.
package signal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // JPEG from cameras
	_ "image/png"  // PNG, the interchange format of the reference tools
	"io"
	"strconv"
)

// ErrFormat is wrapped by every error about malformed input.
var ErrFormat = errors.New("signal: malformed input")

// ErrTooLarge is wrapped when input declares more than the limits allow.
var ErrTooLarge = errors.New("signal: input exceeds limits")

// Limits bound what a reader accepts.
type Limits struct {
	MaxPixels  int // width × height, default 64 Mpixel
	MaxSamples int // frames × channels for audio, default 256 M
}

func (l Limits) pixels() int {
	if l.MaxPixels > 0 {
		return l.MaxPixels
	}
	return 64 << 20
}

func (l Limits) samples() int {
	if l.MaxSamples > 0 {
		return l.MaxSamples
	}
	return 256 << 20
}

// Image is an 8-bit image in planar layout: Pix[c*H*W + y*W + x], the
// layout (C, H, W) models consume.
type Image struct {
	W, H, C int
	Pix     []uint8
}

// ReadImage decodes a PGM (P2/P5), PPM (P3/P6), PNG or JPEG image. Gray
// images have one channel, colour images three (alpha is dropped).
func ReadImage(r io.Reader, lim Limits) (*Image, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 'P' && head[1] >= '2' && head[1] <= '6' && head[1] != '4' {
		return readPNM(br, lim)
	}
	// Read the header first so a 100000×100000 PNG is refused before its
	// pixels are allocated.
	var buf bytes.Buffer
	cfg, format, err := image.DecodeConfig(io.TeeReader(br, &buf))
	if err != nil {
		return nil, fmt.Errorf("%w: not a PNG, JPEG or PGM image: %v", ErrFormat, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: %s of %d×%d pixels", ErrFormat, format, cfg.Width, cfg.Height)
	}
	if cfg.Width > lim.pixels()/cfg.Height {
		return nil, fmt.Errorf("%w: %s of %d×%d pixels (limit %d)", ErrTooLarge, format, cfg.Width, cfg.Height, lim.pixels())
	}
	img, _, err := image.Decode(io.MultiReader(&buf, br))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFormat, format, err)
	}
	return fromImage(img), nil
}

func isGray(m color.Model) bool { return m == color.GrayModel || m == color.Gray16Model }

func fromImage(img image.Image) *Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	c := 3
	if isGray(img.ColorModel()) {
		c = 1
	}
	out := &Image{W: w, H: h, C: c, Pix: make([]uint8, w*h*c)}
	plane := w * h
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(out.Pix[y*w:(y+1)*w], m.Pix[y*m.Stride:y*m.Stride+w])
		}
		return out
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				out.Pix[y*w+x] = row[4*x]
				out.Pix[plane+y*w+x] = row[4*x+1]
				out.Pix[2*plane+y*w+x] = row[4*x+2]
			}
		}
		return out
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			px := img.At(b.Min.X+x, b.Min.Y+y)
			if c == 1 {
				g := color.GrayModel.Convert(px).(color.Gray)
				out.Pix[y*w+x] = g.Y
				continue
			}
			// Non-premultiplied 8-bit values, as image tools store them.
			n := color.NRGBAModel.Convert(px).(color.NRGBA)
			out.Pix[y*w+x] = n.R
			out.Pix[plane+y*w+x] = n.G
			out.Pix[2*plane+y*w+x] = n.B
		}
	}
	return out
}

// readPNM reads binary and ASCII PGM/PPM with maxval ≤ 255 (or ≤ 65535,
// scaled to 8 bits).
func readPNM(r *bufio.Reader, lim Limits) (*Image, error) {
	var magic [2]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("%w: PNM magic: %v", ErrFormat, err)
	}
	kind := magic[1]
	var hdr [3]int
	for i := range hdr {
		v, err := pnmInt(r)
		if err != nil {
			return nil, fmt.Errorf("%w: PNM header: %v", ErrFormat, err)
		}
		hdr[i] = v
	}
	w, h, maxv := hdr[0], hdr[1], hdr[2]
	if w <= 0 || h <= 0 || maxv <= 0 || maxv > 65535 {
		return nil, fmt.Errorf("%w: PNM of %d×%d, maxval %d", ErrFormat, w, h, maxv)
	}
	c := 1
	if kind == '3' || kind == '6' {
		c = 3
	}
	if w > lim.pixels()/h {
		return nil, fmt.Errorf("%w: PNM of %d×%d pixels (limit %d)", ErrTooLarge, w, h, lim.pixels())
	}
	n := w * h * c
	out := &Image{W: w, H: h, C: c, Pix: make([]uint8, n)}
	val := func(v int) uint8 { return uint8((v*255 + maxv/2) / maxv) }
	plane := w * h
	put := func(i, v int) { // i indexes interleaved samples
		p, ch := i/c, i%c
		out.Pix[ch*plane+p] = val(v)
	}
	switch kind {
	case '5', '6':
		bps := 1
		if maxv > 255 {
			bps = 2
		}
		raw := make([]byte, n*bps)
		if _, err := io.ReadFull(r, raw); err != nil {
			return nil, fmt.Errorf("%w: PNM pixels truncated (want %d bytes): %v", ErrFormat, len(raw), err)
		}
		for i := 0; i < n; i++ {
			v := int(raw[i*bps])
			if bps == 2 {
				v = v<<8 | int(raw[i*bps+1])
			}
			if v > maxv {
				return nil, fmt.Errorf("%w: PNM sample %d above maxval %d", ErrFormat, v, maxv)
			}
			put(i, v)
		}
	default:
		for i := 0; i < n; i++ {
			v, err := pnmInt(r)
			if err != nil {
				return nil, fmt.Errorf("%w: PNM sample %d: %v", ErrFormat, i, err)
			}
			if v > maxv {
				return nil, fmt.Errorf("%w: PNM sample %d above maxval %d", ErrFormat, v, maxv)
			}
			put(i, v)
		}
	}
	return out, nil
}

// pnmInt reads one decimal header field, skipping whitespace and comments,
// and consumes the single whitespace byte after it.
func pnmInt(r *bufio.Reader) (int, error) {
	var digits []byte
	for {
		b, err := r.ReadByte()
		if err != nil {
			if len(digits) > 0 && err == io.EOF {
				break
			}
			return 0, err
		}
		switch {
		case b == '#' && len(digits) == 0:
			if _, err := r.ReadSlice('\n'); err != nil && err != bufio.ErrBufferFull {
				return 0, err
			}
		case b == ' ' || b == '\t' || b == '\n' || b == '\r':
			if len(digits) > 0 {
				return strconv.Atoi(string(digits))
			}
		case b >= '0' && b <= '9':
			if len(digits) >= 9 {
				return 0, fmt.Errorf("number too long")
			}
			digits = append(digits, b)
		default:
			return 0, fmt.Errorf("unexpected byte %q", b)
		}
	}
	return strconv.Atoi(string(digits))
}

// WritePGM writes a one-channel image as binary PGM, or a three-channel one
// as PPM.
func WritePGM(w io.Writer, img *Image) error {
	if img.C != 1 && img.C != 3 {
		return fmt.Errorf("signal: PNM holds 1 or 3 channels, not %d", img.C)
	}
	if len(img.Pix) != img.W*img.H*img.C {
		return fmt.Errorf("signal: %d pixels for %d×%d×%d", len(img.Pix), img.W, img.H, img.C)
	}
	kind := 5
	if img.C == 3 {
		kind = 6
	}
	if _, err := fmt.Fprintf(w, "P%d\n%d %d\n255\n", kind, img.W, img.H); err != nil {
		return err
	}
	plane := img.W * img.H
	out := make([]byte, len(img.Pix))
	for p := 0; p < plane; p++ {
		for c := 0; c < img.C; c++ {
			out[p*img.C+c] = img.Pix[c*plane+p]
		}
	}
	_, err := w.Write(out)
	return err
}
