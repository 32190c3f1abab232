package codec

import (
	"errors"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/edgerun/edgerun/simd"
)

// ErrShape is wrapped by every error about a buffer or shape that does not
// fit a transform plan.
var ErrShape = errors.New("codec: shape mismatch")

// maxLevels bounds J: 4^J bands per channel must stay addressable and the
// reference models use J ≤ 5.
const maxLevels = 12

// WPT2D is a planned J-level 2D wavelet packet transform of float32 NCHW
// tensors: every band is split again at each level, so the output has
// C·4^J channels of ⌈H/2^J⌉×⌈W/2^J⌉ (with periodization, odd sizes rounded
// up at each level). Channel c·4+f at one level holds band f (LL, LH, HL,
// HH) of channel c of the previous level, which is WaLLoC's channel order.
// J = 1 is the ordinary one-level DWT.
//
// A plan is immutable and may be shared by goroutines, each bringing its own
// scratch.
type WPT2D struct {
	f          *Filter
	n, c, j    int
	hs, ws     []int // size at level 0..J
	fwdScratch int
	invScratch int
	// levelScratch is what the level-by-level analysis needs: a level's
	// rows and the coefficients of the level before the last.
	levelScratch int
	// stream is whether Forward may stream all levels of a plane in one
	// pass (wpt_stream.go); tree holds the streams' bookkeeping between
	// calls, so that Forward allocates nothing (a call that finds it taken
	// by another goroutine builds its own).
	stream bool
	tree   atomic.Pointer[streamTree]
	// seg is whether the stream holds its rows lane-segmented (simd.Seg8),
	// decided with the plan by the vector kernels the CPU has.
	seg bool
}

// NewWPT2D plans a J-level packet transform of n×c×h×w tensors.
func NewWPT2D(f *Filter, n, c, h, w, levels int) (*WPT2D, error) {
	if f == nil {
		return nil, fmt.Errorf("%w: nil filter", ErrShape)
	}
	if n < 1 || c < 1 || h < 1 || w < 1 || levels < 1 || levels > maxLevels {
		return nil, fmt.Errorf("%w: WPT2D of %dx%dx%dx%d with J=%d (need positive sizes, 1 ≤ J ≤ %d)",
			ErrShape, n, c, h, w, levels, maxLevels)
	}
	p := &WPT2D{f: f, n: n, c: c, j: levels}
	p.hs, p.ws = levelSizes(h, levels), levelSizes(w, levels)
	total := 0
	for l := 0; l <= levels; l++ {
		if t, ok := mulOK(n, c, pow4(l), p.hs[l], p.ws[l]); ok {
			total = max(total, t)
		} else {
			return nil, fmt.Errorf("%w: WPT2D of %dx%dx%dx%d with J=%d is too large", ErrShape, n, c, h, w, levels)
		}
	}
	lvl := f.levelScratchLen(w, true)
	p.levelScratch = lvl
	if levels >= 2 {
		p.levelScratch += p.size(levels - 1)
	}
	p.invScratch = lvl + p.invBuffers()
	p.fwdScratch = p.levelScratch
	if p.stream = p.streamable(); p.stream {
		p.fwdScratch = p.streamScratchLen(false)
		p.seg = p.segmentable() && simd.Lift97SegVectorised()
	}
	return p, nil
}

func pow4(l int) int { return 1 << (2 * l) }

// maxElems bounds any tensor a plan describes, so that every index and
// byte count derived from it fits an int on 32-bit targets too.
const maxElems = math.MaxInt >> 4

// mulOK multiplies positive ints, reporting a product above maxElems.
func mulOK(v ...int) (int, bool) {
	p := 1
	for _, x := range v {
		if x > maxElems || p > maxElems/x {
			return 0, false
		}
		p *= x
	}
	return p, true
}

func levelSizes(n, levels int) []int {
	s := make([]int, levels+1)
	s[0] = n
	for l := 1; l <= levels; l++ {
		s[l] = (s[l-1] + 1) / 2
	}
	return s
}

// size is the element count of the tensor after level l.
func (p *WPT2D) size(l int) int { return p.n * p.c * pow4(l) * p.hs[l] * p.ws[l] }

// invBuffers is the room the inverse needs for intermediate levels: levels
// alternate between two buffers so none is read while written.
func (p *WPT2D) invBuffers() int {
	a, b := 0, 0
	for l := 1; l < p.j; l++ {
		if l%2 == 1 {
			a = max(a, p.size(l))
		} else {
			b = max(b, p.size(l))
		}
	}
	return a + b
}

// InShape is the signal shape (N, C, H, W).
func (p *WPT2D) InShape() (n, c, h, w int) { return p.n, p.c, p.hs[0], p.ws[0] }

