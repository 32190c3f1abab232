package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// The bitstream container; FORMAT.md describes the bytes.

// Magic opens every stream; Version is the format version this package
// writes and reads.
const (
	Magic   = "EWLC"
	Version = 1
)

// Errors a decoder returns, wrapped with detail. ErrTruncated and
// ErrChecksum are kinds of ErrCorrupt, so errors.Is(err, ErrCorrupt) holds
// for every damaged stream.
var (
	ErrCorrupt   = errors.New("codec: corrupt stream")
	ErrTruncated = fmt.Errorf("%w: truncated", ErrCorrupt)
	ErrChecksum  = fmt.Errorf("%w: CRC-32C mismatch", ErrCorrupt)
	ErrVersion   = fmt.Errorf("%w: unsupported version", ErrCorrupt)
	// ErrLimit reports a stream that declares more than the decoder's
	// Limits allow; the stream may be valid, the caller refused it.
	ErrLimit = errors.New("codec: stream exceeds a decoder limit")
)

// HeaderError names the header field that is wrong.
type HeaderError struct {
	Field string
	Err   error
}

func (e *HeaderError) Error() string {
	return "codec: stream header: " + e.Field + ": " + e.Err.Error()
}
func (e *HeaderError) Unwrap() error { return e.Err }

// ChunkError reports the chunk that failed to decode. Index counts chunks
// from 0; Offset is the chunk's byte offset in the stream; Frame is the
// first latent frame (row) it would have held. Chunks before Index decoded
// intact.
type ChunkError struct {
	Index  int
	Offset int64
	Frame  int
	Err    error
}

func (e *ChunkError) Error() string {
	return fmt.Sprintf("codec: chunk %d (byte %d, frame %d): %v", e.Index, e.Offset, e.Frame, e.Err)
}
func (e *ChunkError) Unwrap() error { return e.Err }

// Limits bound what a decoder accepts, so that a hostile stream cannot
// make it allocate more than the caller allows. Zero fields take the
// defaults of DefaultLimits.
type Limits struct {
	MaxChunkValues int   // latent values in one chunk (channels × frames × width)
	MaxValues      int64 // latent values in the whole stream
	MaxChunks      int   // chunks in the whole stream
}

// DefaultLimits allow 16 Mi values per chunk and 256 Mi values per stream.
var DefaultLimits = Limits{MaxChunkValues: 1 << 24, MaxValues: 1 << 28, MaxChunks: 1 << 24}

func (l *Limits) withDefaults() Limits {
	out := DefaultLimits
	if l != nil {
		if l.MaxChunkValues > 0 {
			out.MaxChunkValues = l.MaxChunkValues
		}
		if l.MaxValues > 0 {
			out.MaxValues = l.MaxValues
		}
		if l.MaxChunks > 0 {
			out.MaxChunks = l.MaxChunks
		}
	}
	return out
}

// Header is what a stream states about the latent it carries and the
// signal it came from. Spatial axes are (n) for Dim 1 and (h, w) for Dim 2.
type Header struct {
	Config Config
	// ModelHash identifies the model (weights and configuration) that made
	// the latent, e.g. SHA-256 of the model file; the caller supplies it.
	ModelHash [32]byte
	// Signal is the original signal's spatial shape, before padding.
	Signal []int
	// Pad is the padding added before and after each spatial axis so that
	// it divides by 2^Levels (WaLLoC's centred reflect padding).
	Pad [][2]int
	// Latent is the latent's spatial shape; its channels are
	// Config.LatentChannels.
	Latent []int
	// Streamed marks a Dim 1 stream whose length was not known when the
	// header was written: Signal[0], Latent[0] and Pad[0][1] are then 0 in
	// the header and filled from the end chunk once the decoder reaches it.
	Streamed bool
	// ChunkFrames is the number of latent frames (Dim 1) or rows (Dim 2)
	// per chunk; the last chunk may hold fewer.
	ChunkFrames int
}

// Width is the number of latent values per frame and channel: 1 for Dim 1,
// the latent width for Dim 2.
func (h *Header) Width() int {
	if h.Config.Dim == 2 {
		return h.Latent[1]
	}
	return 1
}

// Frames is the number of latent frames (Dim 1) or rows (Dim 2).
func (h *Header) Frames() int { return h.Latent[0] }

// maxDim bounds every spatial size so products stay far from overflow.
const maxDim = 1 << 30

// Validate checks the header's internal consistency.
func (h *Header) Validate() error {
	herr := func(field, format string, a ...any) error {
		return &HeaderError{Field: field, Err: fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, a...))}
	}
	if err := h.Config.Validate(); err != nil {
		return &HeaderError{Field: "config", Err: err}
	}
	d := h.Config.Dim
	if len(h.Signal) != d || len(h.Pad) != d || len(h.Latent) != d {
		return herr("shape", "signal %v, pad %v and latent %v need %d spatial axes", h.Signal, h.Pad, h.Latent, d)
	}
	if h.Streamed && d != 1 {
		return herr("streamed", "only Dim 1 streams may be streamed")
	}
	for i := 0; i < d; i++ {
		if h.Signal[i] < 0 || h.Signal[i] >= maxDim || h.Latent[i] < 0 || h.Latent[i] >= maxDim ||
			h.Pad[i][0] < 0 || h.Pad[i][0] >= maxDim || h.Pad[i][1] < 0 || h.Pad[i][1] >= maxDim {
			return herr("shape", "axis %d: signal %d, pad %v, latent %d out of range", i, h.Signal[i], h.Pad[i], h.Latent[i])
		}
	}
	if d == 2 && h.Latent[1] == 0 && h.Latent[0] != 0 {
		return herr("latent", "latent %v has rows of zero width", h.Latent)
	}
	if h.ChunkFrames < 1 || h.ChunkFrames >= maxDim {
		return herr("chunk frames", "%d", h.ChunkFrames)
	}
	return nil
}

