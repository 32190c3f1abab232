package signal

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// WAVFormat describes the samples of a WAV stream.
type WAVFormat struct {
	Rate     int
	Channels int
	Bits     int  // per sample: 8, 16, 24, 32 (or 64 for float)
	Float    bool // IEEE float samples
	// Frames is the number of frames the header declares; -1 when the
	// stream does not say (a pipe that wrote 0xFFFFFFFF).
	Frames int64
}

// WAVReader streams the frames of a WAV file, converting samples to
// float32 in [-1, 1).
type WAVReader struct {
	Format WAVFormat
	r      io.Reader
	left   int64 // data bytes not yet read; -1 until EOF when unknown
	frame  int   // bytes per frame
	buf    []byte
}

const maxChunks = 64

// NewWAVReader reads the header and stops at the start of the samples.
func NewWAVReader(r io.Reader, lim Limits) (*WAVReader, error) {
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil {
		return nil, fmt.Errorf("%w: WAV header: %v", ErrFormat, err)
	}
	if string(riff[:4]) != "RIFF" || string(riff[8:]) != "WAVE" {
		return nil, fmt.Errorf("%w: not a RIFF/WAVE file", ErrFormat)
	}
	var f WAVFormat
	haveFmt := false
	for i := 0; i < maxChunks; i++ {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return nil, fmt.Errorf("%w: WAV chunk header: %v", ErrFormat, err)
		}
		id, size := string(ch[:4]), int64(binary.LittleEndian.Uint32(ch[4:]))
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 {
				return nil, fmt.Errorf("%w: WAV fmt chunk of %d bytes", ErrFormat, size)
			}
			b := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, fmt.Errorf("%w: WAV fmt chunk: %v", ErrFormat, err)
			}
			tag := binary.LittleEndian.Uint16(b[0:])
			f.Channels = int(binary.LittleEndian.Uint16(b[2:]))
			f.Rate = int(binary.LittleEndian.Uint32(b[4:]))
			f.Bits = int(binary.LittleEndian.Uint16(b[14:]))
			if tag == 0xfffe && size >= 26 { // WAVE_FORMAT_EXTENSIBLE: the subformat's first two bytes
				tag = binary.LittleEndian.Uint16(b[24:])
			}
			switch {
			case tag == 1 && (f.Bits == 8 || f.Bits == 16 || f.Bits == 24 || f.Bits == 32):
			case tag == 3 && (f.Bits == 32 || f.Bits == 64):
				f.Float = true
			default:
				return nil, fmt.Errorf("%w: WAV encoding %#x with %d-bit samples is not PCM or float", ErrFormat, tag, f.Bits)
			}
			if f.Channels < 1 || f.Channels > 64 || f.Rate < 1 || f.Rate > 10_000_000 {
				return nil, fmt.Errorf("%w: WAV with %d channels at %d Hz", ErrFormat, f.Channels, f.Rate)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, fmt.Errorf("%w: WAV data before fmt", ErrFormat)
			}
			w := &WAVReader{Format: f, r: r, frame: f.Channels * f.Bits / 8}
			if size == 0xffffffff {
				w.left, w.Format.Frames = -1, -1
			} else {
				w.left = size
				w.Format.Frames = size / int64(w.frame)
				if w.Format.Frames*int64(f.Channels) > int64(lim.samples()) {
					return nil, fmt.Errorf("%w: WAV of %d frames × %d channels (limit %d samples)", ErrTooLarge, w.Format.Frames, f.Channels, lim.samples())
				}
			}
			return w, nil
		default:
			// Skip LIST, fact and other chunks without storing them.
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return nil, fmt.Errorf("%w: WAV chunk %q truncated: %v", ErrFormat, id, err)
			}
		}
	}
	return nil, fmt.Errorf("%w: WAV has no data chunk in its first %d chunks", ErrFormat, maxChunks)
}

// Read fills dst[c][i] with up to len(dst[0]) frames and returns how many
// it read; io.EOF after the last frame. A stream that ends inside the
// frames its header declared is an error.
func (w *WAVReader) Read(dst [][]float32) (int, error) {
	if len(dst) != w.Format.Channels {
		return 0, fmt.Errorf("signal: %d destination channels for a %d-channel WAV", len(dst), w.Format.Channels)
	}
	want := len(dst[0])
	if w.left >= 0 {
		want = int(min(int64(want), w.left/int64(w.frame)))
	}
	if want == 0 {
		return 0, io.EOF
	}
	if need := want * w.frame; cap(w.buf) < need {
		w.buf = make([]byte, need)
	}
	b := w.buf[:want*w.frame]
	n, err := io.ReadFull(w.r, b)
	frames := n / w.frame
	if err != nil {
		if w.left >= 0 || (err != io.EOF && err != io.ErrUnexpectedEOF) {
			w.decode(dst, b, frames)
			return frames, fmt.Errorf("%w: WAV data truncated: %v", ErrFormat, err)
		}
		if frames == 0 {
			return 0, io.EOF
		}
	}
	if w.left >= 0 {
		w.left -= int64(frames * w.frame)
	}
	w.decode(dst, b, frames)
	return frames, nil
}

