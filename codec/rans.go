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
// Neighbours of a value: a left, b above, c above-left, d above-right;
// missing ones (first row, first or last column) fall back as neighbours
// in nbrs describes. A 1D block (width 1) uses predNone and predLeft only,
// predLeft then being the previous frame.
const (
	predNone = 0 // residual = value
	predLeft = 1 // a
	predUp   = 2 // b
	predAvg  = 3 // floor((a+b)/2)
	predMED  = 4 // LOCO-I median edge detector of a, b, c
	numPred  = 5
)

// Block kinds, in the high nibble of a block's first byte.
const (
	kindEmpty = 0 // no values
	kindConst = 1 // every residual equals the one byte that follows
	kindRANS  = 2 // contexts, tables, uvarint length, rANS bytes
	// kindPacked stores each symbol minus the smallest in a fixed number
	// of bits. It caps the cost of blocks too short or too flat for a
	// table to pay for itself at 8 bits per value plus three bytes.
	kindPacked = 3
)

// maxCtx is the largest number of coding contexts in a block. Values are
// sorted into contexts by the activity of their causal neighbourhood
// (the sum of absolute local gradients), each context with its own
// table: flat regions get sharp distributions, busy ones wide.
const maxCtx = 4

// minCtxValues is the smallest block the encoder tries to split into
// contexts: below it, a second table never pays for itself.
const minCtxValues = 512

// ransTable is one context's distribution, ready for coding.
type ransTable struct {
	freq, start [256]uint32
	sb          uint
	lut         int // offset of this table's slot -> symbol map in blockCoder.lut
}

// blockCoder holds scratch space reused across blocks so that steady-state
// coding does not allocate.
type blockCoder struct {
	sym  []uint8 // residual symbols of the block
	act  []uint8 // activity of each value
	ctx  []uint8 // context of each value
	out  []byte  // rANS output, written back to front
	lut  []uint8 // slot -> symbol maps of the decoding tables, one after another
	tabs [maxCtx]ransTable
	cnt  [maxCtx][256]uint32
	tw   bitWriter
}

// toSym maps a residual to a table index so that small residuals of either
// sign are neighbours: -128 -> 0, 0 -> 128, 127 -> 255.
func toSym(r int8) uint8   { return uint8(r) ^ 0x80 }
func fromSym(s uint8) int8 { return int8(s ^ 0x80) }

// nbrs returns the causal neighbours of x[i*width+j] for a 2D block. On
// the first row b, c, d fall back to a; in the first column a and c fall
// back to b; in the last column d falls back to b. For a 1D block
// (width 1) a, b, c are the previous three frames, each falling back to
// the one before it, and d = b.
func nbrs(x []int8, i, j, width int) (a, b, c, d int8) {
	if width == 1 {
		if i > 0 {
			a = x[i-1]
		}
		b, c = a, a
		if i > 1 {
			b, c = x[i-2], x[i-2]
		}
		if i > 2 {
			c = x[i-3]
		}
		return a, b, c, b
	}
	k := i*width + j
	switch {
	case i == 0 && j == 0:
		return 0, 0, 0, 0
	case i == 0:
		a = x[k-1]
		return a, a, a, a
	case j == 0:
		b = x[k-width]
		d = b
		if width > 1 {
			d = x[k-width+1]
		}
		return b, b, b, d
	}
	a, b, c = x[k-1], x[k-width], x[k-width-1]
	d = b
	if j+1 < width {
		d = x[k-width+1]
	}
	return a, b, c, d
}

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

func pred(p int, a, b, c int8) int8 {
	switch p {
	case predLeft:
		return a
	case predUp:
		return b
	case predAvg:
		return int8((int(a) + int(b)) >> 1)
	case predMED:
		return med(a, b, c)
	}
	return 0
}

func absDiff(a, b int8) int {
	if a > b {
		return int(a) - int(b)
	}
	return int(b) - int(a)
}

