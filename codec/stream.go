package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// DefaultChunkValues is the chunk size an Encoder aims for when the
// header leaves ChunkFrames zero: about 64 Ki latent values, large enough
// that tables cost little, small enough that a damaged chunk loses little.
const DefaultChunkValues = 1 << 18

// Encoder writes a stream chunk by chunk: latent frames go in as they are
// produced and only one chunk is held in memory.
type Encoder struct {
	w        io.Writer
	h        Header
	c, width int
	buf      []int8 // [c, buffered frames, width] for up to ChunkFrames frames
	nbuf     int    // frames buffered
	frames   int    // frames written in finished chunks
	chunks   int
	cc       chunkCoder
	blocks   [][]int8
	out      []byte
	endSig   int
	endPad   int
	closed   bool
	err      error
}

// NewEncoder validates h, writes the stream header to w and returns an
// Encoder. A zero h.ChunkFrames is set from DefaultChunkValues.
func NewEncoder(w io.Writer, h *Header) (*Encoder, error) {
	e := &Encoder{w: w, h: *h}
	e.h.Signal = append([]int(nil), h.Signal...)
	e.h.Pad = append([][2]int(nil), h.Pad...)
	e.h.Latent = append([]int(nil), h.Latent...)
	if e.h.ChunkFrames == 0 && len(e.h.Latent) == e.h.Config.Dim && e.h.Config.Dim > 0 {
		per := e.h.Config.LatentChannels
		if e.h.Config.Dim == 2 {
			per *= max(e.h.Latent[1], 1)
		}
		e.h.ChunkFrames = max(1, DefaultChunkValues/max(per, 1))
	}
	hb, err := e.h.marshal()
	if err != nil {
		return nil, err
	}
	e.c, e.width = e.h.Config.LatentChannels, e.h.Width()
	if cv, ok := safeMul(int64(e.c)*int64(e.width), int64(e.h.ChunkFrames)); !ok || cv > int64(DefaultLimits.MaxChunkValues) {
		return nil, fmt.Errorf("codec: chunks of %d frames × %d channels × %d exceed %d values", e.h.ChunkFrames, e.c, e.width, DefaultLimits.MaxChunkValues)
	}
	if e.h.Streamed {
		e.endPad = 0
	} else {
		e.endSig, e.endPad = e.h.Signal[0], e.h.Pad[0][1]
	}
	if _, err := w.Write(hb); err != nil {
		return nil, err
	}
	return e, nil
}

// Header returns the header as written.
func (e *Encoder) Header() *Header { return &e.h }

