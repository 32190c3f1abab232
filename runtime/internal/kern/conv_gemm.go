package kern

import "github.com/edgerun/edgerun/simd"

// ConvGemm is a convolution with constant weights lowered to one matrix
// product per group, out = W·im2col(x), with the weights packed once into
// the microkernel's layout and the im2col matrix never formed: the
// product's B panels are gathered straight from the input, into cache,
// as the microkernel needs them. The batch is folded into the product's
// columns (N·OutH·OutW of them), so a batch of small feature maps is one
// wide product instead of N narrow ones, and the bias rides along as one
// more column of W against a row of ones.
//
// This is the path for every convolution but depthwise ones: the packing of
// weights, which the plain GEMM path repeats on every call, is what makes
// the 4×4 and 7×7 maps of sensor models slow, and the separate im2col pass
// doubles the memory traffic of large maps.
type ConvGemm struct {
	p            Conv2DParams
	cpg, opg, kk int // channels and outputs per group; K without the bias row
	k            int // K of the product: kk, plus one with a bias
	oh, ow, ohw  int
	// The input as the products read it: zero-padded when the
	// convolution pads (hp×wp planes), so that no gather tests bounds.
	hp, wp, plane int
	padded        bool
	// rowOff[r] is the offset of row r = (c, i, j) of the im2col matrix
	// from its column's origin: (c·hp + i·dh)·wp + j·dw.
	rowOff []int32
	groups []*simd.PackedA
}

// GemmPath reports whether NewConvGemm takes p: every convolution but
// depthwise ones (one input channel per group, a product of one row),
// whose input offsets fit in 31 bits.
func (p *Conv2DParams) GemmPath() bool {
	hp, wp := p.H+p.PadTop+p.PadBottom, p.W+p.PadLeft+p.PadRight
	return !(p.depthwise() && p.C > 1) && p.N*p.C*hp*wp < 1<<31
}

// NewConvGemm packs w (p's layout, [OutC][C/Groups][KH][KW]) and bias (OutC
// values, or nil) for p, which must have passed Validate.
func NewConvGemm(p *Conv2DParams, w, bias []float32) *ConvGemm {
	cg := &ConvGemm{p: *p, cpg: p.C / p.Groups, opg: p.OutC / p.Groups}
	cg.kk = cg.cpg * p.KH * p.KW
	cg.k = cg.kk
	if bias != nil {
		cg.k++
	}
	cg.oh, cg.ow = p.OutH(), p.OutW()
	cg.ohw = cg.oh * cg.ow
	cg.padded = p.PadTop|p.PadBottom|p.PadLeft|p.PadRight != 0
	cg.hp, cg.wp = p.H+p.PadTop+p.PadBottom, p.W+p.PadLeft+p.PadRight
	cg.plane = cg.hp * cg.wp
	wa := make([]float32, cg.opg*cg.k)
	for g := 0; g < p.Groups; g++ {
		for o := 0; o < cg.opg; o++ {
			row := wa[o*cg.k : (o+1)*cg.k]
			copy(row, w[(g*cg.opg+o)*cg.kk:(g*cg.opg+o+1)*cg.kk])
			if bias != nil {
				row[cg.kk] = bias[g*cg.opg+o]
			}
		}
		cg.groups = append(cg.groups, simd.PackA(false, cg.opg, cg.k, wa, cg.k))
	}
	cg.rowOff = make([]int32, 0, cg.kk)
	for c := 0; c < cg.cpg; c++ {
		for i := 0; i < p.KH; i++ {
			for j := 0; j < p.KW; j++ {
				cg.rowOff = append(cg.rowOff, int32((c*cg.hp+i*p.DilationH)*cg.wp+j*p.DilationW))
			}
		}
	}
	return cg
}

// Columns is the number of columns of the products: N·OutH·OutW. Run
// computes any range of them; ranges split among goroutines give the same
// bits as one call.
func (cg *ConvGemm) Columns() int { return cg.p.N * cg.ohw }

// PadLen is the length of the padded copy of the input that Pad writes and
// the sources read: zero when the convolution does not pad, and the input
// is read in place.
func (cg *ConvGemm) PadLen() int {
	if !cg.padded {
		return 0
	}
	return cg.p.N * cg.p.C * cg.plane
}