// activityOf is the context measure of a value's neighbourhood, capped at
// 255: |a-c| + |b-c| + |d-b| in 2D, |a-b| + |b-c| in 1D.
func activityOf(a, b, c, d int8, width int) uint8 {
	v := absDiff(a, b) + absDiff(b, c)
	if width > 1 {
		v = absDiff(a, c) + absDiff(b, c) + absDiff(d, b)
	}
	return uint8(min(v, 255))
}

// ctxOf returns the number of thresholds below act.
func ctxOf(act uint8, thr []uint8) uint8 {
	k := uint8(0)
	for _, t := range thr {
		if act > t {
			k++
		}
	}
	return k
}

// ctxTable maps every activity to its context under thr.
func ctxTable(thr []uint8, t *[256]uint8) {
	for v := range t {
		t[v] = ctxOf(uint8(v), thr)
	}
}

// thresholds splits the activity histogram into k contexts of about equal
// counts; duplicates are dropped, so fewer contexts may result.
func thresholds(hist *[256]uint32, n, k int) []uint8 {
	var thr []uint8
	cum, m := uint64(0), 1
	for v := 0; v < 255 && m < k; v++ {
		cum += uint64(hist[v])
		for m < k && cum*uint64(k) >= uint64(m)*uint64(n) {
			if len(thr) == 0 || thr[len(thr)-1] < uint8(v) {
				thr = append(thr, uint8(v))
			}
			m++
		}
	}
	return thr
}

// blockChoice is how a block will be coded.
type blockChoice struct {
	kind, p int
	thr     []uint8 // context thresholds (kindRANS)
	cost    uint64  // estimated size in 1/256 bits
}

// analyse chooses the coding of block x (rows × width) and leaves the
// residual symbols of the chosen predictor in sym and the activity of
// every value in act (both len(x)). The predictor is chosen with a
// single context; the context split only for the chosen predictor.
func (bc *blockCoder) analyse(x []int8, sym, act []uint8, rows, width int) blockChoice {
	n := len(x)
	var ahist [256]uint32
	activities(act, x, rows, width, &ahist)
	best := blockChoice{cost: ^uint64(0)}
	preds := numPred
	if width == 1 || rows == 1 {
		preds = 2
	}
	var count, freq [256]uint32
	sb := scaleBitsFor(n)
	last := -1
	for p := 0; p < preds; p++ {
		residuals(sym, x, rows, width, p)
		last = p
		histogram(sym, &count)
		if count[sym[0]] == uint32(n) {
			return blockChoice{kind: kindConst, p: p}
		}
		lo, hi := tableRange(&count)
		if c := uint64(24+n*packedBits(lo, hi)) << 8; c < best.cost {
			best = blockChoice{kind: kindPacked, p: p, cost: c}
		}
		normalize(&count, n, sb, &freq)
		if c := estimate(&count, &freq, sb) + (8+40)<<8; c < best.cost {
			best = blockChoice{kind: kindRANS, p: p, cost: c}
		}
	}
	if last != best.p {
		residuals(sym, x, rows, width, best.p)
	}
	if n < minCtxValues {
		return best
	}
	for _, k := range []int{2, 4} {
		thr := thresholds(&ahist, n, k)
		if len(thr)+1 < k {
			continue
		}
		if c := bc.contextCost(sym, act, thr); c < best.cost {
			best = blockChoice{kind: kindRANS, p: best.p, thr: thr, cost: c}
		}
	}
	return best
}

// appendBlock codes one channel block x (rows × width) onto dst.
func (bc *blockCoder) appendBlock(dst []byte, x []int8, rows, width int) []byte {
	n := len(x)
	if cap(bc.sym) < n {
		bc.sym = make([]uint8, n)
		bc.act = make([]uint8, n)
	}
	sym, act := bc.sym[:n], bc.act[:n]
	if n == 0 {
		return append(dst, kindEmpty<<4)
	}
	return bc.appendChosen(dst, bc.analyse(x, sym, act, rows, width), sym, act)
}

