package codec

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// The entropy coder for int8 latents.
//
// A latent channel block (rows × width values of one channel, row-major)
// is coded on its own: a predictor turns values into residuals, the
// residuals' histogram becomes a static frequency table quantised to a
// power-of-two total, the table is written compactly, and the residuals are
// coded with a byte-wise renormalising rANS coder with a 32-bit state.
//
// Why static per-block tables rather than an adaptive model: rANS decodes
// with one table look-up, one multiply and a shift per value, which is what
// a sensor-class core can afford; the table costs a few bits per used
// symbol and its total scales with the block (2^ceil(log2 n), at most
// 2^15), so short blocks pay for a coarse table and long blocks get a
// precise one. Every step is integer arithmetic, so the same latent gives
// the same bytes on every architecture; the encoder's choice of predictor
// uses an integer cost estimate for the same reason.

const (
	ransL        = 1 << 23 // lower bound of the normalised state
	maxScaleBits = 15      // largest table total, 2^15
)

// Predictors; the encoder picks the one with the smallest estimated size.
const (
	predNone = 0 // residual = value
	predLeft = 1 // previous value in the row; first of a row: the value above
	predMED  = 2 // LOCO-I median edge detector from left, above, above-left
	numPred  = 3
)

// Block kinds, in the high nibble of a block's first byte.
const (
	kindEmpty = 0 // no values
	kindConst = 1 // every residual equals the one byte that follows
	kindRANS  = 2 // table, uvarint length, rANS bytes
	// kindPacked stores each symbol minus the smallest in a fixed number
	// of bits. It caps the cost of blocks too short or too flat for a
	// table to pay for itself at 8 bits per value plus three bytes.
	kindPacked = 3
)

// blockCoder holds scratch space reused across blocks so that steady-state
// coding does not allocate.
type blockCoder struct {
	sym []uint8 // residual symbols of the block
	out []byte  // rANS output, written back to front
	lut []uint8 // slot -> symbol for decoding
	tw  bitWriter
}

// toSym maps a residual to a table index so that small residuals of either
// sign are neighbours: -128 -> 0, 0 -> 128, 127 -> 255.
func toSym(r int8) uint8   { return uint8(r) ^ 0x80 }
func fromSym(s uint8) int8 { return int8(s ^ 0x80) }

func med(a, b, c int8) int8 {
	mx, mn := a, b
	if mn > mx {
		mx, mn = mn, mx
	}
	switch {
	case c >= mx:
		return mn
	case c <= mn:
		return mx
	}
	return a + b - c // lies between mn and mx, so no overflow
}

// predict returns the prediction for x[i*width+j] under predictor p from
// values already known (earlier in row-major order).
func predict(x []int8, i, j, width, p int) int8 {
	switch p {
	case predLeft:
		if j > 0 {
			return x[i*width+j-1]
		}
		if i > 0 {
			return x[(i-1)*width]
		}
	case predMED:
		switch {
		case i > 0 && j > 0:
			return med(x[i*width+j-1], x[(i-1)*width+j], x[(i-1)*width+j-1])
		case j > 0:
			return x[j-1]
		case i > 0:
			return x[(i-1)*width]
		}
	}
	return 0
}

// residuals writes the symbols of x under predictor p into sym and counts
// them.
func residuals(sym []uint8, x []int8, rows, width, p int, count *[256]uint32) {
	*count = [256]uint32{}
	if p == predNone {
		for k, v := range x {
			s := toSym(v)
			sym[k] = s
			count[s]++
		}
		return
	}
	for i := 0; i < rows; i++ {
		row := x[i*width : (i+1)*width]
		for j := range row {
			var pr int8
			if p == predLeft && j > 0 {
				pr = row[j-1]
			} else {
				pr = predict(x, i, j, width, p)
			}
			s := toSym(row[j] - pr)
			sym[i*width+j] = s
			count[s]++
		}
	}
}

// scaleBitsFor is the table precision for a block of n values: the
// smallest power of two not below n, at most 2^15. It is at least the
// number of distinct symbols, so every used symbol gets a frequency.
func scaleBitsFor(n int) uint {
	sb := uint(bits.Len(uint(n - 1)))
	if sb < 1 {
		sb = 1
	}
	if sb > maxScaleBits {
		sb = maxScaleBits
	}
	return sb
}

