package kern

import "github.com/edgerun/edgerun/simd"

// The 3×3 fast path: Winograd F(2×2, 3×3) for stride-1, undilated 3×3
// convolutions. Each 2×2 block of outputs comes from a 4×4 input tile with
// 16 multiplies per input/output channel pair instead of 36; the products
// are 16 independent GEMMs (one per transform coefficient) of the weights
// (OutC/G × C/G) by the tiles (C/G × tiles), so they run on the same gemm
// as everything else. The transforms only add and halve, so the results
// stay within the float32 tolerance of direct convolution.

// winoMinC is the smallest channel count (per group, input and output) for
// which the transforms pay for themselves; thinner convolutions use im2col.
const winoMinC = 4

// winoTarget bounds the transformed input and output of one chunk of
// tiles (floats), to keep them in L2.
const winoTarget = 1 << 16

func (p *Conv2DParams) winograd() bool {
	th, tw := p.winoTiles()
	return p.KH == 3 && p.KW == 3 && p.StrideH == 1 && p.StrideW == 1 &&
		p.DilationH == 1 && p.DilationW == 1 &&
		p.C/p.Groups >= winoMinC && p.OutC/p.Groups >= winoMinC &&
		th*tw >= winoMinTiles
}

// winoMinTiles is the fewest 2×2 output tiles for which Winograd pays: its
// 16 GEMMs each pack their weights again, which small feature maps (the 4×4
// latent grid, a 7×7 tail) cannot amortise; im2col's single GEMM wins there.
const winoMinTiles = 64

func (p *Conv2DParams) winoTiles() (th, tw int) { return (p.OutH() + 1) / 2, (p.OutW() + 1) / 2 }

// winoChunk is the number of tiles transformed and multiplied at once.
func (p *Conv2DParams) winoChunk() int {
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	th, tw := p.winoTiles()
	return max(1, min(winoTarget/(16*(cpg+opg)), th*tw))
}

// winoGroup is the geometry of one group of p's Winograd path: rows of
// tiles one at a time, in chunks of winoChunk tiles.
func (p *Conv2DParams) winoGroup() (*Conv2DParams, *convWino) {
	pg := *p
	pg.N, pg.C, pg.OutC, pg.Groups = 1, p.C/p.Groups, p.OutC/p.Groups, 1
	return &pg, winoLayout(&pg, false, p.winoChunk())
}

// winoScratch is the scratch of the Winograd path: transformed weights of
// one group, then one image's padded split input, transformed tiles and
// products of one chunk (see convWino.lens).
func (p *Conv2DParams) winoScratch() int {
	pg, q := p.winoGroup()
	_, _, worker := q.lens(pg)
	return 16*pg.OutC*pg.C + worker
}

// convWinograd is ConvGemm's Winograd path for weights that change from
// call to call: they are transformed on every call (16·(C/G)·(OutC/G)
// values, small next to the convolution) and multiplied by gemm, which
// packs them; the tiles go through the same simd transforms.
func convWinograd(p *Conv2DParams, dn, xn, w, bias, scratch []float32) {
	pg, q := p.winoGroup()
	cpg, opg := pg.C, pg.OutC
	oh, ow := p.OutH(), p.OutW()
	hw, ohw := p.H*p.W, oh*ow
	u := scratch[:16*opg*cpg]
	ww := q.worker(scratch[16*opg*cpg:], pg)
	for g := 0; g < p.Groups; g++ {
		winoTransformWeights(u, w[g*opg*cpg*9:(g+1)*opg*cpg*9], opg, cpg)
		q.bias = nil
		if bias != nil {
			q.bias = bias[g*opg : (g+1)*opg]
		}
		simd.PadUnzip2(ww.e, ww.o, xn[g*cpg*hw:(g+1)*cpg*hw], cpg, p.H, p.W, p.PadTop, p.PadLeft, q.hp, q.ld, false)
		for c0 := 0; c0 < q.tiles; c0 += q.chunk {
			c1 := min(c0+q.chunk, q.tiles)
			q.rowsIn(ww, cpg, c0, c1, func(int) {})
			for xi := 0; xi < 16; xi++ {
				gemm(false, false, opg, c1-c0, cpg, 1, u[xi*opg*cpg:], cpg, ww.v[xi*cpg*q.ldv:], q.ldv, 0, ww.m[xi*opg*q.ldm:], q.ldm)
			}
			q.rowsOut(dn[g*opg*ohw:(g+1)*opg*ohw], ww, opg, oh, ow, c0, c1)
		}
	}
}
