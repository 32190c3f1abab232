package codec

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// goldenHeader is the header the reference cases would carry.
func goldenHeader(g goldenLatent, chunkFrames int) *Header {
	h := &Header{ChunkFrames: chunkFrames, ModelHash: sha256.Sum256([]byte(g.name))}
	switch g.name {
	case "stereo_latent.npy":
		h.Config = Config{Dim: 1, Wavelet: "bior4.4", Levels: 5, Channels: 2, LatentChannels: g.c, LatentBits: 8}
		h.Signal, h.Pad, h.Latent = []int{4096}, [][2]int{{0, 0}}, []int{g.frames}
	default:
		h.Config = Config{Dim: 2, Wavelet: "bior4.4", Levels: 3, Channels: 3, LatentChannels: g.c, LatentBits: 8}
		h.Signal, h.Pad, h.Latent = []int{8 * g.frames, 8 * g.width}, [][2]int{{0, 0}, {0, 0}}, []int{g.frames, g.width}
	}
	return h
}

func encodeBytes(t testing.TB, h *Header, lat []int8) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, Encode(&b, h, lat))
	return b.Bytes()
}

// goldenSHA256 pins the bytes of each golden latent's stream with the
// default chunking. The same hashes must come out on every architecture
// (the QEMU runs check arm64 and arm v7).
var goldenSHA256 = map[string]string{
	"linear4x_latent.npy": "f7e6a628d0cb34fdb568d23c4493894914c9ab2a3286eaf0307dbc282d20bcd9",
	"rgb16x_latent.npy":   "f4f2a26ab7c8342411d8878a4473299c2bebc4c59a661285fc56997996c25e60",
	"stereo_latent.npy":   "7ec110a5c62a8156353893ee9683920ba7efac4f43eeda88b2eef4a3227c0a0f",
	"synthetic/16":        "dd072855f2e0ef83cb9ca0172bd7952a1b97a8a4d20ae5d7a8d752b46b7fd128",
	"synthetic/40":        "c3e3bf5ecd69c694607f9c465cbfd42e461a4d3feced3d05c487831606ed06c1",
	"synthetic/1ch":       "1861ed324cad5ef6d1f3123d45dbcd077d55dc618593222410178828556533ba",
}

// syntheticLatent is an image-like latent made with integer arithmetic
// only (smooth ramps, edges, noise), so that it is the same on every
// architecture; its stream exercises every predictor, contexts and both
// chunk modes.
func syntheticLatent() (*Header, []int8) {
	const c, h, w = 6, 40, 56
	r := rand.New(rand.NewPCG(17, 18))
	lat := make([]int8, c*h*w)
	for ch := 0; ch < c; ch++ {
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				v := (i*(ch+1)+j*(3-ch%3))%97 - 48
				if j > i && ch%2 == 0 {
					v += 40 // a diagonal edge
				}
				if amp := (j * 3 / w) * (ch + 2); amp > 0 { // flat, then ever noisier
					v += r.IntN(2*amp+1) - amp
				}
				lat[(ch*h+i)*w+j] = int8(max(-128, min(127, v)))
			}
		}
	}
	hd := &Header{Config: Config{Dim: 2, Wavelet: "bior4.4", Levels: 3, Channels: 3, LatentChannels: c, LatentBits: 8},
		Signal: []int{8*h - 5, 8 * w}, Pad: [][2]int{{2, 3}, {0, 0}}, Latent: []int{h, w}}
	return hd, lat
}

func TestSyntheticStreamBytes(t *testing.T) {
	for _, cf := range []int{16, 40} {
		h, lat := syntheticLatent()
		h.ChunkFrames = cf
		b := encodeBytes(t, h, lat)
		s, err := Decode(bytes.NewReader(b), nil)
		require.NoError(t, err)
		require.Equal(t, lat, s.Latent)
		sum := sha256.Sum256(b)
		name := fmt.Sprintf("synthetic/%d", cf)
		t.Logf("%s: %d values -> %d bytes; sha256 %x", name, len(lat), len(b), sum)
		require.Equal(t, goldenSHA256[name], hex.EncodeToString(sum[:]), name)
	}
	// One channel alone: per-channel mode, rANS with two contexts.
	h, lat := syntheticLatent()
	per := h.Latent[0] * h.Latent[1]
	h.Config.LatentChannels, lat = 1, lat[per:2*per]
	b := encodeBytes(t, h, lat)
	require.Equal(t, byte(chunkPerChannel), b[binary.LittleEndian.Uint16(b[6:])+chunkHead])
	sum := sha256.Sum256(b)
	t.Logf("synthetic/1ch: sha256 %x", sum)
	require.Equal(t, goldenSHA256["synthetic/1ch"], hex.EncodeToString(sum[:]))
}