// normalize quantises count (summing to n, at least two symbols used) to
// freq summing exactly to 2^sb with every used symbol kept at least 1.
// Integer only; ties go to the lowest symbol.
func normalize(count *[256]uint32, n int, sb uint, freq *[256]uint32) {
	total := uint64(1) << sb
	var sum uint64
	for s, c := range count {
		f := uint64(0)
		if c > 0 {
			f = (uint64(c)*total + uint64(n)/2) / uint64(n)
			if f == 0 {
				f = 1
			}
		}
		freq[s] = uint32(f)
		sum += f
	}
	for sum != total {
		big := 0
		for s := range freq {
			if freq[s] > freq[big] {
				big = s
			}
		}
		if sum < total {
			freq[big] += uint32(total - sum)
			return
		}
		// Too much: take from the largest frequency, keeping it >= 1.
		d := min(sum-total, uint64(freq[big]-1))
		freq[big] -= uint32(d)
		sum -= d
	}
}

// log2q8 is log2(f) in units of 1/256 bit for f >= 1, by integer
// squaring, so the encoder's estimates are identical everywhere.
func log2q8(f uint32) uint32 {
	lg := uint32(bits.Len32(f) - 1)
	y := uint64(f) << (32 - lg) >> 16 // f / 2^lg in Q16, in [1, 2)
	var frac uint32
	for i := 7; i >= 0; i-- {
		y = y * y >> 16
		if y >= 2<<16 {
			y >>= 1
			frac |= 1 << i
		}
	}
	return lg<<8 | frac
}

func zigzag(v int32) uint32   { return uint32(v<<1) ^ uint32(v>>31) }
func unzigzag(u uint32) int32 { return int32(u>>1) ^ -int32(u&1) }

// tableRange returns the first and last used symbol.
func tableRange(freq *[256]uint32) (lo, hi int) {
	lo, hi = 0, 255
	for freq[lo] == 0 {
		lo++
	}
	for freq[hi] == 0 {
		hi--
	}
	return lo, hi
}

// tableDeltas returns zigzagged frequency differences for lo..hi-1 (the
// last frequency is implied by the total) and the Rice parameter that
// codes them in the fewest bits.
func tableDeltas(freq *[256]uint32, lo, hi int, d *[256]uint32) (n int, k uint, nbits int) {
	prev := int32(0)
	for s := lo; s < hi; s++ {
		d[n] = zigzag(int32(freq[s]) - prev)
		prev = int32(freq[s])
		n++
	}
	nbits = -1
	for kk := uint(0); kk < 16; kk++ {
		b := 0
		for _, v := range d[:n] {
			b += int(v>>kk) + 1 + int(kk)
		}
		if nbits < 0 || b < nbits {
			nbits, k = b, kk
		}
	}
	return n, k, nbits
}

// estimate is the size in 1/256 bits of coding count with table freq,
// including the table.
func estimate(count, freq *[256]uint32, sb uint) uint64 {
	lo, hi := tableRange(freq)
	var d [256]uint32
	_, _, tb := tableDeltas(freq, lo, hi, &d)
	cost := uint64(24+tb) << 8
	for s, c := range count {
		if c > 0 {
			cost += uint64(c) * (uint64(sb)<<8 - uint64(log2q8(freq[s])))
		}
	}
	return cost
}

// appendBlock codes one channel block x (rows × width) onto dst.
func (bc *blockCoder) appendBlock(dst []byte, x []int8, rows, width int) []byte {
	n := len(x)
	if n == 0 {
		return append(dst, kindEmpty<<4)
	}
	if cap(bc.sym) < n {
		bc.sym = make([]uint8, n)
	}
	sym := bc.sym[:n]
	sb := scaleBitsFor(n)

	var count, freq [256]uint32
	best, bestKind, bestCost := -1, kindRANS, uint64(0)
	for p := 0; p < numPred; p++ {
		if p == predMED && (rows < 2 || width < 2) {
			continue
		}
		residuals(sym, x, rows, width, p, &count)
		if count[sym[0]] == uint32(n) {
			return append(dst, kindConst<<4|byte(p), sym[0])
		}
		lo, hi := tableRange(&count)
		if c := uint64(24+n*packedBits(lo, hi)) << 8; best < 0 || c < bestCost {
			best, bestKind, bestCost = p, kindPacked, c
		}
		normalize(&count, n, sb, &freq)
		if c := estimate(&count, &freq, sb); c < bestCost {
			best, bestKind, bestCost = p, kindRANS, c
		}
	}
	residuals(sym, x, rows, width, best, &count)
	if bestKind == kindPacked {
		lo, hi := tableRange(&count)
		nb := packedBits(lo, hi)
		dst = append(dst, kindPacked<<4|byte(best), byte(lo), byte(nb))
		bc.tw.reset(dst)
		for _, s := range sym {
			bc.tw.bits(uint32(s)-uint32(lo), uint(nb))
		}
		return bc.tw.flush()
	}
	normalize(&count, n, sb, &freq)

	dst = append(dst, kindRANS<<4|byte(best))
	dst = bc.appendTable(dst, &freq, sb)

	var start [256]uint32
	acc := uint32(0)
	for s := range freq {
		start[s] = acc
		acc += freq[s]
	}
	if cap(bc.out) < 2*n+8 {
		bc.out = make([]byte, 2*n+8)
	}
	out := bc.out[:2*n+8]
	pos := len(out)
	x32 := uint32(ransL)
	for i := n - 1; i >= 0; i-- {
		s := sym[i]
		f := freq[s]
		xmax := ((ransL >> sb) << 8) * f
		for x32 >= xmax {
			pos--
			out[pos] = byte(x32)
			x32 >>= 8
		}
		x32 = (x32/f)<<sb + x32%f + start[s]
	}
	pos -= 4
	binary.LittleEndian.PutUint32(out[pos:], x32)
	dst = binary.AppendUvarint(dst, uint64(len(out)-pos))
	return append(dst, out[pos:]...)
}

