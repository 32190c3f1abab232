// Command latentsize codes int8 latent .npy files two ways for comparison:
// as an edgerun bitstream and as a tiled PNG in the WaLLoC reference's
// layout (the input of bench/entropy_vs_webp.sh, which adds lossless WebP).
//
//	go run ./bench/latentsize -out DIR FILE.npy...
//
// For each file it writes DIR/NAME.ewlc and DIR/NAME.png and prints
// "NAME VALUES STREAM_BYTES PNG_BYTES COLORS". Shapes [1, C, h, w] and
// [C, h, w] are images, [1, C, n] and [C, n] are 1D latents (one row of n).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgerun/edgerun/codec"
	"github.com/edgerun/edgerun/internal/npy"
)

func main() {
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	for _, p := range flag.Args() {
		if err := one(p, *out); err != nil {
			fmt.Fprintln(os.Stderr, "latentsize:", err)
			os.Exit(1)
		}
	}
}

func one(path, dir string) error {
	a, err := npy.ReadFile(path)
	if err != nil {
		return err
	}
	lat, err := a.Int8()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	shape := a.Shape
	if len(shape) == 4 || (len(shape) == 3 && shape[0] == 1) {
		if shape[0] != 1 {
			return fmt.Errorf("%s: batch of %d; want one latent", path, shape[0])
		}
		shape = shape[1:]
	}
	h := &codec.Header{Config: codec.Config{Wavelet: "bior4.4", Levels: 3, Channels: 3, LatentBits: 8}}
	c, rows, width := shape[0], 1, 1
	switch len(shape) {
	case 2: // [C, n]
		h.Config.Dim, rows = 1, shape[1]
		h.Signal, h.Pad, h.Latent = []int{rows}, [][2]int{{0, 0}}, []int{rows}
	case 3: // [C, h, w]
		h.Config.Dim, rows, width = 2, shape[1], shape[2]
		h.Signal, h.Pad, h.Latent = []int{rows, width}, [][2]int{{0, 0}, {0, 0}}, []int{rows, width}
	default:
		return fmt.Errorf("%s: shape %v", path, a.Shape)
	}
	h.Config.LatentChannels = c
	var stream bytes.Buffer
	if err := codec.Encode(&stream, h, lat); err != nil {
		return err
	}
	// Tile as the reference does: RGB when the channels allow it, else
	// gray, padding with zero channels as its notebooks do.
	colors := 3
	if _, ok := codec.TileGrid(c, 3); !ok {
		if _, ok := codec.TileGrid(c, 1); ok {
			colors = 1
		}
	}
	tc := codec.TiledChannels(c, colors)
	padded := append(lat[:len(lat):len(lat)], make([]int8, (tc-c)*rows*width)...)
	ph, pw := rows, width
	if h.Config.Dim == 1 {
		ph, pw = 1, rows
	}
	var img bytes.Buffer
	if err := codec.WriteLatentPNG(&img, padded, tc, ph, pw, colors, 8); err != nil {
		return err
	}
	name := strings.TrimSuffix(filepath.Base(path), ".npy")
	if err := os.WriteFile(filepath.Join(dir, name+".ewlc"), stream.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), img.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s %d %d %d %d\n", name, len(lat), stream.Len(), img.Len(), colors)
	return nil
}
