package signal

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func open(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/signal/" + name)
	require.NoError(t, err)
	return b
}

// The expected values were printed by Python (wave, PIL, skimage) when the
// files were cut from Debian's alsa-utils speech and skimage images.
func TestRealWAV(t *testing.T) {
	a, err := ReadWAV(bytes.NewReader(open(t, "speech_48k_mono.wav")), Limits{})
	require.NoError(t, err)
	require.Equal(t, 48000, a.Rate)
	require.Len(t, a.Samples, 1)
	s := a.Samples[0]
	require.Len(t, s, 8000)
	var sum, sumsq int64
	lo, hi := int64(0), int64(0)
	for _, v := range s {
		i := int64(v * 32768)
		require.Equal(t, float32(i)/32768, v, "16-bit samples are exact in float32")
		sum += i
		sumsq += i * i
		lo, hi = min(lo, i), max(hi, i)
	}
	require.Equal(t, int64(179445), sum)
	require.Equal(t, int64(148970713), sumsq)
	require.Equal(t, []float32{538. / 32768, 820. / 32768, 768. / 32768, 417. / 32768}, s[:4])
	require.Equal(t, int64(1161), hi)
	require.Equal(t, int64(-919), lo)
}

func TestRealPNG(t *testing.T) {
	img, err := ReadImage(bytes.NewReader(open(t, "camera_crop.png")), Limits{})
	require.NoError(t, err)
	require.Equal(t, 80, img.W)
	require.Equal(t, 64, img.H)
	require.Equal(t, 1, img.C)
	var sum int
	for _, p := range img.Pix {
		sum += int(p)
	}
	require.Equal(t, 272178, sum)
	require.Equal(t, []uint8{47, 46, 44, 41}, img.Pix[:4])
}

func TestRealJPEG(t *testing.T) {
	img, err := ReadImage(bytes.NewReader(open(t, "astronaut_crop.jpg")), Limits{})
	require.NoError(t, err)
	require.Equal(t, [3]int{64, 48, 3}, [3]int{img.W, img.H, img.C})
	// libjpeg (PIL) and Go's decoder may differ by a level here and there
	// in IDCT rounding and chroma upsampling: compare channel means.
	want := []int{632486, 527496, 455282}
	plane := img.W * img.H
	for c := 0; c < 3; c++ {
		var sum int
		for _, p := range img.Pix[c*plane : (c+1)*plane] {
			sum += int(p)
		}
		require.InDelta(t, float64(want[c])/float64(plane), float64(sum)/float64(plane), 1.0, "channel %d mean", c)
	}
}

func TestPNMRoundTrip(t *testing.T) {
	for _, c := range []int{1, 3} {
		img := &Image{W: 5, H: 3, C: c, Pix: make([]uint8, 15*c)}
		for i := range img.Pix {
			img.Pix[i] = uint8(i * 17)
		}
		var buf bytes.Buffer
		require.NoError(t, WritePGM(&buf, img))
		got, err := ReadImage(&buf, Limits{})
		require.NoError(t, err)
		require.Equal(t, img, got)
	}
	// ASCII with comments and a 16-bit maxval.
	got, err := ReadImage(bytes.NewReader([]byte("P2\n# a comment\n2 1\n# another\n65535\n0 65535\n")), Limits{})
	require.NoError(t, err)
	require.Equal(t, []uint8{0, 255}, got.Pix)
}

func TestPNGColourPlanar(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	src.Pix = []uint8{10, 20, 30, 255, 40, 50, 60, 255}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, src))
	img, err := ReadImage(&buf, Limits{})
	require.NoError(t, err)
	require.Equal(t, []uint8{10, 40, 20, 50, 30, 60}, img.Pix, "planar: R plane, G plane, B plane")
}

func TestImageHostile(t *testing.T) {
	big := image.NewGray(image.Rect(0, 0, 300, 300))
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, big))
	_, err := ReadImage(bytes.NewReader(buf.Bytes()), Limits{MaxPixels: 1000})
	require.ErrorIs(t, err, ErrTooLarge)
	for name, in := range map[string]string{
		"garbage":          "hello world",
		"PNM huge":         "P5\n100000 100000\n255\n",
		"PNM truncated":    "P5\n4 4\n255\nabc",
		"PNM bad maxval":   "P5\n1 1\n0\nx",
		"PNM sample > max": "P2\n1 1\n10\n11\n",
		"PNM bad header":   "P5\n4 x\n255\n",
		"PNG truncated":    string(buf.Bytes()[:60]),
	} {
		_, err := ReadImage(bytes.NewReader([]byte(in)), Limits{MaxPixels: 1 << 20})
		require.Error(t, err, name)
		require.True(t, errors.Is(err, ErrFormat) || errors.Is(err, ErrTooLarge), "%s: %v", name, err)
	}
}

