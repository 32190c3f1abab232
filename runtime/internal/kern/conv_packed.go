package kern

import "github.com/edgerun/edgerun/simd"

// PackedConv holds a convolution's weights packed once, per group, as the
// right-hand operand of simd's SGEMM. The product is then computed with the
// positions as rows, out[pos][o] = Σ_k patch[pos][k]·w[o][k], so the weights
// are never repacked per call — which is most of the cost of the small
// feature maps of sensor models (a 4×4 latent grid, a 7×7 tail).
type PackedConv struct {
	groups []*simd.PackedB
}

// PackConv2D packs w (p's layout [OutC][C/Groups][KH][KW]) for Conv2DPacked.
func PackConv2D(p *Conv2DParams, w []float32) *PackedConv {
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	kk := cpg * p.KH * p.KW
	pc := &PackedConv{groups: make([]*simd.PackedB, p.Groups)}
	for g := range pc.groups {
		pc.groups[g] = simd.PackB(true, kk, opg, w[g*opg*kk:(g+1)*opg*kk], kk)
	}
	return pc
}

// Conv2DPacked computes what Conv2D computes, on weights packed by
// PackConv2D. It works in tiles of output positions sized to the scratch
// it is given, which must hold at least (C/Groups·KH·KW + OutC/Groups)
// floats; Conv2DScratch(p) is enough whenever it is not zero.
func Conv2DPacked(p *Conv2DParams, dst, x []float32, pc *PackedConv, bias, scratch []float32) {
	oh, ow := p.OutH(), p.OutW()
	ohw := oh * ow
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	hw := p.H * p.W
	kk := cpg * p.KH * p.KW
	rows := max(1, min(ohw, len(scratch)/(kk+opg)))
	patch, prod := scratch[:rows*kk], scratch[rows*kk:rows*(kk+opg)]
	for n := 0; n < p.N; n++ {
		xn := x[n*p.C*hw : (n+1)*p.C*hw]
		dn := dst[n*p.OutC*ohw : (n+1)*p.OutC*ohw]
		for g := 0; g < p.Groups; g++ {
			xg := xn[g*cpg*hw : (g+1)*cpg*hw]
			dg := dn[g*opg*ohw : (g+1)*opg*ohw]
			var bg []float32
			if bias != nil {
				bg = bias[g*opg : (g+1)*opg]
			}
			for p0 := 0; p0 < ohw; p0 += rows {
				r := min(rows, ohw-p0)
				im2row(p, patch[:r*kk], xg, cpg, p0, p0+r, 0)
				simd.SgemmPacked(false, r, 1, patch, kk, pc.groups[g], 0, prod, opg, bg)
				for i := 0; i < r; i++ {
					for o, v := range prod[i*opg : (i+1)*opg] {
						dg[o*ohw+p0+i] = v
					}
				}
			}
		}
	}
}

// packedMaxPositions bounds the output plane of packed convolutions; above
// it the column GEMM of Conv2D amortises its packing (measured on the
// Fashion-MNIST models: 4×4 and 7×7 maps gain, 14×14 loses).
const packedMaxPositions = 64

// Packable reports whether Conv2DPacked is the faster path for p and works
// with Conv2DScratch(p) floats of scratch: im2col convolutions (1×1,
// depthwise and Winograd ones have faster paths of their own) on feature
// maps of at most packedMaxPositions outputs, where repacking the weights
// on every call would cost more than the product itself.
func (p *Conv2DParams) Packable() bool {
	if p.pointwise() || p.depthwise() || p.winograd() || p.OutH()*p.OutW() > packedMaxPositions {
		return false
	}
	return Conv2DScratch(p) >= (p.C/p.Groups)*p.KH*p.KW+p.OutC/p.Groups
}
