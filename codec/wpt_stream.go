package codec

import "github.com/edgerun/edgerun/simd"

// The streamed packet transform: all J levels of one plane in a single pass
// over its rows. Level by level, every level reads and writes the whole
// tensor, which for a camera frame lives in L3 or memory; streamed, each
// output row of a level goes straight on to the four next-level transforms
// of its bands, so only the input and the last level's bands leave the
// cache. It computes exactly what analyze2DLift computes, with the same
// kernels in the same order per row, so the results are bit for bit those
// of the level-by-level transform (TestWPTStreamed).
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

// liftStream is one plane's analysis at one level.
type liftStream struct {
	h, wo int // input rows; half the input width
	start int // the output row of stream position 0 (mod h/2)
	pos   int // stream positions received
	k     int // outputs emitted
	saved [7][]float32
	win   [3][]float32 // rows from position 7 on, in turn
	prev  [2][]float32 // the rows at positions pos-2 and pos-1
	d1    []float32
	s1    []float32
	d2p   []float32
	// The next level's four transforms, or for the last level the four
	// bands' planes (rows of wo): in dst, or (ring set) the bands' rows in
	// the two-row ring of a projection, bands wo apart and rows ringLd.
	next   [4]*liftStream
	bands  [4][]float32
	ring   []float32
	ringLd int
	tmp    []float32 // 4·wo: the band rows on their way to next
	e, o   []float32 // row pass scratch, shared
}

// streamTree is the transforms of every level for one plane, built once
// per plan and bound to each call's scratch.
type streamTree struct {
	levels [][]*liftStream // by level, 1-based; the last level in band order
	first  int             // the source row the first level's stream starts at
}

// streamable reports whether the plan can stream: the lifting path with
// vector kernels (the same kernels as the level-by-level transform), and
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

// streamScratchLen is the scratch of the streamed transform: for each of
// the 4^(l-1) transforms of level l, 15 rows of its input width (7 kept,
// 3 in the window, 3 of state, 2 of band rows on their way out), the row
// pass's two phase buffers and a projection's ring of two rows of every
// band of a channel.
func (p *WPT2D) streamScratchLen() int {
	n := 2*(p.ws[0]/2+4) + p.ringLen()
	for l := 1; l <= p.j; l++ {
		n += pow4(l-1) * 15 * p.ws[l-1]
	}
	return n
}

// newStreamTree builds the transforms and their offsets: starts[l] is the
// output row that level l's stream begins with.
func (p *WPT2D) newStreamTree() *streamTree {
	t := &streamTree{levels: make([][]*liftStream, p.j+1)}
	starts := make([]int, p.j+1)
	for l := p.j - 1; l >= 1; l-- {
		starts[l] = 2*starts[l+1] - 4
	}
	t.first = mod(2*starts[1]-4, p.hs[0])
	var build func(l int) *liftStream
	build = func(l int) *liftStream {
		s := &liftStream{h: p.hs[l-1], wo: p.ws[l-1] / 2, start: mod(starts[l], p.hs[l])}
		t.levels[l] = append(t.levels[l], s)
		if l < p.j {
			for b := range s.next {
				s.next[b] = build(l + 1)
			}
		}
		return s
	}
	build(1)
	return t
}

// ringLen is the length of a projection's ring: two rows of the last
// level's size for each of a channel's 4^J bands.
func (p *WPT2D) ringLen() int { return 2 * pow4(p.j) * p.ws[p.j] }

// bind points every transform's rows into scratch, after the ring.
func (t *streamTree) bind(scratch []float32, w0, ring int) {
	m := w0/2 + 4
	e, o := scratch[ring:ring+m:ring+m], scratch[ring+m:ring+2*m:ring+2*m]
	buf := scratch[ring+2*m:]
	take := func(n int) []float32 {
		s := buf[:n:n]
		buf = buf[n:]
		return s
	}
	for _, ss := range t.levels {
		for _, s := range ss {
			w := 2 * s.wo
			s.e, s.o = e, o
			for i := range s.saved {
				s.saved[i] = take(w)
			}
			for i := range s.win {
				s.win[i] = take(w)
			}
			s.d1, s.s1, s.d2p = take(w), take(w), take(w)
			s.tmp = take(2 * w)
		}
	}
}

