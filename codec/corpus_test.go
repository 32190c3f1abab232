package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/streams")

// The committed corpus of damaged streams. The file name says what the
// decoder must report: valid-* decode, truncated-* give ErrTruncated,
// bitflip-* ErrCorrupt, limit-* ErrLimit, oversized-* ErrCorrupt.
func TestStreamCorpus(t *testing.T) {
	if *updateCorpus {
		writeCorpus(t)
	}
	paths, err := filepath.Glob("testdata/streams/*.ewlc")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(paths), 12)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		name := filepath.Base(p)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := Decode(bytes.NewReader(data), nil)
		runtime.ReadMemStats(&after)
		// Allocation follows the bytes present, never the sizes a hostile
		// header or chunk declares (up to 2^29 frames × 4096 channels here).
		alloc := after.TotalAlloc - before.TotalAlloc
		require.Less(t, alloc, uint64(1<<20), "%s allocated %d bytes", name, alloc)
		switch {
		case strings.HasPrefix(name, "valid-"):
			require.NoError(t, err, name)
		case strings.HasPrefix(name, "truncated-"):
			require.ErrorIs(t, err, ErrTruncated, name)
		case strings.HasPrefix(name, "bitflip-"), strings.HasPrefix(name, "oversized-"):
			require.ErrorIs(t, err, ErrCorrupt, name)
		case strings.HasPrefix(name, "limit-"):
			require.ErrorIs(t, err, ErrLimit, name)
		default:
			t.Fatalf("%s: unknown corpus class", name)
		}
		var ce *ChunkError
		if errors.As(err, &ce) {
			require.NotNil(t, s, name)
			require.Equal(t, ce.Frame, s.Frames, name)
		}
		t.Logf("%s: %v", name, err)
	}
}

func writeCorpus(t *testing.T) {
	dir := "testdata/streams"
	require.NoError(t, os.MkdirAll(dir, 0o755))
	old, _ := filepath.Glob(dir + "/*.ewlc")
	for _, p := range old {
		require.NoError(t, os.Remove(p))
	}
	put := func(name string, b []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".ewlc"), b, 0o644))
	}
	_, _, b := multiChunk(t)
	hl := int(binary.LittleEndian.Uint16(b[6:]))
	put("valid-multichunk", b)
	for _, g := range loadGolden(t) {
		if g.name == "stereo_latent.npy" {
			put("valid-stereo", encodeBytes(t, goldenHeader(g, 0), g.data))
		}
	}

	put("truncated-preamble", b[:5])
	put("truncated-header", b[:hl-3])
	put("truncated-chunk-header", b[:hl+5])
	put("truncated-chunk-payload", b[:hl+40])
	put("truncated-no-end-chunk", b[:len(b)-chunkHead-4-3])
	put("truncated-end-crc", b[:len(b)-2])

	flip := func(at int, bit uint) []byte {
		c := bytes.Clone(b)
		c[at] ^= 1 << bit
		return c
	}
	put("bitflip-magic", flip(1, 0))
	put("bitflip-version", flip(4, 1))
	put("bitflip-header-crc", flip(20, 3))
	put("bitflip-chunk-frames", flip(hl, 2))
	put("bitflip-chunk-payload", flip(hl+30, 5))
	put("bitflip-later-chunk", flip(len(b)/2, 6))

	// Damage behind a valid CRC, as a hostile sender would: the chunk and
	// entropy decoders themselves must notice. For each region of chunk
	// 0's payload, the first single-bit flip that the decoder reports.
	refresh := func(c []byte, chunkAt int) []byte {
		pl := int(binary.LittleEndian.Uint32(c[chunkAt+4:]))
		end := chunkAt + chunkHead + pl
		binary.LittleEndian.PutUint32(c[end:], crc32.Checksum(c[chunkAt:end], castagnoli))
		return c
	}
	p0 := hl + chunkHead
	pl := int(binary.LittleEndian.Uint32(b[hl+4:]))
	for _, region := range []struct {
		name     string
		from, to int
	}{
		{"mode", p0, p0 + 1},
		{"contexts", p0 + 1, p0 + 3},
		{"table", p0 + 3, p0 + 12},
		{"rans", p0 + pl - 12, p0 + pl},
	} {
		found := false
		for i := 8 * region.from; i < 8*region.to && !found; i++ {
			c := refresh(flip(i/8, uint(i%8)), hl)
			if _, err := Decode(bytes.NewReader(c), nil); errors.Is(err, ErrCorrupt) {
				put("bitflip-"+region.name+"-crc-fixed", c)
				found = true
			}
		}
		require.True(t, found, "no detectable flip in region %s", region.name)
	}

	big := &Header{Config: Config{Dim: 1, Wavelet: "haar", Levels: 1, Channels: 1, LatentChannels: 4096, LatentBits: 8},
		Signal: []int{1 << 29}, Pad: [][2]int{{0, 0}}, Latent: []int{1 << 29}, ChunkFrames: 4096}
	hb, err := big.marshal()
	require.NoError(t, err)
	put("limit-latent-2p41-values", hb)
	big.Latent[0], big.ChunkFrames = 16, 1<<20
	hb, err = big.marshal()
	require.NoError(t, err)
	put("limit-chunk-2p32-values", hb)

	// A chunk that declares 30 MB (possible for 4096 channels × 4096
	// frames) and then ends: the decoder must not allocate the 30 MB.
	big.Latent[0], big.ChunkFrames = 4096, 4096
	hb, err = big.marshal()
	require.NoError(t, err)
	var ch [chunkHead + 10]byte
	binary.LittleEndian.PutUint32(ch[0:], 4096)
	binary.LittleEndian.PutUint32(ch[4:], 30_000_000)
	put("truncated-claims-30MB", append(hb, ch[:]...))

	c := bytes.Clone(b)
	binary.LittleEndian.PutUint32(c[hl+4:], 0xfffffff0)
	put("oversized-chunk-payload", c)
	c = bytes.Clone(b)
	binary.LittleEndian.PutUint32(c[hl:], 0xffffffff)
	put("oversized-chunk-frames", c)
	c = bytes.Clone(b)
	binary.LittleEndian.PutUint16(c[6:], 0xffff)
	put("oversized-header-length", c)
}
