package codec

import (
	"fmt"

	"github.com/edgerun/edgerun/simd"
)

// Projection is a 1×1 projection of a packet transform's coefficients onto
// m channels, WaLLoC's encoder projection, packed for WPT2D.ForwardProject:
// whole for the product over all bands, channels for the share of each
// input channel's 4^J bands (the first with the bias), for the streamed
// transform, which leaves its bands unscaled: each band's weights carry
// its scale (cdf97BandScale).
type Projection struct {
	m        int
	whole    *simd.PointwiseWeights
	channels []*simd.PointwiseWeights
}

// NewProjection packs the m×(C·4^J) row-major weights w and m biases (nil
// for none) of a projection of p's coefficients.
func (p *WPT2D) NewProjection(w, bias []float32, m int) (*Projection, error) {
	_, k, _, _ := p.OutShape()
	if m < 1 || len(w) != m*k || bias != nil && len(bias) != m {
		return nil, fmt.Errorf("%w: projection of %d bands onto %d channels from %d weights and %d biases",
			ErrShape, k, m, len(w), len(bias))
	}
	pr := &Projection{m: m, whole: simd.PackPointwise(w, bias, m, k)}
	per := pow4(p.j)
	g := make([]float32, m*per)
	for c := range p.c {
		for o := range m {
			for b := range per {
				g[o*per+b] = float32(float64(w[o*k+c*per+b]) * cdf97BandScale(b, p.j))
			}
		}
		var b []float32
		if c == 0 {
			b = bias
		}
		pr.channels = append(pr.channels, simd.PackPointwise(g, b, m, per))
	}
	return pr, nil
}

// Channels is m, the channels the projection writes.
func (pr *Projection) Channels() int { return pr.m }

// ProjectLen is the length of ForwardProject's output: N·m planes of the
// last level's size.
func (p *WPT2D) ProjectLen(pr *Projection) int {
	return p.n * pr.m * p.hs[p.j] * p.ws[p.j]
}

// ProjectScratchLen is the scratch ForwardProject needs: the streamed
// transform's, or where the plan cannot stream, Forward's and the
// coefficients.
func (p *WPT2D) ProjectScratchLen() int {
	if p.stream {
		return p.streamScratchLen(true)
	}
	return p.levelScratch + p.OutLen()
}

// ForwardProject writes to dst the projection pr of the packet
// coefficients of src: for each image, plane o is bias[o] + Σ_b w[o][b]·band
// b. The coefficients never exist as a whole: each row of them is
// projected as soon as the streamed transform has emitted it, so a frame is
// read once and only the projection is written. The sums are those of
// Forward followed by simd.Pointwise, in the same order, except that a
// streamed transform scales each band through its weights rather than
// each coefficient (the same values to within float32 rounding). It
// allocates nothing.
func (p *WPT2D) ForwardProject(dst, src []float32, pr *Projection, scratch []float32) error {
	if pr == nil || len(pr.channels) != p.c || pr.whole.K() != p.c*pow4(p.j) {
		return fmt.Errorf("%w: WPT2D.ForwardProject: projection does not fit the plan", ErrShape)
	}
	if err := checkLens("WPT2D.ForwardProject", dst, src, scratch, p.ProjectLen(pr), p.InLen(), p.ProjectScratchLen()); err != nil {
		return err
	}
	if p.stream {
		p.forwardStreamed(dst, src[:p.InLen()], scratch, pr)
		return nil
	}
	bands := scratch[p.levelScratch : p.levelScratch+p.OutLen()]
	p.forwardLevels(bands, src, scratch[:p.levelScratch])
	_, k, hJ, wJ := p.OutShape()
	hw := hJ * wJ
	for img := range p.n {
		simd.Pointwise(dst[img*pr.m*hw:], hw, pr.whole, bands[img*k*hw:], hw, hw)
	}
	return nil
}