// forwardStreamed runs Forward on every plane by streaming, or with pr
// ForwardProject: then the last level's transforms write their bands' rows
// into a ring of two rows, and each row, once every transform has written
// it, is projected onto dst (simd.Pointwise from the bias for a frame's
// first channel, simd.PointwiseAdd for the others): each output takes its
// terms in band order, the order of one simd.Pointwise over all bands.
//
// The transforms of a level go in lockstep: each receives one row per row
// its parent emits, and the rows that close a plane are replayed level by
// level, every transform of the level one row at a time. So after each
// source row and each replayed row every last-level transform has emitted
// the same rows, at most one more than at the previous such point, and
// two rows of ring suffice.
func (p *WPT2D) forwardStreamed(dst, src, scratch []float32, pr *Projection) {
	t := p.tree.Swap(nil)
	if t == nil {
		t = p.newStreamTree()
	}
	defer p.tree.Store(t)
	h0, w0 := p.hs[0], p.ws[0]
	hJ, wJ := p.hs[p.j], p.ws[p.j]
	hw := hJ * wJ
	bandsPer := pow4(p.j)
	leaves := t.levels[p.j]
	rl := p.ringLen()
	ring := scratch[:rl:rl]
	t.bind(scratch, w0, rl)
	root := t.levels[1][0]
	done := 0 // rows projected
	var y []float32
	var pw *simd.PointwiseWeights
	flush := func() {
		for ; done < leaves[0].k; done++ {
			r := (leaves[0].start + done) % hJ
			x := ring[(done%2)*bandsPer*wJ:]
			if pw == pr.first {
				simd.Pointwise(y[r*wJ:], hw, pw, x, wJ, wJ)
			} else {
				simd.PointwiseAdd(y[r*wJ:], hw, pw, x, wJ, wJ)
			}
		}
	}
	for pl := range p.n * p.c {
		for _, ss := range t.levels {
			for _, s := range ss {
				s.pos, s.k = 0, 0
			}
		}
		for i, s := range leaves {
			s.ring = nil
			if pr != nil {
				s.ring, s.ringLd = ring[4*i*wJ:], bandsPer*wJ
				continue
			}
			// Leaf i (in depth-first order) writes bands 4i .. 4i+3 of
			// the plane: WaLLoC's channel order.
			for b := range s.bands {
				off := (pl*bandsPer + 4*i + b) * hw
				s.bands[b] = dst[off : off+hw]
			}
		}
		if pr != nil {
			img, c := pl/p.c, pl%p.c
			y, pw, done = dst[img*pr.m*hw:(img+1)*pr.m*hw], pr.channels[c], 0
		}
		in := src[pl*h0*w0 : (pl+1)*h0*w0]
		for r := range h0 {
			row := (t.first + r) % h0
			root.push(in[row*w0 : (row+1)*w0])
			if pr != nil {
				flush()
			}
		}
		for _, ss := range t.levels[1:] {
			for i := range 7 {
				for _, s := range ss {
					s.passed(s.saved[i])
				}
				if pr != nil {
					flush()
				}
			}
		}
	}
}

// push takes the next raw input row of the stream.
func (s *liftStream) push(raw []float32) {
	var row []float32
	if s.pos < len(s.saved) {
		row = s.saved[s.pos]
	} else {
		row = s.win[(s.pos-len(s.saved))%len(s.win)]
	}
	lift97RowPasses(row[:s.wo], row[s.wo:], raw, s.e, s.o)
	s.passed(row)
}

// passed takes the next row of the stream, already filtered along the rows.
func (s *liftStream) passed(row []float32) {
	p := s.pos
	s.pos++
	switch {
	case p == 6:
		r := s.saved
		lift97ColWarm(s.d1, s.s1, s.d2p, &r, s.tmp)
	case p >= 8 && p%2 == 0:
		s.step(s.prev[0], s.prev[1], row)
	}
	s.prev[0], s.prev[1] = s.prev[1], row
}

// step emits the next output row from input rows x2, x3, x4.
func (s *liftStream) step(x2, x3, x4 []float32) {
	wo := s.wo
	var out [4][]float32
	r := (s.start + s.k) % (s.h / 2)
	switch {
	case s.next[0] != nil:
		for b := range out {
			out[b] = s.tmp[b*wo : (b+1)*wo]
		}
	case s.ring != nil:
		row := s.ring[(s.k%2)*s.ringLd:]
		for b := range out {
			out[b] = row[b*wo : (b+1)*wo]
		}
	default:
		for b := range out {
			out[b] = s.bands[b][r*wo : (r+1)*wo]
		}
	}
	s.k++
	for half := range 2 {
		lo, hi := half*wo, (half+1)*wo
		simd.Lift97Col(out[2*half], out[2*half+1], x2[lo:hi], x3[lo:hi], x4[lo:hi],
			s.d1[lo:hi], s.s1[lo:hi], s.d2p[lo:hi], &cdf97Col[half])
	}
	if s.next[0] != nil {
		for b, n := range s.next {
			n.push(out[b])
		}
	}
}