// packedBits is the number of bits that holds every symbol in lo..hi as
// an offset from lo.
func packedBits(lo, hi int) int { return bits.Len(uint(hi - lo)) }

// appendTable writes lo, hi, a byte holding the precision and the Rice
// parameter, then the Rice-coded zigzag differences of the frequencies of
// lo..hi-1, padded to a byte.
func (bc *blockCoder) appendTable(dst []byte, freq *[256]uint32, sb uint) []byte {
	lo, hi := tableRange(freq)
	var d [256]uint32
	n, k, _ := tableDeltas(freq, lo, hi, &d)
	dst = append(dst, byte(lo), byte(hi), byte(sb)<<4|byte(k))
	bc.tw.reset(dst)
	for _, v := range d[:n] {
		for q := v >> k; q > 0; q-- {
			bc.tw.bit(1)
		}
		bc.tw.bit(0)
		bc.tw.bits(v, k)
	}
	return bc.tw.flush()
}

// decodeBlock decodes one channel block from src into x (rows × width) and
// returns the number of bytes it used. Errors wrap ErrCorrupt.
func (bc *blockCoder) decodeBlock(src []byte, x []int8, rows, width int) (int, error) {
	n := len(x)
	if len(src) < 1 {
		return 0, corruptf("block header missing")
	}
	kind, p := int(src[0]>>4), int(src[0]&15)
	if p >= numPred {
		return 0, corruptf("unknown predictor %d", p)
	}
	switch kind {
	case kindEmpty:
		if n != 0 || p != 0 {
			return 0, corruptf("empty block where %d values are due", n)
		}
		return 1, nil
	case kindConst:
		if n == 0 || len(src) < 2 {
			return 0, corruptf("constant block truncated or misplaced")
		}
		s := src[1]
		for i := 0; i < rows; i++ {
			for j := 0; j < width; j++ {
				x[i*width+j] = fromSym(s) + predict(x, i, j, width, p)
			}
		}
		return 2, nil
	case kindPacked:
		if n == 0 || len(src) < 3 {
			return 0, corruptf("packed block truncated or misplaced")
		}
		lo, nb := int(src[1]), uint(src[2])
		if nb < 1 || nb > 8 {
			return 0, corruptf("packed block of %d-bit offsets from %d", nb, lo)
		}
		size := 3 + (n*int(nb)+7)/8
		if len(src) < size {
			return 0, corruptf("packed block needs %d bytes, %d left", size, len(src))
		}
		if cap(bc.sym) < n {
			bc.sym = make([]uint8, n)
		}
		br := bitReader{buf: src[3:size]}
		for k := 0; k < n; k++ {
			v, _ := br.bits(nb)
			if lo+int(v) > 255 {
				return 0, corruptf("packed symbol %d beyond 255", lo+int(v))
			}
			bc.sym[k] = uint8(lo + int(v))
		}
		unpredict(x, bc.sym[:n], rows, width, p)
		return size, nil
	case kindRANS:
	default:
		return 0, corruptf("unknown block kind %d", kind)
	}
	if n < 2 {
		return 0, corruptf("rANS block of %d values", n)
	}
	var freq [256]uint32
	used, sb, err := bc.readTable(src[1:], &freq)
	if err != nil {
		return 0, err
	}
	if sb != scaleBitsFor(n) {
		return 0, corruptf("table precision 2^%d for %d values, want 2^%d", sb, n, scaleBitsFor(n))
	}
	if cap(bc.sym) < n {
		bc.sym = make([]uint8, n)
	}
	pos := 1 + used
	ln, m := binary.Uvarint(src[pos:])
	if m <= 0 {
		return 0, corruptf("rANS length unreadable")
	}
	pos += m
	if ln < 4 || ln > uint64(len(src)-pos) || ln > uint64(2*n+8) {
		return 0, corruptf("rANS length %d with %d bytes left", ln, len(src)-pos)
	}
	buf := src[pos : pos+int(ln)]
	pos += int(ln)

	total := 1 << sb
	if cap(bc.lut) < total {
		bc.lut = make([]uint8, 1<<maxScaleBits)
	}
	lut := bc.lut[:total]
	var start [256]uint32
	acc := uint32(0)
	for s := range freq {
		start[s] = acc
		for k := acc; k < acc+freq[s]; k++ {
			lut[k] = uint8(s)
		}
		acc += freq[s]
	}
	mask := uint32(total - 1)
	st := binary.LittleEndian.Uint32(buf)
	r := 4
	for k := 0; k < n; k++ {
		slot := st & mask
		s := lut[slot]
		st = freq[s]*(st>>sb) + slot - start[s]
		for st < ransL {
			if r >= len(buf) {
				return 0, corruptf("rANS data ends after %d of %d values", k, n)
			}
			st = st<<8 | uint32(buf[r])
			r++
		}
		bc.sym[k] = s
	}
	if st != ransL || r != len(buf) {
		return 0, corruptf("rANS final state %#x with %d of %d bytes read", st, r, len(buf))
	}
	unpredict(x, bc.sym[:n], rows, width, p)
	return pos, nil
}