func (w *WAVReader) decode(dst [][]float32, b []byte, frames int) {
	ch, bps := w.Format.Channels, w.Format.Bits/8
	for i := 0; i < frames; i++ {
		for c := 0; c < ch; c++ {
			s := b[(i*ch+c)*bps:]
			var v float32
			switch {
			case w.Format.Float && bps == 4:
				v = math.Float32frombits(binary.LittleEndian.Uint32(s))
			case w.Format.Float:
				v = float32(math.Float64frombits(binary.LittleEndian.Uint64(s)))
			case bps == 1:
				v = float32(int(s[0])-128) / 128
			case bps == 2:
				v = float32(int16(binary.LittleEndian.Uint16(s))) / 32768
			case bps == 3:
				v = float32(int32(uint32(s[0])<<8|uint32(s[1])<<16|uint32(s[2])<<24)>>8) / (1 << 23)
			default:
				v = float32(float64(int32(binary.LittleEndian.Uint32(s))) / (1 << 31))
			}
			dst[c][i] = v
		}
	}
}

// Audio is a whole decoded signal, planar: Samples[c][i].
type Audio struct {
	Rate    int
	Samples [][]float32
}

// ReadWAV reads a whole WAV file.
func ReadWAV(r io.Reader, lim Limits) (*Audio, error) {
	w, err := NewWAVReader(r, lim)
	if err != nil {
		return nil, err
	}
	ch := w.Format.Channels
	a := &Audio{Rate: w.Format.Rate, Samples: make([][]float32, ch)}
	chunk := make([][]float32, ch)
	for c := range chunk {
		chunk[c] = make([]float32, 4096)
	}
	total := 0
	for {
		n, err := w.Read(chunk)
		total += n
		if total*ch > lim.samples() {
			return nil, fmt.Errorf("%w: WAV longer than %d samples", ErrTooLarge, lim.samples())
		}
		for c := range chunk {
			a.Samples[c] = append(a.Samples[c], chunk[c][:n]...)
		}
		if err == io.EOF {
			return a, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// WAVWriter writes 16-bit PCM. When the destination can seek, Close fixes
// the sizes in the header; on a pipe the sizes say "unknown", which
// streaming readers (including edgerun's) accept.
type WAVWriter struct {
	w        io.Writer
	channels int
	frames   int64
	buf      []byte
}

// NewWAVWriter writes the header.
func NewWAVWriter(w io.Writer, rate, channels int) (*WAVWriter, error) {
	if channels < 1 || channels > 64 || rate < 1 {
		return nil, fmt.Errorf("signal: WAV of %d channels at %d Hz", channels, rate)
	}
	h := make([]byte, 44)
	copy(h, "RIFF")
	binary.LittleEndian.PutUint32(h[4:], 0xffffffff)
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)
	binary.LittleEndian.PutUint16(h[22:], uint16(channels))
	binary.LittleEndian.PutUint32(h[24:], uint32(rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(rate*channels*2))
	binary.LittleEndian.PutUint16(h[32:], uint16(channels*2))
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], 0xffffffff)
	if _, err := w.Write(h); err != nil {
		return nil, err
	}
	return &WAVWriter{w: w, channels: channels}, nil
}

// Write appends frames from planar src, clipping to 16 bits with rounding.
func (w *WAVWriter) Write(src [][]float32) error {
	if len(src) != w.channels {
		return fmt.Errorf("signal: %d channels for a %d-channel WAV", len(src), w.channels)
	}
	n := len(src[0])
	if cap(w.buf) < 2*n*w.channels {
		w.buf = make([]byte, 2*n*w.channels)
	}
	b := w.buf[:2*n*w.channels]
	for i := 0; i < n; i++ {
		for c := 0; c < w.channels; c++ {
			v := math.RoundToEven(float64(src[c][i]) * 32768)
			v = math.Max(-32768, math.Min(32767, v))
			binary.LittleEndian.PutUint16(b[2*(i*w.channels+c):], uint16(int16(v)))
		}
	}
	w.frames += int64(n)
	_, err := w.w.Write(b)
	return err
}

// Close patches the header sizes when the destination can seek.
func (w *WAVWriter) Close() error {
	ws, ok := w.w.(io.WriteSeeker)
	if !ok {
		return nil
	}
	data := w.frames * int64(w.channels) * 2
	if data+36 > math.MaxUint32 {
		return nil // too long for RIFF sizes: leave "unknown"
	}
	var b [4]byte
	for _, f := range []struct {
		off int64
		v   uint32
	}{{4, uint32(36 + data)}, {40, uint32(data)}} {
		binary.LittleEndian.PutUint32(b[:], f.v)
		if _, err := ws.Seek(f.off, io.SeekStart); err != nil {
			return err
		}
		if _, err := ws.Write(b[:]); err != nil {
			return err
		}
	}
	_, err := ws.Seek(0, io.SeekEnd)
	return err
}