// appendChosen writes a block analysed into best, sym and act.
func (bc *blockCoder) appendChosen(dst []byte, best blockChoice, sym, act []uint8) []byte {
	n := len(sym)
	switch best.kind {
	case kindConst:
		return append(dst, kindConst<<4|byte(best.p), sym[0])
	case kindPacked:
		var count [256]uint32
		for _, s := range sym {
			count[s]++
		}
		lo, hi := tableRange(&count)
		nb := packedBits(lo, hi)
		dst = append(dst, kindPacked<<4|byte(best.p), byte(lo), byte(nb))
		bc.tw.reset(dst)
		for _, s := range sym {
			bc.tw.bits(uint32(s)-uint32(lo), uint(nb))
		}
		return bc.tw.flush()
	}
	if cap(bc.ctx) < n {
		bc.ctx = make([]uint8, n)
	}
	thr := best.thr
	k := len(thr) + 1
	ctx := bc.ctx[:n]
	bc.cnt = [maxCtx][256]uint32{}
	var ct [256]uint8
	ctxTable(thr, &ct)
	for i, s := range sym {
		c := ct[act[i]]
		ctx[i] = c
		bc.cnt[c][s]++
	}
	dst = append(dst, kindRANS<<4|byte(best.p), byte(k))
	dst = append(dst, thr...)
	dst = bc.appendTables(dst, k)
	if cap(bc.out) < 2*n+8 {
		bc.out = make([]byte, 2*n+8)
	}
	out := bc.out[:2*n+8]
	pos := bc.encodeRANS(out, sym, ctx)
	dst = binary.AppendUvarint(dst, uint64(len(out)-pos))
	return append(dst, out[pos:]...)
}

// appendTables normalises the k context histograms in bc.cnt into
// bc.tabs and writes them.
func (bc *blockCoder) appendTables(dst []byte, k int) []byte {
	for c := 0; c < k; c++ {
		t := &bc.tabs[c]
		nc := 0
		for _, v := range bc.cnt[c] {
			nc += int(v)
		}
		if nc == 0 {
			// An unused context still has a (trivial) table.
			t.freq = [256]uint32{}
			t.freq[0], t.sb = 2, 1
		} else {
			t.sb = scaleBitsFor(nc)
			normalize(&bc.cnt[c], nc, t.sb, &t.freq)
		}
		acc := uint32(0)
		for s := range t.freq {
			t.start[s] = acc
			acc += t.freq[s]
		}
		dst = bc.appendTable(dst, &t.freq, t.sb)
	}
	return dst
}

// encodeRANS codes sym, each with the table of its context, into the end
// of out (at least 2·len(sym)+4 bytes) and returns where the code starts.
func (bc *blockCoder) encodeRANS(out []byte, sym, ctx []uint8) int {
	pos := len(out)
	x32 := uint32(ransL)
	for i := len(sym) - 1; i >= 0; i-- {
		t := &bc.tabs[ctx[i]]
		s := sym[i]
		f := t.freq[s]
		xmax := ((ransL >> t.sb) << 8) * f
		for x32 >= xmax {
			pos--
			out[pos] = byte(x32)
			x32 >>= 8
		}
		x32 = (x32/f)<<t.sb + x32%f + t.start[s]
	}
	pos -= 4
	binary.LittleEndian.PutUint32(out[pos:], x32)
	return pos
}

// contextCost estimates, in 1/256 bits, coding sym with the contexts thr
// makes of act, tables included.
func (bc *blockCoder) contextCost(sym, act []uint8, thr []uint8) uint64 {
	k := len(thr) + 1
	bc.cnt = [maxCtx][256]uint32{}
	if k == 1 {
		for _, s := range sym {
			bc.cnt[0][s]++
		}
	} else {
		var ct [256]uint8
		ctxTable(thr, &ct)
		for i, s := range sym {
			bc.cnt[ct[act[i]]][s]++
		}
	}
	cost := uint64(8+8*len(thr)) << 8
	var freq [256]uint32
	for c := 0; c < k; c++ {
		nc := 0
		for _, v := range bc.cnt[c] {
			nc += int(v)
		}
		if nc == 0 {
			cost += 24 << 8
			continue
		}
		sb := scaleBitsFor(nc)
		normalize(&bc.cnt[c], nc, sb, &freq)
		cost += estimate(&bc.cnt[c], &freq, sb)
	}
	return cost + 40<<8 // final state and length
}