// Pad writes images [n0, n1) of x, zero-padded, into xp (PadLen floats).
func (cg *ConvGemm) Pad(xp, x []float32, n0, n1 int) {
	p := &cg.p
	hw := p.H * p.W
	for nc := n0 * p.C; nc < n1*p.C; nc++ {
		dp := xp[nc*cg.plane : (nc+1)*cg.plane]
		src := x[nc*hw : (nc+1)*hw]
		clear(dp[:p.PadTop*cg.wp])
		clear(dp[(p.PadTop+p.H)*cg.wp:])
		for y := 0; y < p.H; y++ {
			row := dp[(p.PadTop+y)*cg.wp : (p.PadTop+y+1)*cg.wp]
			clear(row[:p.PadLeft])
			copy(row[p.PadLeft:], src[y*p.W:(y+1)*p.W])
			clear(row[p.PadLeft+p.W:])
		}
	}
}

// ConvSource is the B operand of one group's product over one input: the
// im2col matrix of x, produced panel by panel. A goroutine needs its own
// for each group it computes; they hold no other state.
type ConvSource struct {
	cg *ConvGemm
	x  []float32
	g  int
	// colOff is the panel's column origins, here rather than on the
	// stack because the gather kernels are called indirectly.
	colOff [64]int32
}

// Source returns the B operand of group g over the input as the products
// read it: the padded copy (see PadLen) when there is one, else the input.
func (cg *ConvGemm) Source(x []float32, g int) *ConvSource {
	return &ConvSource{cg: cg, x: x, g: g}
}

// Run computes columns [j0, j1) of every group's product into dst (the
// N×OutC×OutH×OutW output), reading the input through srcs (one per group,
// from Source).
func (cg *ConvGemm) Run(dst []float32, srcs []*ConvSource, j0, j1 int) {
	for g, pa := range cg.groups {
		simd.SgemmPackedA(pa, srcs[g], j0, j1, dst[g*cg.opg*cg.ohw:], cg.ohw, cg.ohw, cg.p.OutC*cg.ohw)
	}
}

// PackPanel writes rows [p0, p0+kc) of columns [j0, j0+cols) of the im2col
// matrix into dst (see simd.BPanelSource): row (c, i, j) of column (n, y,
// x) is in[n][g·C/G+c][y·sh+i·dh-PadTop][x·sw+j·dw-PadLeft], zero in the
// padding, and row kk (the bias row) is all ones. Columns past cols repeat
// the last one.
func (s *ConvSource) PackPanel(dst []float32, nr, p0, kc, j0, cols int) {
	cg := s.cg
	p := &cg.p
	// Each column's origin in the (padded) input.
	colOff := &s.colOff
	n, pos := j0/cg.ohw, j0%cg.ohw
	y, x := pos/cg.ow, pos%cg.ow
	// Unpadded, the planes are the input's own (hp = H, wp = W).
	img := (n*p.C + s.g*cg.cpg) * cg.plane
	for jj := 0; jj < nr; jj++ {
		if jj < cols {
			colOff[jj] = int32(img + y*p.StrideH*cg.wp + x*p.StrideW)
			if x++; x == cg.ow {
				x = 0
				if y++; y == cg.oh {
					y = 0
					img += p.C * cg.plane
				}
			}
		} else {
			colOff[jj] = colOff[cols-1]
		}
	}
	r1 := min(p0+kc, cg.kk)
	if r1 > p0 {
		// The widest run of consecutive input floats that tiles the
		// panel: the whole panel for a stride-1 row, an output row of a
		// small map, else single floats.
		run := 1
		if cols == nr {
			for _, l := range [...]int{nr, 8, 4} {
				if nr%l == 0 && runsOf(colOff[:nr], l) {
					run = l
					break
				}
			}
		}
		co := colOff[:nr/run]
		if run > 1 {
			for t := range co {
				co[t] = colOff[t*run]
			}
		}
		simd.GatherRows(dst[:(r1-p0)*nr], s.x, cg.rowOff[p0:r1], co, run)
	}
	for r := max(r1, p0); r < p0+kc; r++ {
		d := dst[(r-p0)*nr : (r-p0)*nr+nr]
		for jj := range d {
			d[jj] = 1
		}
	}
}

// runsOf reports whether off is made of blocks of l consecutive offsets.
func runsOf(off []int32, l int) bool {
	for b := 0; b < len(off); b += l {
		for t := 1; t < l; t++ {
			if off[b+t] != off[b]+int32(t) {
				return false
			}
		}
	}
	return true
}