// OutShape is the coefficient shape (N, C·4^J, ⌈H/2^J⌉, ⌈W/2^J⌉) for
// sizes that halve evenly.
func (p *WPT2D) OutShape() (n, c, h, w int) { return p.n, p.c * pow4(p.j), p.hs[p.j], p.ws[p.j] }

// InLen and OutLen are the element counts of the signal and coefficients.
func (p *WPT2D) InLen() int  { return p.size(0) }
func (p *WPT2D) OutLen() int { return p.size(p.j) }

// Levels is J.
func (p *WPT2D) Levels() int { return p.j }

// ScratchLen is the scratch (in float32s) Forward and Inverse need; a
// runtime reserves it once.
func (p *WPT2D) ScratchLen() int { return max(p.fwdScratch, p.invScratch) }

// ForwardScratchLen is the scratch Forward alone needs: for a streamed
// plan a few rows per transform rather than a level's coefficients.
func (p *WPT2D) ForwardScratchLen() int { return p.fwdScratch }

// InverseScratchLen is the scratch Inverse alone needs.
func (p *WPT2D) InverseScratchLen() int { return p.invScratch }

func checkLens(what string, dst, src, scratch []float32, nd, ns, nscr int) error {
	if len(dst) < nd || len(src) < ns || len(scratch) < nscr {
		return fmt.Errorf("%w: %s needs dst %d, src %d, scratch %d floats; have %d, %d, %d",
			ErrShape, what, nd, ns, nscr, len(dst), len(src), len(scratch))
	}
	return nil
}

// Forward writes the packet coefficients of src (InLen floats, NCHW) to dst
// (OutLen floats). src and dst must not overlap. It allocates nothing.
func (p *WPT2D) Forward(dst, src, scratch []float32) error {
	if err := checkLens("WPT2D.Forward", dst, src, scratch, p.OutLen(), p.InLen(), p.fwdScratch); err != nil {
		return err
	}
	if p.stream {
		p.forwardStreamed(dst, src[:p.InLen()], scratch, nil)
		return nil
	}
	p.forwardLevels(dst, src, scratch)
	return nil
}

// forwardLevels is Forward one level at a time.
func (p *WPT2D) forwardLevels(dst, src, scratch []float32) {
	lvlLen := p.f.levelScratchLen(p.ws[0], true)
	s := p.f.carve(scratch[:lvlLen], p.ws[0], true)
	inter := scratch[lvlLen:]
	in := src[:p.InLen()]
	for l := 1; l <= p.j; l++ {
		// The last level lands in dst; earlier ones alternate with inter.
		out := dst
		if (p.j-l)%2 == 1 {
			out = inter
		}
		out = out[:p.size(l)]
		p.f.analyze2D(out, in, p.n*p.c*pow4(l-1), p.hs[l-1], p.ws[l-1], &s)
		in = out
	}
}

// Inverse rebuilds the signal (InLen floats) in dst from the coefficients in
// src (OutLen floats). For sizes that were odd at some level it returns the
// signal cropped to the planned size, which is exact.
func (p *WPT2D) Inverse(dst, src, scratch []float32) error {
	if err := checkLens("WPT2D.Inverse", dst, src, scratch, p.InLen(), p.OutLen(), p.invScratch); err != nil {
		return err
	}
	lvlLen := p.f.levelScratchLen(p.ws[0], true)
	s := p.f.carve(scratch[:lvlLen], p.ws[0], true)
	a := 0
	for l := 1; l < p.j; l++ {
		if l%2 == 1 {
			a = max(a, p.size(l))
		}
	}
	bufA := scratch[lvlLen : lvlLen+a]
	bufB := scratch[lvlLen+a:]
	in := src[:p.OutLen()]
	for l := p.j - 1; l >= 0; l-- {
		var out []float32
		switch {
		case l == 0:
			out = dst
		case l%2 == 1:
			out = bufA
		default:
			out = bufB
		}
		out = out[:p.size(l)]
		p.f.synthesize2D(out, in, p.n*p.c*pow4(l), p.hs[l+1], p.ws[l+1], p.hs[l], p.ws[l], &s)
		in = out
	}
	return nil
}

// WPT1D is a planned J-level 1D wavelet packet transform of float32 NCL
// tensors: C·2^J channels of ⌈L/2^J⌉ out, channel c·2+f at one level holding
// band f (L, H) of channel c of the previous level (WaLLoC's order). J = 1
// is the one-level DWT. Plans are immutable and shareable.
type WPT1D struct {
	f          *Filter
	n, c, j    int
	ls         []int
	fwdScratch int
	invScratch int
}

