package models

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ErrPGM is wrapped by every error about a malformed PGM image.
var ErrPGM = errors.New("models: malformed PGM image")

// MaxPGMPixels bounds the images ReadPGM accepts (a 4096x4096 frame).
const MaxPGMPixels = 1 << 24

// ReadPGM decodes a binary 8-bit PGM (P5, maxval 1..255) image and returns its
// width, height and row-major pixels. Maxvals below 255 are rescaled to 0..255.
func ReadPGM(r io.Reader) (w, h int, pix []byte, err error) {
	br := bufio.NewReader(r)
	magic := make([]byte, 2)
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != "P5" {
		return 0, 0, nil, fmt.Errorf("%w: not a binary PGM (P5)", ErrPGM)
	}
	var vals [3]int
	for i := range vals {
		v, err := pgmInt(br)
		if err != nil {
			return 0, 0, nil, err
		}
		vals[i] = v
	}
	w, h, maxval := vals[0], vals[1], vals[2]
	if w < 1 || h < 1 || w > MaxPGMPixels || h > MaxPGMPixels/w {
		return 0, 0, nil, fmt.Errorf("%w: size %dx%d (at most %d pixels)", ErrPGM, w, h, MaxPGMPixels)
	}
	if maxval < 1 || maxval > 255 {
		return 0, 0, nil, fmt.Errorf("%w: maxval %d (only 8-bit images)", ErrPGM, maxval)
	}
	pix = make([]byte, w*h)
	if _, err := io.ReadFull(br, pix); err != nil {
		return 0, 0, nil, fmt.Errorf("%w: pixel data: %v", ErrPGM, err)
	}
	if maxval != 255 {
		for i, p := range pix {
			if int(p) > maxval {
				return 0, 0, nil, fmt.Errorf("%w: pixel %d above maxval %d", ErrPGM, p, maxval)
			}
			pix[i] = byte((int(p)*255 + maxval/2) / maxval)
		}
	}
	return w, h, pix, nil
}

// pgmInt reads one header number: whitespace and # comments before it, one
// whitespace byte after it.
func pgmInt(br *bufio.Reader) (int, error) {
	var digits []byte
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0, fmt.Errorf("%w: header: %v", ErrPGM, err)
		}
		switch {
		case c == '#' && len(digits) == 0:
			for c != '\n' {
				if c, err = br.ReadByte(); err != nil {
					return 0, fmt.Errorf("%w: header comment: %v", ErrPGM, err)
				}
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if len(digits) > 0 {
				v, err := strconv.Atoi(string(digits))
				if err != nil {
					return 0, fmt.Errorf("%w: header number %q", ErrPGM, digits)
				}
				return v, nil
			}
		case c >= '0' && c <= '9' && len(digits) < 9:
			digits = append(digits, c)
		default:
			return 0, fmt.Errorf("%w: header byte %q", ErrPGM, c)
		}
	}
}