// residuals writes the symbols of x under predictor p into sym.
func residuals(sym []uint8, x []int8, rows, width, p int) {
	if p == predNone {
		for k, v := range x {
			sym[k] = toSym(v)
		}
		return
	}
	for i := 0; i < rows; i++ {
		if i == 0 || width < 3 {
			for j := 0; j < width; j++ {
				a, b, c, _ := nbrs(x, i, j, width)
				k := i*width + j
				sym[k] = toSym(x[k] - pred(p, a, b, c))
			}
			continue
		}
		// Interior of the row: every neighbour exists.
		row, up := x[i*width:(i+1)*width], x[(i-1)*width:i*width]
		out := sym[i*width : (i+1)*width]
		a, b, c, _ := nbrs(x, i, 0, width)
		out[0] = toSym(row[0] - pred(p, a, b, c))
		switch p {
		case predLeft:
			for j := 1; j < width; j++ {
				out[j] = toSym(row[j] - row[j-1])
			}
		case predUp:
			for j := 1; j < width; j++ {
				out[j] = toSym(row[j] - up[j])
			}
		case predAvg:
			for j := 1; j < width; j++ {
				out[j] = toSym(row[j] - int8((int(row[j-1])+int(up[j]))>>1))
			}
		case predMED:
			for j := 1; j < width; j++ {
				out[j] = toSym(row[j] - med(row[j-1], up[j], up[j-1]))
			}
		}
	}
}

// histogram counts the symbols of sym into count (cleared first), with
// four partial tables so that runs of one symbol do not serialise on one
// counter.
func histogram(sym []uint8, count *[256]uint32) {
	var c [4][256]uint32
	k := 0
	for ; k+4 <= len(sym); k += 4 {
		c[0][sym[k]]++
		c[1][sym[k+1]]++
		c[2][sym[k+2]]++
		c[3][sym[k+3]]++
	}
	for ; k < len(sym); k++ {
		c[0][sym[k]]++
	}
	for s := range count {
		count[s] = c[0][s] + c[1][s] + c[2][s] + c[3][s]
	}
}

// activities fills act with the activity of every value of x and counts
// them in hist.
func activities(act []uint8, x []int8, rows, width int, hist *[256]uint32) {
	for i := 0; i < rows; i++ {
		if i == 0 || width < 3 {
			for j := 0; j < width; j++ {
				a, b, c, d := nbrs(x, i, j, width)
				v := activityOf(a, b, c, d, width)
				act[i*width+j] = v
				hist[v]++
			}
			continue
		}
		row, up := x[i*width:(i+1)*width], x[(i-1)*width:i*width]
		out := act[i*width : (i+1)*width]
		for _, j := range [2]int{0, width - 1} {
			a, b, c, d := nbrs(x, i, j, width)
			out[j] = activityOf(a, b, c, d, width)
			hist[out[j]]++
		}
		for j := 1; j < width-1; j++ {
			v := absDiff(row[j-1], up[j-1]) + absDiff(up[j], up[j-1]) + absDiff(up[j+1], up[j])
			out[j] = uint8(min(v, 255))
			hist[out[j]]++
		}
	}
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
		r := fromSym(src[1])
		for i := 0; i < rows; i++ {
			for j := 0; j < width; j++ {
				a, b, c, _ := nbrs(x, i, j, width)
				x[i*width+j] = r + pred(p, a, b, c)
			}
		}
		return 2, nil
	case kindPacked:
		if n == 0 || len(src) < 3 {
			return 0, corruptf("packed block truncated or misplaced")
		}
		lo, nb := int(src[1]), uint(src[2])
		if nb < 1 || nb > 8 {
			return 0, corruptf("packed block of %d-bit offsets", nb)
		}
		size := 3 + (n*int(nb)+7)/8
		if len(src) < size {
			return 0, corruptf("packed block needs %d bytes, %d left", size, len(src))
		}
		br := bitReader{buf: src[3:size]}
		for i := 0; i < rows; i++ {
			for j := 0; j < width; j++ {
				v, _ := br.bits(nb)
				if lo+int(v) > 255 {
					return 0, corruptf("packed symbol %d beyond 255", lo+int(v))
				}
				a, b, c, _ := nbrs(x, i, j, width)
				x[i*width+j] = fromSym(uint8(lo+int(v))) + pred(p, a, b, c)
			}
		}
		return size, nil
	case kindRANS:
	default:
		return 0, corruptf("unknown block kind %d", kind)
	}
	if n == 0 || len(src) < 2 {
		return 0, corruptf("rANS block truncated or misplaced")
	}
	_, thr, used, err := bc.readContexts(src[1:])
	if err != nil {
		return 0, err
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
	st, r := binary.LittleEndian.Uint32(buf), 4
	if err := bc.decodeRANS(x, rows, width, p, thr, &st, buf, &r); err != nil {
		return 0, err
	}
	if st != ransL || r != len(buf) {
		return 0, corruptf("rANS final state %#x with %d of %d bytes read", st, r, len(buf))
	}
	return pos, nil
}