func TestWAVRoundTripAndStreaming(t *testing.T) {
	// A pipe (no Seek): sizes stay "unknown" and the reader streams to EOF.
	src := [][]float32{make([]float32, 1000), make([]float32, 1000)}
	for i := range src[0] {
		src[0][i] = float32(math.Sin(float64(i)/10)) * 0.9
		src[1][i] = float32(i%200-100) / 128
	}
	var pipe bytes.Buffer
	w, err := NewWAVWriter(struct{ io.Writer }{&pipe}, 16000, 2)
	require.NoError(t, err)
	require.NoError(t, w.Write([][]float32{src[0][:300], src[1][:300]}))
	require.NoError(t, w.Write([][]float32{src[0][300:], src[1][300:]}))
	require.NoError(t, w.Close())
	r, err := NewWAVReader(bytes.NewReader(pipe.Bytes()), Limits{})
	require.NoError(t, err)
	require.Equal(t, int64(-1), r.Format.Frames)
	got := [][]float32{nil, nil}
	chunk := [][]float32{make([]float32, 77), make([]float32, 77)}
	for {
		n, err := r.Read(chunk)
		got[0] = append(got[0], chunk[0][:n]...)
		got[1] = append(got[1], chunk[1][:n]...)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	for c := range src {
		require.Len(t, got[c], 1000)
		for i := range src[c] {
			require.InDelta(t, src[c][i], got[c][i], 0.5/32768+1e-9)
		}
	}
	// A seekable file gets real sizes.
	f, err := os.CreateTemp(t.TempDir(), "*.wav")
	require.NoError(t, err)
	w, err = NewWAVWriter(f, 8000, 1)
	require.NoError(t, err)
	require.NoError(t, w.Write([][]float32{src[0][:10]}))
	require.NoError(t, w.Close())
	f.Seek(0, io.SeekStart)
	r, err = NewWAVReader(f, Limits{})
	require.NoError(t, err)
	require.Equal(t, int64(10), r.Format.Frames)
	f.Close()
}

func TestWAVHostile(t *testing.T) {
	good := open(t, "speech_48k_mono.wav")
	mut := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	for name, in := range map[string][]byte{
		"not riff":       []byte("RIFX0000WAVEfmt "),
		"short":          good[:20],
		"truncated data": good[:len(good)-100],
		"huge data":      mut(func(b []byte) []byte { b[40], b[41], b[42], b[43] = 0xfe, 0xff, 0xff, 0x7f; return b }),
		"bad encoding":   mut(func(b []byte) []byte { b[20] = 7; return b }),
		"zero channels":  mut(func(b []byte) []byte { b[22] = 0; return b }),
	} {
		_, err := ReadWAV(bytes.NewReader(in), Limits{MaxSamples: 1 << 20})
		require.Error(t, err, name)
		require.True(t, errors.Is(err, ErrFormat) || errors.Is(err, ErrTooLarge), "%s: %v", name, err)
	}
}

func FuzzReadImage(f *testing.F) {
	for _, n := range []string{"camera_crop.png", "astronaut_crop.jpg"} {
		b, _ := os.ReadFile("../../testdata/signal/" + n)
		f.Add(b)
	}
	f.Add([]byte("P5\n2 2\n255\nabcd"))
	f.Add([]byte("P3\n1 1\n255\n1 2 3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := ReadImage(bytes.NewReader(b), Limits{MaxPixels: 1 << 16})
		if err == nil && len(img.Pix) != img.W*img.H*img.C {
			t.Fatalf("%d pixels for %d×%d×%d", len(img.Pix), img.W, img.H, img.C)
		}
	})
}

func FuzzReadWAV(f *testing.F) {
	b, _ := os.ReadFile("../../testdata/signal/speech_48k_mono.wav")
	f.Add(b[:200])
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ReadWAV(bytes.NewReader(b), Limits{MaxSamples: 1 << 16})
		if err == nil {
			for _, ch := range a.Samples {
				if len(ch) != len(a.Samples[0]) {
					t.Fatal("channels of different lengths")
				}
			}
		}
	})
}