func TestGoldenStreams(t *testing.T) {
	for _, g := range loadGolden(t) {
		for _, cf := range []int{0, 1, 7, g.frames} {
			h := goldenHeader(g, cf)
			b := encodeBytes(t, h, g.data)
			s, err := Decode(bytes.NewReader(b), nil)
			require.NoError(t, err, g.name)
			require.Equal(t, g.data, s.Latent, g.name)
			require.Equal(t, g.frames, s.Frames)
			require.Equal(t, h.Config, s.Header.Config)
			require.Equal(t, h.ModelHash, s.Header.ModelHash)
			require.Equal(t, h.Signal, s.Header.Signal)
			require.Equal(t, h.Latent, s.Header.Latent)
			if cf == 0 {
				sum := sha256.Sum256(b)
				t.Logf("%s: %d values -> %d bytes (%.3f bits/value, raw 8); sha256 %x",
					g.name, len(g.data), len(b), 8*float64(len(b))/float64(len(g.data)), sum)
				require.Equal(t, goldenSHA256[g.name], hex.EncodeToString(sum[:]), "%s: stream bytes changed", g.name)
			}
		}
	}
}

func randomLatent(r *rand.Rand, n int) []int8 {
	x := make([]int8, n)
	v := 0.0
	for i := range x {
		v = 0.9*v + r.NormFloat64()*8
		x[i] = int8(max(-128, min(127, int(v))))
	}
	return x
}

func TestRandomStreams(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	iters, maxFrames := 40, 300
	if testing.Short() {
		iters, maxFrames = 15, 100
	}
	for it := 0; it < iters; it++ {
		dim := 1 + r.IntN(2)
		c := 1 + r.IntN(20)
		frames := r.IntN(maxFrames)
		width := 1
		h := &Header{Config: Config{Dim: dim, Wavelet: "haar", Levels: 1 + r.IntN(4), Channels: 1 + r.IntN(4), LatentChannels: c, LatentBits: 2 + r.IntN(7)},
			ChunkFrames: 1 + r.IntN(64)}
		if dim == 2 {
			width = 1 + r.IntN(40)
			h.Signal, h.Pad, h.Latent = []int{frames, width}, [][2]int{{1, 2}, {3, 4}}, []int{frames, width}
		} else {
			h.Signal, h.Pad, h.Latent = []int{frames * 3}, [][2]int{{5, 6}}, []int{frames}
		}
		lat := randomLatent(r, c*frames*width)
		if it%5 == 0 {
			for i := range lat {
				lat[i] = int8(r.IntN(256) - 128)
			}
		}
		bits := h.Config.LatentBits
		for i := range lat {
			lat[i] = int8(max(-1<<(bits-1), min(1<<(bits-1)-1, int(lat[i]))))
		}
		b := encodeBytes(t, h, lat)
		s, err := Decode(bytes.NewReader(b), nil)
		require.NoError(t, err)
		require.Equal(t, lat, s.Latent)
		require.Equal(t, h.Pad, s.Header.Pad)
		// Encoding is a function of the input: same bytes again.
		require.Equal(t, b, encodeBytes(t, h, lat))
	}
}

func TestEmptyStream(t *testing.T) {
	h := &Header{Config: Config{Dim: 1, Wavelet: "haar", Levels: 1, Channels: 1, LatentChannels: 3, LatentBits: 8},
		Signal: []int{0}, Pad: [][2]int{{0, 0}}, Latent: []int{0}, ChunkFrames: 8}
	b := encodeBytes(t, h, nil)
	s, err := Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Empty(t, s.Latent)
	require.Equal(t, 0, s.Frames)
}

// TestStreaming writes a 1D latent in uneven pieces to a streamed header
// and reads it back chunk by chunk.
func TestStreaming(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const c, total = 16, 5000
	lat := randomLatent(r, c*total)
	h := &Header{Config: Config{Dim: 1, Wavelet: "bior4.4", Levels: 5, Channels: 2, LatentChannels: c, LatentBits: 8},
		Signal: []int{0}, Pad: [][2]int{{7, 0}}, Latent: []int{0}, Streamed: true, ChunkFrames: 512}
	var buf bytes.Buffer
	e, err := NewEncoder(&buf, h)
	require.NoError(t, err)
	for done := 0; done < total; {
		k := min(total-done, r.IntN(700))
		piece := make([]int8, c*k)
		for ch := 0; ch < c; ch++ {
			copy(piece[ch*k:], lat[ch*total+done:ch*total+done+k])
		}
		require.NoError(t, e.Write(piece, k))
		done += k
	}
	e.SetEnd(total*32-13, 13)
	require.NoError(t, e.Close())

	d, err := NewDecoder(bytes.NewReader(buf.Bytes()), nil)
	require.NoError(t, err)
	require.True(t, d.Header().Streamed)
	next := 0
	for {
		ch, err := d.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		require.Equal(t, next, ch.Start)
		for cc := 0; cc < c; cc++ {
			require.Equal(t, lat[cc*total+ch.Start:cc*total+ch.Start+ch.Frames], ch.Latent[cc*ch.Frames:(cc+1)*ch.Frames])
		}
		next += ch.Frames
	}
	require.Equal(t, total, next)
	require.Equal(t, []int{total}, d.Header().Latent)
	require.Equal(t, []int{total*32 - 13}, d.Header().Signal)
	require.Equal(t, [][2]int{{7, 13}}, d.Header().Pad)
}