// readContexts parses the context count, thresholds and tables and
// prepares the decoding tables; it returns the bytes used.
func (bc *blockCoder) readContexts(src []byte) (k int, thr []uint8, pos int, err error) {
	if len(src) < 1 {
		return 0, nil, 0, corruptf("context count missing")
	}
	k = int(src[0])
	if k < 1 || k > maxCtx || len(src) < k {
		return 0, nil, 0, corruptf("%d contexts", k)
	}
	thr = src[1:k]
	for m := 1; m < len(thr); m++ {
		if thr[m] <= thr[m-1] {
			return 0, nil, 0, corruptf("context thresholds %v not ascending", thr)
		}
	}
	pos = k
	// Read every table first so the slot maps take only the sizes the
	// tables declare (at most maxCtx·2^15 bytes).
	lutSize := 0
	for c := 0; c < k; c++ {
		t := &bc.tabs[c]
		t.freq = [256]uint32{}
		used, sb, err := bc.readTable(src[pos:], &t.freq)
		if err != nil {
			return 0, nil, 0, fmt.Errorf("context %d: %w", c, err)
		}
		pos += used
		t.sb, t.lut = sb, lutSize
		lutSize += 1 << sb
	}
	if len(bc.lut) < lutSize {
		bc.lut = make([]uint8, lutSize)
	}
	for c := 0; c < k; c++ {
		t := &bc.tabs[c]
		lut := bc.lut[t.lut : t.lut+1<<t.sb]
		acc := uint32(0)
		for s := range t.freq {
			t.start[s] = acc
			for m := acc; m < acc+t.freq[s]; m++ {
				lut[m] = uint8(s)
			}
			acc += t.freq[s]
		}
	}
	return k, thr, pos, nil
}

