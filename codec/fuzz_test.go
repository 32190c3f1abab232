package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
)

// fixPNGCRC recomputes the CRC of the PNG chunk whose type starts at
// typeAt and whose type+data is n bytes long.
func fixPNGCRC(b []byte, typeAt, n int) {
	binary.BigEndian.PutUint32(b[typeAt+n:], crc32.ChecksumIEEE(b[typeAt:typeAt+n]))
}

func addCorpus(f *testing.F, glob string) {
	paths, _ := filepath.Glob(glob)
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// FuzzDecodeStream feeds arbitrary bytes to the container and entropy
// decoder: no panic, only typed errors, and whatever decodes re-encodes
// to a stream that decodes to the same latent.
func FuzzDecodeStream(f *testing.F) {
	addCorpus(f, "testdata/streams/*.ewlc")
	_, _, b := multiChunk(f)
	f.Add(b)
	lim := &Limits{MaxChunkValues: 1 << 16, MaxValues: 1 << 18, MaxChunks: 1 << 10}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(bytes.NewReader(data), lim)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrLimit) {
				t.Fatalf("untyped error %v", err)
			}
			var ce *ChunkError
			if errors.As(err, &ce) && (s == nil || s.Frames != ce.Frame) {
				t.Fatalf("chunk error %v with %v frames returned", err, s)
			}
			return
		}
		h := *s.Header
		if len(s.Latent) != h.Config.LatentChannels*s.Frames*h.Width() {
			t.Fatalf("latent of %d values for %d frames", len(s.Latent), s.Frames)
		}
		var out bytes.Buffer
		if err := Encode(&out, &h, s.Latent); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		s2, err := Decode(&out, nil)
		if err != nil || !bytes.Equal(int8Bytes(s2.Latent), int8Bytes(s.Latent)) {
			t.Fatalf("re-encoded stream differs: %v", err)
		}
	})
}

func int8Bytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

// FuzzLatentPNG feeds arbitrary bytes to the latent image reader.
func FuzzLatentPNG(f *testing.F) {
	addCorpus(f, "testdata/latentpng/*.png")
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, a := range [][3]int{{16, 1, 8}, {12, 3, 8}, {16, 4, 8}, {4, 1, 5}} {
			lat, h, w, err := ReadLatentPNG(bytes.NewReader(data), a[0], a[1], a[2], 1<<16)
			if err != nil {
				if !errors.Is(err, ErrLatentPNG) {
					t.Fatalf("untyped error %v", err)
				}
				continue
			}
			var b bytes.Buffer
			if err := WriteLatentPNG(&b, lat, a[0], h, w, a[1], a[2]); err != nil {
				t.Fatalf("write back: %v", err)
			}
			lat2, _, _, err := ReadLatentPNG(&b, a[0], a[1], a[2], 1<<16)
			if err != nil || !bytes.Equal(int8Bytes(lat), int8Bytes(lat2)) {
				t.Fatalf("round trip differs: %v", err)
			}
		}
	})
}