// multiChunk returns a stream of several chunks and its latent.
func multiChunk(t testing.TB) (*Header, []int8, []byte) {
	r := rand.New(rand.NewPCG(9, 10))
	const c, frames = 4, 400
	lat := randomLatent(r, c*frames)
	for i := range lat {
		lat[i] /= 4 // narrow enough that rANS beats fixed-length codes
	}
	h := &Header{Config: Config{Dim: 1, Wavelet: "bior4.4", Levels: 2, Channels: 1, LatentChannels: c, LatentBits: 8},
		Signal: []int{1600}, Pad: [][2]int{{0, 0}}, Latent: []int{frames}, ChunkFrames: 64}
	return h, lat, encodeBytes(t, h, lat)
}

// checkPartial verifies that s holds an intact prefix of lat.
func checkPartial(t *testing.T, s *Stream, lat []int8, c, frames int) {
	t.Helper()
	require.NotNil(t, s)
	require.Len(t, s.Latent, c*s.Frames)
	for ch := 0; ch < c; ch++ {
		require.Equal(t, lat[ch*frames:ch*frames+s.Frames], s.Latent[ch*s.Frames:(ch+1)*s.Frames])
	}
}

func TestTruncated(t *testing.T) {
	h, lat, b := multiChunk(t)
	for n := 0; n < len(b); n++ {
		s, err := Decode(bytes.NewReader(b[:n]), nil)
		require.ErrorIs(t, err, ErrTruncated, "prefix %d", n)
		var ce *ChunkError
		if errors.As(err, &ce) {
			// Every chunk before the failing one decoded.
			require.Equal(t, min(ce.Index*h.ChunkFrames, h.Latent[0]), ce.Frame, "prefix %d", n)
			require.Equal(t, ce.Frame, s.Frames, "prefix %d", n)
			checkPartial(t, s, lat, h.Config.LatentChannels, h.Latent[0])
		} else {
			var he *HeaderError
			require.ErrorAs(t, err, &he, "prefix %d", n)
			require.Nil(t, s)
		}
	}
}

func TestBitFlips(t *testing.T) {
	h, lat, b := multiChunk(t)
	step := 1
	if testing.Short() {
		step = 7
	}
	for i := 0; i < 8*len(b); i += step {
		bad := bytes.Clone(b)
		bad[i/8] ^= 1 << (i % 8)
		s, err := Decode(bytes.NewReader(bad), nil)
		require.ErrorIs(t, err, ErrCorrupt, "bit %d", i)
		var ce *ChunkError
		if errors.As(err, &ce) {
			require.Equal(t, min(ce.Index*h.ChunkFrames, h.Latent[0]), ce.Frame)
			require.Equal(t, ce.Frame, s.Frames)
			checkPartial(t, s, lat, h.Config.LatentChannels, h.Latent[0])
		}
	}
}

// TestDamagedMiddleChunk: chunk 3 of 7 is damaged; chunks 0..2 come back.
func TestDamagedMiddleChunk(t *testing.T) {
	h, lat, b := multiChunk(t)
	d, err := NewDecoder(bytes.NewReader(b), nil)
	require.NoError(t, err)
	var offs []int64
	for {
		offs = append(offs, d.r.n)
		if _, err := d.Next(); err != nil {
			require.Equal(t, io.EOF, err)
			break
		}
	}
	bad := bytes.Clone(b)
	bad[offs[3]+20] ^= 0x40
	s, err := Decode(bytes.NewReader(bad), nil)
	var ce *ChunkError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, ErrChecksum)
	require.Equal(t, 3, ce.Index)
	require.Equal(t, offs[3], ce.Offset)
	require.Equal(t, 3*h.ChunkFrames, ce.Frame)
	require.Equal(t, 3*h.ChunkFrames, s.Frames)
	checkPartial(t, s, lat, h.Config.LatentChannels, h.Latent[0])
}

// rewriteHeader patches a header field and fixes its CRC, as an attacker
// can.
func rewriteHeader(b []byte, patch func(h []byte)) []byte {
	b = bytes.Clone(b)
	hl := int(binary.LittleEndian.Uint16(b[6:]))
	patch(b[:hl])
	binary.LittleEndian.PutUint32(b[hl-4:], crc32.Checksum(b[:hl-4], castagnoli))
	return b
}