// decodeRANS decodes x (rows × width) under predictor p with the tables
// readContexts prepared, continuing the rANS state st over buf from *r.
// Row interiors (and 1D blocks past their third frame) take a path with
// every neighbour present; borders use nbrs.
func (bc *blockCoder) decodeRANS(x []int8, rows, width, p int, thr []uint8, st *uint32, buf []byte, r *int) error {
	s32, rr := *st, *r
	var ct [256]uint8
	ctxTable(thr, &ct)
	one := func(idx int, a, b, c, d int8) error {
		ci := 0
		if len(thr) > 0 {
			ci = int(ct[activityOf(a, b, c, d, width)])
		}
		var s uint8
		s, s32 = bc.decodeSym(ci, s32)
		for s32 < ransL {
			if rr >= len(buf) {
				return corruptf("rANS data ends after %d of %d values", idx, len(x))
			}
			s32 = s32<<8 | uint32(buf[rr])
			rr++
		}
		x[idx] = fromSym(s) + pred(p, a, b, c)
		return nil
	}
	for i := 0; i < rows; i++ {
		if width == 1 && i >= 3 {
			// 1D: a, b, c are the three frames before.
			for ; i < rows; i++ {
				a, b, c := x[i-1], x[i-2], x[i-3]
				ci := 0
				if len(thr) > 0 {
					ci = int(ct[min(absDiff(a, b)+absDiff(b, c), 255)])
				}
				var s uint8
				s, s32 = bc.decodeSym(ci, s32)
				for s32 < ransL {
					if rr >= len(buf) {
						return corruptf("rANS data ends after %d of %d values", i, len(x))
					}
					s32 = s32<<8 | uint32(buf[rr])
					rr++
				}
				x[i] = fromSym(s) + pred(p, a, b, c)
			}
			break
		}
		if i == 0 || width < 3 {
			for j := 0; j < width; j++ {
				a, b, c, d := nbrs(x, i, j, width)
				if err := one(i*width+j, a, b, c, d); err != nil {
					return err
				}
			}
			continue
		}
		a, b, c, d := nbrs(x, i, 0, width)
		if err := one(i*width, a, b, c, d); err != nil {
			return err
		}
		row, up := x[i*width:(i+1)*width], x[(i-1)*width:i*width]
		for j := 1; j < width-1; j++ {
			a, b, c, d := row[j-1], up[j], up[j-1], up[j+1]
			ci := 0
			if len(thr) > 0 {
				ci = int(ct[min(absDiff(a, c)+absDiff(b, c)+absDiff(d, b), 255)])
			}
			var s uint8
			s, s32 = bc.decodeSym(ci, s32)
			for s32 < ransL {
				if rr >= len(buf) {
					return corruptf("rANS data ends after %d of %d values", i*width+j, len(x))
				}
				s32 = s32<<8 | uint32(buf[rr])
				rr++
			}
			row[j] = fromSym(s) + pred(p, a, b, c)
		}
		a, b, c, d = nbrs(x, i, width-1, width)
		if err := one(i*width+width-1, a, b, c, d); err != nil {
			return err
		}
	}
	*st, *r = s32, rr
	return nil
}

// decodeSym decodes one symbol of context ci from state st, before
// renormalisation.
func (bc *blockCoder) decodeSym(ci int, st uint32) (uint8, uint32) {
	t := &bc.tabs[ci]
	slot := st & (1<<t.sb - 1)
	s := bc.lut[t.lut+int(slot)]
	return s, t.freq[s]*(st>>t.sb) + slot - t.start[s]
}

// packedBits is the number of bits that holds every symbol in lo..hi as
// an offset from lo.
func packedBits(lo, hi int) int { return bits.Len(uint(hi - lo)) }

// appendTable writes lo, hi, a byte holding the precision and the Rice
// parameter, then the Rice-coded zigzag differences of the frequencies of
// lo..hi-1 (the last is implied by the total), padded to a byte.
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
	// The best Rice parameter sits near log2 of the mean; try its
	// neighbours only.
	var sum uint64
	for _, v := range d[:n] {
		sum += uint64(v)
	}
	k0 := uint(0)
	if n > 0 {
		k0 = uint(bits.Len64(sum / uint64(n)))
	}
	nbits = -1
	for kk := max(k0, 2) - 2; kk <= min(k0+1, 15); kk++ {
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

// readTable parses a table written by appendTable and checks that it is
// a valid distribution: frequencies summing exactly to 2^sb, the first and
// last symbol used.
func (bc *blockCoder) readTable(src []byte, freq *[256]uint32) (int, uint, error) {
	if len(src) < 3 {
		return 0, 0, corruptf("frequency table truncated")
	}
	lo, hi := int(src[0]), int(src[1])
	sb, k := uint(src[2]>>4), uint(src[2]&15)
	if lo > hi {
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
