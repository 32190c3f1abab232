package codec

import "github.com/edgerun/edgerun/simd"

// The streamed packet transform: all J levels of one plane in a single pass
// over its rows. Level by level, every level reads and writes the whole
// tensor, which for a camera frame lives in L3 or memory; streamed, each
// output row of a level goes straight on to the four next-level transforms
// of its bands, so only the input and the last level's bands leave the
// cache. Where the level-by-level transform runs simd's vector lifting
// kernels, it computes exactly what that does, with the same kernels in
// the same order per row, so the results are bit for bit the same
// (TestWPTStreamed); on the pure-Go level the two round differently.
//
// All transforms of a level run side by side, as one: their rows are laid
// next to each other, so that one call of a kernel filters a row of every
// transform of the level (simd.Lift97Rows, Lift97ColSegs), and what the
// level emits is, band after band, the next level's row.
//
// Where the CPU has the kernels (simd.Lift97SegVectorised) and every
// level's rows are a multiple of 16 and at least 32 wide, the rows are held
// lane-segmented (simd.Seg8): each source row is transposed once on its way
// in, the row passes lift whole vectors with no shuffles
// (simd.Lift97SegRows), the column passes do not care how a row's samples
// are ordered, and the last level's rows are put back in order on their
// way out (into the band planes, or once an image's projection is
// complete). The sums are the same, so are the bits.
//
// A level's output row k needs its input rows 2k-4 .. 2k+4, the first rows
// wrapping to the last (periodization). A level that consumes another's
// rows cannot have the last ones first, so each level streams its rows in
// cyclic order from an offset: a level whose outputs start at row s reads
// its input from row 2s-4, which its producer therefore emits first. With
// the last level starting at row 0, level J-1 starts at -4, level J-2 at
// -12, and so on; the first level reads the source plane (in any order)
// from row 2s₁-4. The rows a level's last outputs wrap around to are the
// first seven of its stream, kept from the start.

// levelStream is all of one plane's transforms at one level: count
// transforms of rows w wide, whose rows arrive together, count·w floats.
type levelStream struct {
	count, w int
	h        int // input rows of each transform
	start    int // the output row of stream position 0 (mod h/2)
	pos      int // stream positions received
	k        int // outputs emitted
	saved    [7][]float32
	win      [7][]float32 // rows from position 7 on, in turn
	// prev holds the rows at positions pos-6 .. pos-1, position q at
	// prev[q%6]: one slice written a row rather than the array shifted,
	// which is a runtime copy with write barriers.
	prev   [6][]float32
	d1, s1 []float32
	d2p    []float32
	// out holds what the level emits, three rows of 2·count·w floats,
	// equally spaced: each transform's four band rows in turn, the next
	// level's row. The level steps three output rows at a time
	// (simd.Lift97ColSegs3), reading and writing its column state once for
	// all three.
	out  [3][]float32
	next *levelStream
	e, o []float32 // row pass scratch, shared
	// seg is whether rows are lane-segmented: the row pass needs no
	// scratch, and what leaves the last level is put back in order.
	seg bool
	// col is the column pass's constants: cdf97Col, or cdf97ColUnit when
	// the projection's weights scale the bands. With unit scales (carry)
	// the high outputs are d2, and the column state's d2 row is out[2]'s
	// high halves (simd.Lift97ColSegs3Carry): every column step is then a
	// three-row one, the plane's first (the warm-up) and last (with junk
	// rows for the missing ones) included.
	col   *[2][6]float32
	carry bool
	// The last level's emitted rows go to the band planes (bands, planes
	// hw apart) or, with proj, through the projection onto y (simd.Pointwise
	// or, add set, PointwiseAdd).
	bands []float32
	hw    int
	proj  *simd.PointwiseWeights
	add   bool
	y     []float32
}

// streamTree is the levels of one plane's stream, built once per plan and
// bound to each call's scratch.
type streamTree struct {
	levels []*levelStream // level 1 first
	first  int            // the source row the first level's stream starts at
	segRow []float32      // a row lane-segmented, on its way in or out
}

// streamable reports whether the plan can stream: the lifting path, and
// even sizes of at least 16 at every level's input, so that no level
// extends an odd row or column and a stream's first seven rows are
// distinct.
func (p *WPT2D) streamable() bool {
	if !p.f.lift {
		return false
	}
	for l := 0; l < p.j; l++ {
		if p.hs[l]%2 != 0 || p.ws[l]%2 != 0 || p.hs[l] < 16 || p.ws[l] < 16 {
			return false
		}
	}
	return true
}

// segmentable reports whether the stream can hold its rows lane-segmented:
// every level's input rows at least 32 wide and a multiple of 16, so that
// each of a row's eight stretches holds at least two pairs of samples.
func (p *WPT2D) segmentable() bool {
	for l := 0; l < p.j; l++ {
		if p.ws[l]%16 != 0 || p.ws[l] < 32 {
			return false
		}
	}
	return true
}