// unpredict rebuilds values from residual symbols.
func unpredict(x []int8, sym []uint8, rows, width, p int) {
	if p == predNone {
		for k, s := range sym {
			x[k] = fromSym(s)
		}
		return
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < width; j++ {
			k := i*width + j
			if p == predLeft && j > 0 {
				x[k] = fromSym(sym[k]) + x[k-1]
			} else {
				x[k] = fromSym(sym[k]) + predict(x, i, j, width, p)
			}
		}
	}
}

// readTable parses a table written by appendTable and checks that it is
// a valid distribution: frequencies summing exactly to 2^sb, the first and
// last symbol used.
func (bc *blockCoder) readTable(src []byte, freq *[256]uint32) (int, uint, error) {
	if len(src) < 3 {
		return 0, 0, corruptf("frequency table truncated")
	}
	lo, hi := int(src[0]), int(src[1])
	sb, k := uint(src[2]>>4), uint(src[2]&15)
	if lo >= hi {
		return 0, 0, corruptf("frequency table range %d..%d", lo, hi)
	}
	if sb < 1 || sb > maxScaleBits {
		return 0, 0, corruptf("table precision 2^%d", sb)
	}
	total := uint32(1) << sb
	// A zigzagged difference of two frequencies in [0, total] is below
	// 2·total+1, which bounds the unary part a hostile table can claim.
	maxQ := (2*total + 1) >> k
	br := bitReader{buf: src[3:]}
	prev := int32(0)
	sum := uint32(0)
	for s := lo; s < hi; s++ {
		q := uint32(0)
		for {
			b, ok := br.bit()
			if !ok {
				return 0, 0, corruptf("frequency table truncated at symbol %d", s)
			}
			if b == 0 {
				break
			}
			if q++; q > maxQ {
				return 0, 0, corruptf("frequency of symbol %d too large", s)
			}
		}
		low, ok := br.bits(k)
		if !ok {
			return 0, 0, corruptf("frequency table truncated at symbol %d", s)
		}
		f := prev + unzigzag(q<<k|low)
		if f < 0 || uint32(f) >= total || (s == lo && f == 0) {
			return 0, 0, corruptf("frequency %d of symbol %d", f, s)
		}
		freq[s] = uint32(f)
		sum += uint32(f)
		if sum >= total {
			return 0, 0, corruptf("frequencies exceed the total 2^%d", sb)
		}
		prev = f
	}
	freq[hi] = total - sum
	return 3 + br.bytesUsed(), sb, nil
}

func corruptf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, a...))
}
