package codec

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// benchCases are latents by class: the golden ones (small) and larger
// synthetic ones shaped like a 1024×1536 image through RGB_16x and like
// 17 s of stereo audio through stereo_5x.
func benchCases(b *testing.B) []struct {
	name string
	h    *Header
	lat  []int8
} {
	var out []struct {
		name string
		h    *Header
		lat  []int8
	}
	for _, g := range loadGolden(b) {
		out = append(out, struct {
			name string
			h    *Header
			lat  []int8
		}{g.name[:len(g.name)-len("_latent.npy")], goldenHeader(g, 0), g.data})
	}
	r := rand.New(rand.NewPCG(13, 14))
	img := &Header{Config: Config{Dim: 2, Wavelet: "bior4.4", Levels: 3, Channels: 3, LatentChannels: 12, LatentBits: 8},
		Signal: []int{1024, 1536}, Pad: [][2]int{{0, 0}, {0, 0}}, Latent: []int{128, 192}}
	out = append(out, struct {
		name string
		h    *Header
		lat  []int8
	}{"image12x128x192", img, randomLatent(r, 12*128*192)})
	aud := &Header{Config: Config{Dim: 1, Wavelet: "bior4.4", Levels: 5, Channels: 2, LatentChannels: 16, LatentBits: 8},
		Signal: []int{1 << 21}, Pad: [][2]int{{0, 0}}, Latent: []int{1 << 16}}
	out = append(out, struct {
		name string
		h    *Header
		lat  []int8
	}{"audio16x65536", aud, randomLatent(r, 16<<16)})
	return out
}

func BenchmarkEncode(b *testing.B) {
	for _, bc := range benchCases(b) {
		b.Run(bc.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.SetBytes(int64(len(bc.lat)))
			b.ReportAllocs()
			cpu0 := cpuSeconds()
			for b.Loop() {
				buf.Reset()
				if err := Encode(&buf, bc.h, bc.lat); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu0, len(bc.lat))
			b.ReportMetric(8*float64(buf.Len())/float64(len(bc.lat)), "bits/value")
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, bc := range benchCases(b) {
		b.Run(bc.name, func(b *testing.B) {
			var buf bytes.Buffer
			if err := Encode(&buf, bc.h, bc.lat); err != nil {
				b.Fatal(err)
			}
			data := buf.Bytes()
			b.SetBytes(int64(len(bc.lat)))
			b.ReportAllocs()
			cpu0 := cpuSeconds()
			for b.Loop() {
				d, err := NewDecoder(bytes.NewReader(data), nil)
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := d.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
			reportCPU(b, cpu0, len(bc.lat))
		})
	}
}

// reportCPU adds throughput per CPU second since cpu0 ("cpu-MB/s").
func reportCPU(b *testing.B, cpu0 float64, bytesPerOp int) {
	if d := cpuSeconds() - cpu0; d > 0 && cpu0 > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/d/1e6, "cpu-MB/s")
	}
}