// streamScratchLen is the scratch of the streamed transform: for each of
// the 4^(l-1) transforms of level l, 23 rows of its input width (7 kept,
// 7 in the window, 3 of state, 6 of band rows on their way out) in 20
// buffers, each followed by rowStagger floats, and the row pass's two
// phase buffers. Projected (carry), the state's d2 row lives in the last
// output row (simd.Lift97ColSegs3Carry): 22 rows in 19 buffers.
func (p *WPT2D) streamScratchLen(carry bool) int {
	rows, bufs := 23, 20
	if carry {
		rows, bufs = 22, 19
	}
	n := 2 * (p.ws[0]/2 + 4)
	for l := 1; l <= p.j; l++ {
		n += pow4(l-1)*rows*p.ws[l-1] + bufs*rowStagger
	}
	return n
}

// rowStagger is the gap between a level's row buffers, three cache lines.
// A level's rows are often a multiple of 4 KiB (3072 floats at the last
// level of a 512×768 frame), so without it the sixteen rows a column step
// reads and writes at once would all fall in the same L1 cache set, eight
// ways for sixteen streams, and each load would wait on the address check
// against stores 4 KiB apart. Staggered, a level's 20 buffers start in
// different sets (the encoder: 3-6% less time).
const rowStagger = 48

// newStreamTree builds the levels and their offsets: starts[l] is the
// output row that level l's stream begins with.
func (p *WPT2D) newStreamTree() *streamTree {
	t := &streamTree{}
	starts := make([]int, p.j+1)
	for l := p.j - 1; l >= 1; l-- {
		starts[l] = 2*starts[l+1] - 4
	}
	t.first = mod(2*starts[1]-4, p.hs[0])
	for l := 1; l <= p.j; l++ {
		s := &levelStream{count: pow4(l - 1), w: p.ws[l-1], h: p.hs[l-1], start: mod(starts[l], p.hs[l]), seg: p.seg}
		if l > 1 {
			t.levels[l-2].next = s
		}
		t.levels = append(t.levels, s)
	}
	return t
}

// bind points every level's rows into scratch; with carry there is no d2
// state row.
func (t *streamTree) bind(scratch []float32, w0 int, carry bool) {
	m := w0/2 + 4
	e, o := scratch[:m:m], scratch[m:2*m:2*m]
	t.segRow = scratch[:w0:w0]
	buf := scratch[2*m:]
	take := func(n int) []float32 {
		s := buf[:n:n]
		buf = buf[n+rowStagger:]
		return s
	}
	for _, s := range t.levels {
		n := s.count * s.w
		s.e, s.o = e, o
		for i := range s.saved {
			s.saved[i] = take(n)
		}
		for i := range s.win {
			s.win[i] = take(n)
		}
		s.d1, s.s1, s.d2p = take(n), take(n), nil
		if !carry {
			s.d2p = take(n)
		}
		for i := range s.out {
			s.out[i] = take(2 * n)
		}
	}
}

// forwardStreamed runs Forward on every plane by streaming, or with pr
// ForwardProject: then each row the last level emits, every band of the
// plane, is projected at once (simd.Pointwise from the bias for a frame's
// first channel, simd.PointwiseAdd for the others): each output takes its
// terms in band order, the order of one simd.Pointwise over all bands.
//
// The rows that close a plane are replayed level by level, after every
// row the level before has emitted.
func (p *WPT2D) forwardStreamed(dst, src, scratch []float32, pr *Projection) {
	t := p.tree.Swap(nil)
	if t == nil {
		t = p.newStreamTree()
	}
	defer p.tree.Store(t)
	h0, w0 := p.hs[0], p.ws[0]
	hw := p.hs[p.j] * p.ws[p.j]
	bandsPer := pow4(p.j)
	t.bind(scratch, w0, pr != nil)
	root, last := t.levels[0], t.levels[p.j-1]
	last.hw = hw
	col := &cdf97Col
	if pr != nil {
		col = &cdf97ColUnit
	}
	for _, s := range t.levels {
		s.col, s.carry = col, pr != nil
	}
	for pl := range p.n * p.c {
		for _, s := range t.levels {
			s.pos, s.k = 0, 0
		}
		if pr == nil {
			last.proj, last.bands = nil, dst[pl*bandsPer*hw:(pl+1)*bandsPer*hw]
		} else {
			img, c := pl/p.c, pl%p.c
			last.proj, last.add = pr.channels[c], c > 0
			last.y = dst[img*pr.m*hw : (img+1)*pr.m*hw]
		}
		in := src[pl*h0*w0 : (pl+1)*h0*w0]
		for r := range h0 {
			row := (t.first + r) % h0
			x := in[row*w0 : (row+1)*w0]
			if p.seg {
				// The row pass's scratch is free in this layout.
				simd.Seg8(t.segRow, x)
				x = t.segRow
			}
			root.push(x)
		}
		for _, s := range t.levels {
			for i := range s.saved {
				s.passed(s.saved[i])
			}
		}
		if p.seg && pr != nil && pl%p.c == p.c-1 {
			// The image's projection is complete: its rows back in order,
			// as many at a time as the row buffer holds.
			wJ := p.ws[p.j]
			step := len(t.segRow) / wJ * wJ
			for r := 0; r < len(last.y); r += step {
				n := min(step, len(last.y)-r)
				copy(t.segRow[:n], last.y[r:r+n])
				simd.Unseg8Rows(last.y[r:r+n], t.segRow[:n], wJ)
			}
		}
	}
}