func TestLimits(t *testing.T) {
	h, _, b := multiChunk(t)
	_, err := Decode(bytes.NewReader(b), &Limits{MaxValues: 4*400 - 1})
	require.ErrorIs(t, err, ErrLimit)
	_, err = Decode(bytes.NewReader(b), &Limits{MaxChunkValues: 4*64 - 1})
	require.ErrorIs(t, err, ErrLimit)
	s, err := Decode(bytes.NewReader(b), &Limits{MaxChunks: 3})
	require.ErrorIs(t, err, ErrLimit)
	require.Equal(t, 3*h.ChunkFrames, s.Frames)
}

func TestOversizedHeader(t *testing.T) {
	_, _, b := multiChunk(t)
	var hb bytes.Buffer
	big := &Header{Config: Config{Dim: 1, Wavelet: "haar", Levels: 1, Channels: 1, LatentChannels: 4096, LatentBits: 8},
		Signal: []int{1 << 29}, Pad: [][2]int{{0, 0}}, Latent: []int{1 << 29}, ChunkFrames: 1 << 12}
	_, err := NewEncoder(&hb, big)
	require.NoError(t, err)
	_, err = Decode(bytes.NewReader(hb.Bytes()), nil)
	require.ErrorIs(t, err, ErrLimit)
	var he *HeaderError
	require.ErrorAs(t, err, &he)

	// A header length beyond the maximum.
	long := bytes.Clone(b)
	binary.LittleEndian.PutUint16(long[6:], 60000)
	_, err = Decode(bytes.NewReader(long), nil)
	require.ErrorIs(t, err, ErrCorrupt)
	require.ErrorAs(t, err, &he)
	require.Equal(t, "length", he.Field)
}

func TestChunkClaimsHugePayload(t *testing.T) {
	_, _, b := multiChunk(t)
	hl := int(binary.LittleEndian.Uint16(b[6:]))
	bad := bytes.Clone(b)
	binary.LittleEndian.PutUint32(bad[hl+4:], 0xfffffff0)
	s, err := Decode(bytes.NewReader(bad), nil)
	var ce *ChunkError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, ErrCorrupt)
	require.Equal(t, 0, ce.Index)
	require.Equal(t, 0, s.Frames)
}

func TestEncoderRejects(t *testing.T) {
	h, lat, _ := multiChunk(t)
	var b bytes.Buffer
	e, err := NewEncoder(&b, h)
	require.NoError(t, err)
	require.Error(t, e.Write(lat[:5], 2), "length mismatch")
	require.NoError(t, e.Write(lat[:4*10], 10))
	require.Error(t, e.Close(), "fewer frames than declared")
	h4 := *h
	h4.Config.LatentBits = 4
	e, err = NewEncoder(&b, &h4)
	require.NoError(t, err)
	require.Error(t, e.Write([]int8{0, 1, 2, 8}, 1), "8 does not fit 4 bits")
	bad := *h
	bad.Config.LatentBits = 9
	_, err = NewEncoder(&b, &bad)
	require.ErrorIs(t, err, ErrConfig)
}

// TestStreamingMemory: an Encoder holds one chunk, whatever the length of
// the signal; after the first chunk, coding one allocates next to nothing.
func TestStreamingMemory(t *testing.T) {
	const c, cf = 16, 2048
	h := &Header{Config: Config{Dim: 1, Wavelet: "bior4.4", Levels: 5, Channels: 2, LatentChannels: c, LatentBits: 8},
		Signal: []int{0}, Pad: [][2]int{{0, 0}}, Latent: []int{0}, Streamed: true, ChunkFrames: cf}
	e, err := NewEncoder(io.Discard, h)
	require.NoError(t, err)
	frames := randomLatent(rand.New(rand.NewPCG(19, 20)), c*cf)
	require.NoError(t, e.Write(frames, cf)) // first chunk sizes the buffers
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const chunks = 20
	for k := 0; k < chunks; k++ {
		require.NoError(t, e.Write(frames, cf))
	}
	runtime.ReadMemStats(&after)
	perChunk := (after.TotalAlloc - before.TotalAlloc) / chunks
	t.Logf("%d bytes allocated per chunk of %d values", perChunk, c*cf)
	require.Less(t, perChunk, uint64(c*cf/16), "steady-state allocation per chunk")
	require.NoError(t, e.Close())
}

// TestLatentBitsEnforced: a stream whose values do not fit the latent
// bits its header states is corrupt.
func TestLatentBitsEnforced(t *testing.T) {
	_, _, b := multiChunk(t)
	bad := rewriteHeader(b, func(h []byte) { h[10] = 3 }) // LatentBits
	s, err := Decode(bytes.NewReader(bad), nil)
	var ce *ChunkError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, ErrCorrupt)
	require.Equal(t, 0, s.Frames)
}