// Write adds frames latent frames (rows for Dim 2). lat is channel-major,
// [LatentChannels, frames, width], as the projection produces it. Full
// chunks are coded and written as they fill.
func (e *Encoder) Write(lat []int8, frames int) error {
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return errors.New("codec: Write after Close")
	}
	if frames < 0 || len(lat) != e.c*frames*e.width {
		return fmt.Errorf("codec: %d values for %d frames of %d channels × %d", len(lat), frames, e.c, e.width)
	}
	if i, ok := inRange(lat, e.h.Config.LatentBits); !ok {
		return fmt.Errorf("codec: latent value %d at %d does not fit %d bits", lat[i], i, e.h.Config.LatentBits)
	}
	if !e.h.Streamed && e.frames+e.nbuf+frames > e.h.Latent[0] {
		return fmt.Errorf("codec: %d frames written, header declares %d", e.frames+e.nbuf+frames, e.h.Latent[0])
	}
	cf := e.h.ChunkFrames
	if e.buf == nil {
		e.buf = make([]int8, e.c*cf*e.width)
	}
	for done := 0; done < frames; {
		k := min(cf-e.nbuf, frames-done)
		for ch := 0; ch < e.c; ch++ {
			src := lat[(ch*frames+done)*e.width : (ch*frames+done+k)*e.width]
			copy(e.buf[(ch*cf+e.nbuf)*e.width:], src)
		}
		e.nbuf += k
		done += k
		if e.nbuf == cf {
			if err := e.Flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Flush codes the buffered frames as one chunk, even if it is short.
func (e *Encoder) Flush() error {
	if e.err != nil || e.nbuf == 0 {
		return e.err
	}
	cf, k := e.h.ChunkFrames, e.nbuf
	e.out = append(e.out[:0], make([]byte, chunkHead)...)
	e.blocks = e.blocks[:0]
	for ch := 0; ch < e.c; ch++ {
		e.blocks = append(e.blocks, e.buf[ch*cf*e.width:(ch*cf+k)*e.width])
	}
	e.out = e.cc.appendChunk(e.out, e.blocks, k, e.width)
	e.frames += k
	e.nbuf = 0
	return e.writeChunk(uint32(k))
}

func (e *Encoder) writeChunk(frames uint32) error {
	binary.LittleEndian.PutUint32(e.out[0:], frames)
	binary.LittleEndian.PutUint32(e.out[4:], uint32(len(e.out)-chunkHead))
	e.out = binary.LittleEndian.AppendUint32(e.out, crc32.Checksum(e.out, castagnoli))
	e.chunks++
	if _, err := e.w.Write(e.out); err != nil {
		e.err = err
	}
	return e.err
}

// SetEnd records, for a streamed header, the final signal length and the
// padding after it; Close writes them in the end chunk.
func (e *Encoder) SetEnd(signalLength, padAfter int) {
	e.endSig, e.endPad = signalLength, padAfter
}

// Close flushes buffered frames and writes the end chunk. It does not
// close the underlying writer.
func (e *Encoder) Close() error {
	if e.closed {
		return e.err
	}
	if err := e.Flush(); err != nil {
		return err
	}
	e.closed = true
	if !e.h.Streamed && e.frames != e.h.Latent[0] {
		e.err = fmt.Errorf("codec: %d frames written, header declares %d", e.frames, e.h.Latent[0])
		return e.err
	}
	if e.endSig < 0 || e.endSig >= maxDim || e.endPad < 0 || e.endPad >= maxDim {
		e.err = fmt.Errorf("codec: end signal length %d, padding %d out of range", e.endSig, e.endPad)
		return e.err
	}
	e.out = append(e.out[:0], make([]byte, chunkHead)...)
	e.out = binary.AppendUvarint(e.out, uint64(e.frames))
	e.out = binary.AppendUvarint(e.out, uint64(e.endSig))
	e.out = binary.AppendUvarint(e.out, uint64(e.endPad))
	return e.writeChunk(0)
}

// Encode writes a whole latent, [LatentChannels, frames, width] as h
// describes it, as one stream.
func Encode(w io.Writer, h *Header, lat []int8) error {
	e, err := NewEncoder(w, h)
	if err != nil {
		return err
	}
	if err := e.Write(lat, e.h.Latent[0]); err != nil {
		return err
	}
	return e.Close()
}

// Chunk is one decoded chunk: Frames latent frames (rows) starting at
// frame Start, channel-major [LatentChannels, Frames, width].
type Chunk struct {
	Index  int
	Start  int
	Frames int
	Latent []int8
}

// Decoder reads a stream chunk by chunk.
type Decoder struct {
	r       *countReader
	h       *Header
	lim     Limits
	c, w    int
	index   int
	frames  int
	values  int64
	done    bool
	err     error
	cc      chunkCoder
	payload []byte
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// readFull reads len(p) bytes; a short read is ErrTruncated.
func (c *countReader) readFull(p []byte, what string) error {
	if _, err := io.ReadFull(c, p); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: %s", ErrTruncated, what)
		}
		return err
	}
	return nil
}

// NewDecoder reads and checks the stream header. lim bounds what the
// decoder will allocate; nil means DefaultLimits.
func NewDecoder(r io.Reader, lim *Limits) (*Decoder, error) {
	d := &Decoder{r: &countReader{r: r}, lim: lim.withDefaults()}
	var pre [8]byte
	if err := d.r.readFull(pre[:], "header"); err != nil {
		return nil, &HeaderError{Field: "preamble", Err: err}
	}
	if string(pre[:4]) != Magic {
		return nil, &HeaderError{Field: "magic", Err: fmt.Errorf("%w: %q is not %q", ErrCorrupt, pre[:4], Magic)}
	}
	if pre[4] != Version {
		return nil, &HeaderError{Field: "version", Err: fmt.Errorf("%w %d (this decoder reads %d)", ErrVersion, pre[4], Version)}
	}
	hl := int(binary.LittleEndian.Uint16(pre[6:]))
	if hl < headerFixed+4 || hl > maxHeader {
		return nil, &HeaderError{Field: "length", Err: fmt.Errorf("%w: header of %d bytes", ErrCorrupt, hl)}
	}
	b := make([]byte, hl)
	copy(b, pre[:])
	if err := d.r.readFull(b[8:], "header"); err != nil {
		return nil, &HeaderError{Field: "body", Err: err}
	}
	h, err := unmarshalHeader(b)
	if err != nil {
		return nil, err
	}
	d.h, d.c, d.w = h, h.Config.LatentChannels, h.Width()
	per, ok := safeMul(int64(d.c), int64(d.w))
	if !ok {
		return nil, &HeaderError{Field: "latent", Err: ErrLimit}
	}
	if cv, ok := safeMul(per, int64(h.ChunkFrames)); !ok || cv > int64(d.lim.MaxChunkValues) {
		return nil, &HeaderError{Field: "chunk frames", Err: fmt.Errorf("%w: chunks of %d frames × %d values, limit %d values", ErrLimit, h.ChunkFrames, per, d.lim.MaxChunkValues)}
	}
	if tv, ok := safeMul(per, int64(h.Latent[0])); !ok || tv > d.lim.MaxValues {
		return nil, &HeaderError{Field: "latent", Err: fmt.Errorf("%w: latent of %d values, limit %d", ErrLimit, tv, d.lim.MaxValues)}
	}
	return d, nil
}

// Header returns the stream header. For a streamed stream its length
// fields are filled in once Next has returned io.EOF.
func (d *Decoder) Header() *Header { return d.h }

// Next decodes the next chunk. After the end chunk it returns io.EOF. A
// damaged or truncated chunk gives a *ChunkError; every later call returns
// the same error.
func (d *Decoder) Next() (*Chunk, error) {
	if d.err != nil {
		return nil, d.err
	}
	if d.done {
		return nil, io.EOF
	}
	off := d.r.n
	ch, err := d.next()
	if err != nil {
		d.err = &ChunkError{Index: d.index, Offset: off, Frame: d.frames, Err: err}
		return nil, d.err
	}
	if ch == nil {
		d.done = true
		return nil, io.EOF
	}
	d.index++
	return ch, nil
}

func (d *Decoder) next() (*Chunk, error) {
	if d.index >= d.lim.MaxChunks {
		return nil, fmt.Errorf("%w: more than %d chunks", ErrLimit, d.lim.MaxChunks)
	}
	var hd [chunkHead]byte
	if err := d.r.readFull(hd[:], "chunk header"); err != nil {
		return nil, err
	}
	frames := int64(binary.LittleEndian.Uint32(hd[0:]))
	plen := int64(binary.LittleEndian.Uint32(hd[4:]))
	perChannel := frames * int64(d.w)
	var bound int64 = 3 * binary.MaxVarintLen64
	if frames > 0 {
		if frames > int64(d.h.ChunkFrames) {
			return nil, fmt.Errorf("%w: chunk of %d frames, header says at most %d", ErrCorrupt, frames, d.h.ChunkFrames)
		}
		if !d.h.Streamed && int64(d.frames)+frames > int64(d.h.Latent[0]) {
			return nil, fmt.Errorf("%w: chunk ends at frame %d, latent has %d", ErrCorrupt, int64(d.frames)+frames, d.h.Latent[0])
		}
		if d.values+perChannel*int64(d.c) > d.lim.MaxValues {
			return nil, fmt.Errorf("%w: more than %d latent values", ErrLimit, d.lim.MaxValues)
		}
		bound = maxPayload(d.c, int(perChannel))
	}
	if plen > bound {
		return nil, fmt.Errorf("%w: chunk payload of %d bytes, at most %d possible", ErrCorrupt, plen, bound)
	}
	// Grow the buffer as bytes arrive rather than by the declared length,
	// so a stream cut short cannot make the decoder allocate what it
	// merely claims.
	want := int(plen + 4)
	p := d.payload[:0]
	for len(p) < want {
		step := min(want-len(p), max(len(p), 1<<16))
		if cap(p)-len(p) < step {
			p = append(p[:cap(p)], make([]byte, step-(cap(p)-len(p)))...)[:len(p)]
		}
		if err := d.r.readFull(p[len(p):len(p)+step], fmt.Sprintf("chunk payload of %d bytes", plen)); err != nil {
			return nil, err
		}
		p = p[:len(p)+step]
	}
	d.payload = p
	crc := crc32.Update(crc32.Checksum(hd[:], castagnoli), castagnoli, p[:plen])
	if stored := binary.LittleEndian.Uint32(p[plen:]); crc != stored {
		return nil, fmt.Errorf("%w: CRC %08x, stored %08x", ErrChecksum, crc, stored)
	}
	p = p[:plen]
	if frames == 0 {
		return nil, d.end(p)
	}
	out := make([]int8, int(perChannel)*d.c)
	if err := d.cc.decodeChunk(p, out, d.c, int(frames), d.w); err != nil {
		return nil, err
	}
	if i, ok := inRange(out, d.h.Config.LatentBits); !ok {
		return nil, fmt.Errorf("%w: value %d at %d does not fit the stream's %d latent bits", ErrCorrupt, out[i], i, d.h.Config.LatentBits)
	}
	ch := &Chunk{Index: d.index, Start: d.frames, Frames: int(frames), Latent: out}
	d.frames += int(frames)
	d.values += perChannel * int64(d.c)
	return ch, nil
}

// end checks the end chunk and completes a streamed header.
func (d *Decoder) end(p []byte) error {
	var v [3]uint64
	for i := range v {
		x, m := binary.Uvarint(p)
		if m <= 0 || x >= maxDim {
			return fmt.Errorf("%w: end chunk field %d unreadable", ErrCorrupt, i)
		}
		v[i], p = x, p[m:]
	}
	if len(p) != 0 {
		return fmt.Errorf("%w: %d extra bytes in the end chunk", ErrCorrupt, len(p))
	}
	if int(v[0]) != d.frames {
		return fmt.Errorf("%w: end chunk counts %d frames, stream held %d", ErrCorrupt, v[0], d.frames)
	}
	if d.h.Streamed {
		d.h.Latent[0], d.h.Signal[0], d.h.Pad[0][1] = int(v[0]), int(v[1]), int(v[2])
		return nil
	}
	if d.frames != d.h.Latent[0] || int(v[1]) != d.h.Signal[0] || int(v[2]) != d.h.Pad[0][1] {
		return fmt.Errorf("%w: end chunk (%d frames, signal %d, pad %d) disagrees with the header", ErrCorrupt, v[0], v[1], v[2])
	}
	return nil
}

// Stream is a decoded stream: the header and the latent frames decoded,
// channel-major [LatentChannels, Frames, width].
type Stream struct {
	Header *Header
	Frames int
	Latent []int8
}

// Decode reads a whole stream. When a chunk is damaged it returns the
// frames of the chunks before it together with the *ChunkError; when the
// header is damaged it returns a nil Stream.
func Decode(r io.Reader, lim *Limits) (*Stream, error) {
	d, err := NewDecoder(r, lim)
	if err != nil {
		return nil, err
	}
	var chunks []*Chunk
	for {
		ch, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return d.assemble(chunks), err
		}
		chunks = append(chunks, ch)
	}
	return d.assemble(chunks), nil
}

// assemble joins chunks into one channel-major latent.
func (d *Decoder) assemble(chunks []*Chunk) *Stream {
	s := &Stream{Header: d.h, Frames: d.frames}
	if len(chunks) == 1 {
		s.Latent = chunks[0].Latent
		return s
	}
	s.Latent = make([]int8, d.c*d.frames*d.w)
	for _, ch := range chunks {
		for c := 0; c < d.c; c++ {
			src := ch.Latent[c*ch.Frames*d.w : (c+1)*ch.Frames*d.w]
			copy(s.Latent[(c*d.frames+ch.Start)*d.w:], src)
		}
	}
	return s
}

// inRange reports whether every value of lat fits bits-bit two's
// complement, and if not the index of the first that does not.
func inRange(lat []int8, bits int) (int, bool) {
	if bits >= 8 {
		return 0, true
	}
	lo, hi := int8(-1<<(bits-1)), int8(1<<(bits-1)-1)
	for i, v := range lat {
		if v < lo || v > hi {
			return i, false
		}
	}
	return 0, true
}