// push takes the next raw input row of the stream.
func (s *levelStream) push(raw []float32) {
	var row []float32
	if s.pos < len(s.saved) {
		row = s.saved[s.pos]
	} else {
		row = s.win[(s.pos-len(s.saved))%len(s.win)]
	}
	if s.seg {
		simd.Lift97SegRows(row, raw, s.w, &cdf97Steps)
	} else {
		simd.Lift97Rows(row, raw, s.w, s.e, s.o, &cdf97Steps)
	}
	s.passed(row)
}

// passed takes the next row of the stream, already filtered along the rows.
// Output row i is due at position 2i+8; rows are stepped in threes, the
// first two of three waiting for the third, and the last one or two at the
// end.
func (s *levelStream) passed(row []float32) {
	p := s.pos
	s.pos++
	switch {
	case p == 6 && s.carry:
		// The first steps only fill the state (lift97ColWarm); the d2
		// state starts in out[2].
		n := s.count * s.w
		clear(s.d1[:n])
		clear(s.s1[:n])
		clear(s.out[2][:2*n])
		r := &s.saved
		simd.Lift97ColSegs3Carry(s.out[0], s.out[1], s.out[2], r[0], r[1], r[2], r[3], r[4], r[5], r[6], s.d1, s.s1, s.w/2, s.col)
	case p == 6:
		r := s.saved
		lift97ColWarm(s.d1, s.s1, s.d2p, &r, s.out[0], s.w/2)
	case p >= 8 && p%2 == 0:
		// at(k) is the row k positions back.
		at := func(k int) []float32 { return s.prev[(p-k)%6] }
		switch i := (p - 8) / 2; {
		case i%3 == 2:
			s.step3(at(6), at(5), at(4), at(3), at(2), at(1), row)
		case i == s.h/2-1 && i%3 == 1 && s.carry:
			// The plane's last two rows, and one of junk from repeated rows.
			s.col3(at(4), at(3), at(2), at(1), row, row, row)
			s.emit(s.out[0])
			s.emit(s.out[1])
		case i == s.h/2-1 && i%3 == 1:
			s.step(at(4), at(3), at(2))
			s.step(at(2), at(1), row)
		case i == s.h/2-1 && s.carry:
			s.col3(at(2), at(1), row, row, row, row, row)
			s.emit(s.out[0])
		case i == s.h/2-1:
			s.step(at(2), at(1), row)
		}
	}
	s.prev[p%6] = row
}

// step emits the next output row from input rows x2, x3, x4.
func (s *levelStream) step(x2, x3, x4 []float32) {
	simd.Lift97ColSegs(s.out[0], x2, x3, x4, s.d1, s.s1, s.d2p, s.w/2, s.col)
	s.emit(s.out[0])
}

// step3 emits the next three output rows from input rows x2 .. x8.
func (s *levelStream) step3(x2, x3, x4, x5, x6, x7, x8 []float32) {
	s.col3(x2, x3, x4, x5, x6, x7, x8)
	s.emit(s.out[0])
	s.emit(s.out[1])
	s.emit(s.out[2])
}

// col3 steps three output rows into out from input rows x2 .. x8.
func (s *levelStream) col3(x2, x3, x4, x5, x6, x7, x8 []float32) {
	if s.carry {
		simd.Lift97ColSegs3Carry(s.out[0], s.out[1], s.out[2], x2, x3, x4, x5, x6, x7, x8, s.d1, s.s1, s.w/2, s.col)
		return
	}
	simd.Lift97ColSegs3(s.out[0], s.out[1], s.out[2], x2, x3, x4, x5, x6, x7, x8, s.d1, s.s1, s.d2p, s.w/2, s.col)
}

// emit sends the next output row on: to the next level, or through the
// projection, or into the band planes.
func (s *levelStream) emit(out []float32) {
	wo := s.w / 2
	r := (s.start + s.k) % (s.h / 2)
	s.k++
	switch {
	case s.next != nil:
		s.next.push(out)
	case s.proj != nil && s.add:
		simd.PointwiseAdd(s.y[r*wo:], s.hw, s.proj, out, wo, wo)
	case s.proj != nil:
		simd.Pointwise(s.y[r*wo:], s.hw, s.proj, out, wo, wo)
	default:
		for b := range 4 * s.count {
			if s.seg {
				simd.Unseg8(s.bands[b*s.hw+r*wo:b*s.hw+(r+1)*wo], out[b*wo:(b+1)*wo])
			} else {
				copy(s.bands[b*s.hw+r*wo:b*s.hw+(r+1)*wo], out[b*wo:(b+1)*wo])
			}
		}
	}
}
