package codec

// bitWriter appends bits least-significant first to a byte slice.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *bitWriter) reset(dst []byte) { w.buf, w.acc, w.n = dst, 0, 0 }

func (w *bitWriter) bit(b uint32) { w.bits(b, 1) }

// bits writes the low k bits of v, k <= 32.
func (w *bitWriter) bits(v uint32, k uint) {
	w.acc |= uint64(v&(1<<k-1)) << w.n
	w.n += k
	for w.n >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

// flush pads the last byte with zeros and returns the slice.
func (w *bitWriter) flush() []byte {
	if w.n > 0 {
		w.buf = append(w.buf, byte(w.acc))
	}
	w.acc, w.n = 0, 0
	return w.buf
}

// bitReader reads what bitWriter wrote; reads past the end report !ok.
type bitReader struct {
	buf []byte
	pos int // in bits
}

func (r *bitReader) bit() (uint32, bool) {
	if r.pos >= 8*len(r.buf) {
		return 0, false
	}
	b := uint32(r.buf[r.pos>>3]>>(r.pos&7)) & 1
	r.pos++
	return b, true
}

func (r *bitReader) bits(k uint) (uint32, bool) {
	var v uint32
	for i := uint(0); i < k; i++ {
		b, ok := r.bit()
		if !ok {
			return 0, false
		}
		v |= b << i
	}
	return v, true
}

func (r *bitReader) bytesUsed() int { return (r.pos + 7) >> 3 }