// header byte layout: fixed part, then uvarints, then the CRC.
const (
	headerFixed = 4 + 1 + 1 + 2 + 4 + 4 + 32 // magic..model hash, before the name
	maxHeader   = 512
)

func (h *Header) marshal() ([]byte, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	c := &h.Config
	b := make([]byte, 0, 128)
	b = append(b, Magic...)
	b = append(b, Version, 0)
	if h.Streamed {
		b[5] = 1
	}
	b = append(b, 0, 0) // header length, filled below
	b = append(b, byte(c.Dim), byte(c.Levels), byte(c.LatentBits), byte(len(c.Wavelet)))
	b = binary.LittleEndian.AppendUint16(b, uint16(c.Channels))
	b = binary.LittleEndian.AppendUint16(b, uint16(c.LatentChannels))
	b = append(b, h.ModelHash[:]...)
	b = append(b, c.Wavelet...)
	for i := 0; i < c.Dim; i++ {
		b = binary.AppendUvarint(b, uint64(h.Signal[i]))
		b = binary.AppendUvarint(b, uint64(h.Pad[i][0]))
		b = binary.AppendUvarint(b, uint64(h.Pad[i][1]))
		b = binary.AppendUvarint(b, uint64(h.Latent[i]))
	}
	b = binary.AppendUvarint(b, uint64(h.ChunkFrames))
	binary.LittleEndian.PutUint16(b[6:], uint16(len(b)+4))
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli)), nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// unmarshalHeader parses a complete header (length already checked).
func unmarshalHeader(b []byte) (*Header, error) {
	herr := func(field, format string, a ...any) error {
		return &HeaderError{Field: field, Err: fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, a...))}
	}
	n := len(b) - 4
	if got, want := crc32.Checksum(b[:n], castagnoli), binary.LittleEndian.Uint32(b[n:]); got != want {
		return nil, &HeaderError{Field: "crc", Err: fmt.Errorf("%w: header CRC %08x, stored %08x", ErrChecksum, got, want)}
	}
	if b[5]&^1 != 0 {
		return nil, herr("flags", "unknown flags %#x", b[5])
	}
	h := &Header{Streamed: b[5]&1 != 0}
	c := &h.Config
	c.Dim, c.Levels, c.LatentBits = int(b[8]), int(b[9]), int(b[10])
	nameLen := int(b[11])
	c.Channels = int(binary.LittleEndian.Uint16(b[12:]))
	c.LatentChannels = int(binary.LittleEndian.Uint16(b[14:]))
	copy(h.ModelHash[:], b[16:48])
	if nameLen > MaxWaveletName || headerFixed+nameLen > n {
		return nil, herr("wavelet", "name of %d bytes", nameLen)
	}
	c.Wavelet = string(b[headerFixed : headerFixed+nameLen])
	if err := c.Validate(); err != nil {
		return nil, &HeaderError{Field: "config", Err: fmt.Errorf("%w: %w", ErrCorrupt, err)}
	}
	rest := b[headerFixed+nameLen : n]
	uv := func(field string) (int, error) {
		v, m := binary.Uvarint(rest)
		if m <= 0 || v >= maxDim {
			return 0, herr(field, "unreadable or out of range")
		}
		rest = rest[m:]
		return int(v), nil
	}
	h.Signal, h.Pad, h.Latent = make([]int, c.Dim), make([][2]int, c.Dim), make([]int, c.Dim)
	var err error
	for i := 0; i < c.Dim; i++ {
		if h.Signal[i], err = uv("signal"); err != nil {
			return nil, err
		}
		if h.Pad[i][0], err = uv("pad"); err != nil {
			return nil, err
		}
		if h.Pad[i][1], err = uv("pad"); err != nil {
			return nil, err
		}
		if h.Latent[i], err = uv("latent"); err != nil {
			return nil, err
		}
	}
	if h.ChunkFrames, err = uv("chunk frames"); err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, herr("length", "%d unparsed bytes", len(rest))
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	return h, nil
}

// chunk layout: frames u32, payload length u32, payload, CRC-32C u32 over
// the eight header bytes and the payload.
const chunkHead = 8

// maxPayload bounds the payload an encoder can produce for perChannel
// latent values in each of channels blocks: a mode byte, then per block
// (the shared mode is smaller, or it is not chosen) a kind byte, the
// context count and thresholds, up to maxCtx tables of at most 3 + 670
// bytes each (255 Rice codes of under 21 bits with the parameter
// appendTable picks), a length varint and at most 2 bytes per value plus
// the final state.
func maxPayload(channels, perChannel int) int64 {
	return 1 + int64(channels)*(1+maxCtx+maxCtx*673+10+2*int64(perChannel)+8)
}

// safeMul returns a*b or false when it would pass math.MaxInt64/2.
func safeMul(a, b int64) (int64, bool) {
	if a < 0 || b < 0 {
		return 0, false
	}
	if a != 0 && b > (math.MaxInt64/2)/a {
		return 0, false
	}
	return a * b, true
}
