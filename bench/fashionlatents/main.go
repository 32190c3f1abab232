// Command fashionlatents writes the default codec's int8 latents of
// Fashion-MNIST test images as .npy files for bench/entropy_vs_webp.sh:
// each file holds a grid of images' [8,4,4] latents side by side,
// [8, 4·rows, 4·cols], the way a sensor would send a burst of frames.
//
//	go run ./bench/fashionlatents -out DIR [-files 4] [-grid 16]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/edgerun/edgerun/internal/npy"
	"github.com/edgerun/edgerun/models"
	"github.com/edgerun/edgerun/models/idx"
)

func main() {
	out := flag.String("out", "", "output directory")
	files := flag.Int("files", 4, "number of .npy files")
	grid := flag.Int("grid", 16, "images per side of each file's grid")
	data := flag.String("data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST directory")
	flag.Parse()
	if err := run(*out, *data, *files, *grid); err != nil {
		fmt.Fprintln(os.Stderr, "fashionlatents:", err)
		os.Exit(1)
	}
}

func run(out, data string, files, grid int) error {
	if out == "" || files < 1 || grid < 1 {
		return fmt.Errorf("need -out, -files ≥ 1 and -grid ≥ 1")
	}
	d, err := idx.LoadDataset(filepath.Join(data, "t10k-images-idx3-ubyte.gz"), filepath.Join(data, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		return err
	}
	if files*grid*grid > d.N {
		return fmt.Errorf("%d images asked, the test set has %d", files*grid*grid, d.N)
	}
	m, err := models.OpenDefault()
	if err != nil {
		return err
	}
	defer m.Close()
	s, err := m.NewSession()
	if err != nil {
		return err
	}
	defer s.Close()
	img, lat := s.InputByName("image").U8(), s.OutputByName("codec.latent").S8()
	const c, h, w = 8, 4, 4
	H, W := grid*h, grid*w
	for f := 0; f < files; f++ {
		buf := make([]int8, c*H*W)
		for k := 0; k < grid*grid; k++ {
			i := f*grid*grid + k
			copy(img, d.Images[i*784:(i+1)*784])
			if err := s.Run(context.Background()); err != nil {
				return err
			}
			gy, gx := k/grid, k%grid
			for ch := 0; ch < c; ch++ {
				for y := 0; y < h; y++ {
					copy(buf[ch*H*W+(gy*h+y)*W+gx*w:], lat[ch*h*w+y*w:ch*h*w+(y+1)*w])
				}
			}
		}
		fh, err := os.Create(filepath.Join(out, fmt.Sprintf("fashion_%02d.npy", f)))
		if err != nil {
			return err
		}
		err = npy.Write(fh, npy.FromInt8(buf, 1, c, H, W))
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