// NewWPT1D plans a J-level packet transform of n×c×l tensors.
func NewWPT1D(f *Filter, n, c, l, levels int) (*WPT1D, error) {
	if f == nil {
		return nil, fmt.Errorf("%w: nil filter", ErrShape)
	}
	if n < 1 || c < 1 || l < 1 || levels < 1 || levels > maxLevels {
		return nil, fmt.Errorf("%w: WPT1D of %dx%dx%d with J=%d (need positive sizes, 1 ≤ J ≤ %d)",
			ErrShape, n, c, l, levels, maxLevels)
	}
	p := &WPT1D{f: f, n: n, c: c, j: levels, ls: levelSizes(l, levels)}
	for k := 0; k <= levels; k++ {
		if _, ok := mulOK(n, c, 1<<k, p.ls[k]); !ok {
			return nil, fmt.Errorf("%w: WPT1D of %dx%dx%d with J=%d is too large", ErrShape, n, c, l, levels)
		}
	}
	lvl := f.levelScratchLen(l, false)
	p.fwdScratch = lvl
	if levels >= 2 {
		p.fwdScratch += p.size(levels - 1)
	}
	a, b := 0, 0
	for k := 1; k < levels; k++ {
		if k%2 == 1 {
			a = max(a, p.size(k))
		} else {
			b = max(b, p.size(k))
		}
	}
	p.invScratch = lvl + a + b
	return p, nil
}

func (p *WPT1D) size(k int) int { return p.n * p.c * (1 << k) * p.ls[k] }

// InShape is the signal shape (N, C, L).
func (p *WPT1D) InShape() (n, c, l int) { return p.n, p.c, p.ls[0] }

// OutShape is the coefficient shape (N, C·2^J, ⌈L/2^J⌉).
func (p *WPT1D) OutShape() (n, c, l int) { return p.n, p.c << p.j, p.ls[p.j] }

// InLen and OutLen are the element counts of signal and coefficients.
func (p *WPT1D) InLen() int  { return p.size(0) }
func (p *WPT1D) OutLen() int { return p.size(p.j) }

// Levels is J.
func (p *WPT1D) Levels() int { return p.j }

// ScratchLen is the scratch (in float32s) Forward and Inverse need.
func (p *WPT1D) ScratchLen() int { return max(p.fwdScratch, p.invScratch) }

// ForwardScratchLen is the scratch Forward alone needs.
func (p *WPT1D) ForwardScratchLen() int { return p.fwdScratch }

// InverseScratchLen is the scratch Inverse alone needs.
func (p *WPT1D) InverseScratchLen() int { return p.invScratch }

// Forward writes the packet coefficients of src to dst; no overlap, no
// allocation.
func (p *WPT1D) Forward(dst, src, scratch []float32) error {
	if err := checkLens("WPT1D.Forward", dst, src, scratch, p.OutLen(), p.InLen(), p.fwdScratch); err != nil {
		return err
	}
	lvlLen := p.f.levelScratchLen(p.ls[0], false)
	s := p.f.carve(scratch[:lvlLen], p.ls[0], false)
	inter := scratch[lvlLen:]
	in := src[:p.InLen()]
	for k := 1; k <= p.j; k++ {
		out := dst
		if (p.j-k)%2 == 1 {
			out = inter
		}
		out = out[:p.size(k)]
		p.f.analyze1D(out, in, p.n*p.c<<(k-1), p.ls[k-1], &s)
		in = out
	}
	return nil
}

// Inverse rebuilds the signal in dst from the coefficients in src.
func (p *WPT1D) Inverse(dst, src, scratch []float32) error {
	if err := checkLens("WPT1D.Inverse", dst, src, scratch, p.InLen(), p.OutLen(), p.invScratch); err != nil {
		return err
	}
	lvlLen := p.f.levelScratchLen(p.ls[0], false)
	s := p.f.carve(scratch[:lvlLen], p.ls[0], false)
	a := 0
	for k := 1; k < p.j; k++ {
		if k%2 == 1 {
			a = max(a, p.size(k))
		}
	}
	bufA, bufB := scratch[lvlLen:lvlLen+a], scratch[lvlLen+a:]
	in := src[:p.OutLen()]
	for k := p.j - 1; k >= 0; k-- {
		var out []float32
		switch {
		case k == 0:
			out = dst
		case k%2 == 1:
			out = bufA
		default:
			out = bufB
		}
		out = out[:p.size(k)]
		p.f.synthesize1D(out, in, p.n*p.c<<k, p.ls[k+1], p.ls[k], &s)
		in = out
	}
	return nil
}
