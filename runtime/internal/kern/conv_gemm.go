package kern

import (
	"math"

	"github.com/edgerun/edgerun/simd"
)

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
	// The input as the products read it. When the convolution pads or
	// strides, a copy: zero-padded (hp×wp) so that no gather tests
	// bounds, and split into its sh×sw stride phases of hq×wq (phase
	// (r, s) holds the padded rows ≡ r mod sh and columns ≡ s mod sw), so
	// that consecutive output positions read consecutive floats of
	// every tap at any stride. plane is one channel's floats.
	wp, hq, wq, plane int
	// ys and xs are the input strides between outputs one row and one
	// column apart (see steps).
	ys, xs int
	// rowOff[r] is the offset of row r = (c, i, j) of the im2col matrix
	// from its column's origin.
	rowOff simd.Offsets
	groups []*simd.PackedA
	direct *convDirect // nil but over one input channel (see convDirect)
	wino   *convWino   // nil but for the Winograd path (see convWino)
	// ReluInput makes Pad rectify the input it copies: a ReLU before the
	// convolution, folded into the copy. Only a padded convolution at
	// stride 1 takes it (CanReluInput).
	ReluInput bool
	// pool and poolRelu: see PoolOutput.
	pool, poolRelu bool
}

// CanReluInput reports whether ReluInput may be set (see
// Conv2DParams.GemmCopiesInput).
func (cg *ConvGemm) CanReluInput() bool { return cg.p.GemmCopiesInput() }

// GemmCopiesInput reports whether the ConvGemm of p (which must pass
// GemmPath) pads at stride 1, so that Pad copies every input value once:
// the convolutions a preceding ReLU can fold into.
func (p *Conv2DParams) GemmCopiesInput() bool {
	return p.GemmPadLen() > 0 && p.StrideH == 1 && p.StrideW == 1
}

// GemmPath reports whether NewConvGemm takes p: every convolution but
// depthwise ones (one input channel per group, a product of one row),
// whose input offsets fit in 31 bits.
func (p *Conv2DParams) GemmPath() bool {
	hq, wq := p.phases()
	padded := int64(p.N) * int64(p.C) * int64(hq) * int64(wq) * int64(p.phaseCount())
	return !(p.depthwise() && p.C > 1) && max(padded, int64(p.InputLen())) <= math.MaxInt32
}

// transformed reports whether ConvGemm reads a padded, phase-split copy of
// the input rather than the input itself. An unpadded pointwise
// convolution reads its input in place even when strided (the 1×1
// downsampling of ResNet blocks): it reads one float in sh·sw, which costs
// less gathered one by one than a copy of the whole input.
func (p *Conv2DParams) transformed() bool {
	return p.PadTop|p.PadBottom|p.PadLeft|p.PadRight != 0 ||
		((p.StrideH > 1 || p.StrideW > 1) && (p.KH > 1 || p.KW > 1))
}

// phases is the size of one stride phase of the padded input, or of the
// input itself when it is read in place.
func (p *Conv2DParams) phases() (hq, wq int) {
	switch {
	case !p.transformed():
		return p.H, p.W
	case p.colPhases():
		return p.H + p.PadTop + p.PadBottom, (p.W + p.PadLeft + p.PadRight + 1) / 2
	}
	return (p.H + p.PadTop + p.PadBottom + p.StrideH - 1) / p.StrideH,
		(p.W + p.PadLeft + p.PadRight + p.StrideW - 1) / p.StrideW
}

// colPhases reports whether the padded copy splits the columns alone, not
// the rows: a window of several rows and columns at stride 2 (the
// strided 3×3 convolutions and the 7×7 stem of a ResNet) reads every row,
// and the copy is then simd.PadUnzip2 of each image (one pass, vectorised)
// into its even and odd columns, all channels' even planes before their
// odd ones. Other strided windows split rows and columns into their
// phases and copy only the rows a tap reads (a strided 1×1 convolution
// with padding reads one phase in four).
func (p *Conv2DParams) colPhases() bool {
	return p.StrideH == 2 && p.StrideW == 2 && p.KH > 1 && p.KW > 1 && p.DilationH == 1 && p.DilationW == 1
}

// phaseCount is the number of phases of the padded copy (1 when the input
// is read in place).
func (p *Conv2DParams) phaseCount() int {
	switch {
	case !p.transformed():
		return 1
	case p.colPhases():
		return 2
	}
	return p.StrideH * p.StrideW
}

// steps are the input strides, in floats, between outputs that are
// adjacent down a column and along a row, in the input as ConvGemm reads
// it: a phase-split copy makes them (a row of a phase, 1; two rows of
// one when only the columns are split), the input read in place (sh rows,
// sw).
func (p *Conv2DParams) steps(wq int) (ys, xs int) {
	switch {
	case !p.transformed():
		return p.StrideH * p.W, p.StrideW
	case p.colPhases():
		return 2 * wq, 1
	}
	return wq, 1
}

// GemmPadLen is the PadLen of the ConvGemm of p (which must pass
// GemmPath), without packing anything.
func (p *Conv2DParams) GemmPadLen() int {
	if !p.transformed() {
		return 0
	}
	hq, wq := p.phases()
	return p.N * p.C * p.phaseCount() * hq * wq
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
	cg.wp = p.W + p.PadLeft + p.PadRight
	cg.hq, cg.wq = p.phases()
	cg.plane = cg.hq * cg.wq * p.phaseCount()
	cg.ys, cg.xs = p.steps(cg.wq)
	if p.gemmWinograd() {
		cg.wino = newConvWino(p, w, bias)
		return cg
	}
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
	rowOff := make([]int32, 0, cg.kk)
	for c := 0; c < cg.cpg; c++ {
		for i := 0; i < p.KH; i++ {
			for j := 0; j < p.KW; j++ {
				di, dj := i*p.DilationH, j*p.DilationW
				if p.colPhases() {
					// All channels' even columns, then their odd ones.
					rowOff = append(rowOff, int32((dj%2*p.C+c)*cg.hq*cg.wq+di*cg.wq+dj/2))
					continue
				}
				phase := (di%p.StrideH)*p.StrideW + dj%p.StrideW
				rowOff = append(rowOff, int32(c*cg.plane+phase*cg.hq*cg.wq+(di/p.StrideH)*cg.wq+dj/p.StrideW))
			}
		}
	}
	cg.rowOff = simd.NewOffsets(rowOff)
	cg.direct = newConvDirect(p, w, bias)
	return cg
}

// Columns is the number of columns of the products: N·OutH·OutW. Run
// computes any range of them; ranges split among goroutines give the same
// bits as one call.
func (cg *ConvGemm) Columns() int { return cg.p.N * cg.ohw }

// PadLen is the length of the padded copy of the input that Pad writes and
// the sources read: zero when the convolution neither pads nor strides,
// and the input is read in place.
func (cg *ConvGemm) PadLen() int { return cg.p.GemmPadLen() }

// Pad writes images [n0, n1) of x, zero-padded and split into stride
// phases, into xp (PadLen floats).
func (cg *ConvGemm) Pad(xp, x []float32, n0, n1 int) {
	p := &cg.p
	hw := p.H * p.W
	sh, sw := p.StrideH, p.StrideW
	if sh == 1 && sw == 1 {
		simd.PadPlanes(xp[n0*p.C*cg.plane:n1*p.C*cg.plane], x[n0*p.C*hw:n1*p.C*hw], (n1-n0)*p.C,
			p.H, p.W, p.PadTop, p.PadBottom, p.PadLeft, p.PadRight, cg.ReluInput)
		return
	}
	if p.colPhases() {
		half := p.C * cg.hq * cg.wq
		for n := n0; n < n1; n++ {
			e := xp[n*p.C*cg.plane : n*p.C*cg.plane+half]
			o := xp[n*p.C*cg.plane+half : (n+1)*p.C*cg.plane]
			simd.PadUnzip2(e, o, x[n*p.C*hw:(n+1)*p.C*hw], p.C, p.H, p.W, p.PadTop, p.PadLeft, cg.hq, cg.wq, cg.ReluInput)
		}
		return
	}
	// Rows of a stride phase no tap reads are skipped (a strided 1×1
	// convolution reads one phase in four), and without padding the
	// phases read are written whole, so nothing needs zeroing.
	var rowUsed [8]bool
	for i := 0; i < p.KH; i++ {
		if r := i * p.DilationH % sh; r < len(rowUsed) {
			rowUsed[r] = true
		}
	}
	padded := p.PadTop|p.PadBottom|p.PadLeft|p.PadRight != 0
	for nc := n0 * p.C; nc < n1*p.C; nc++ {
		dp := xp[nc*cg.plane : (nc+1)*cg.plane]
		src := x[nc*hw : (nc+1)*hw]
		if padded {
			clear(dp)
		}
		pq := cg.hq * cg.wq
		for y := 0; y < p.H; y++ {
			yy := y + p.PadTop
			if r := yy % sh; r < len(rowUsed) && !rowUsed[r] {
				continue
			}
			rowBase := (yy%sh)*sw*pq + (yy/sh)*cg.wq
			in := src[y*p.W : (y+1)*p.W]
			if sw == 2 {
				// Even input columns land in the phase of PadLeft's
				// parity, odd ones in the other.
				e, o := p.PadLeft, p.PadLeft+1
				simd.Unzip2(dp[rowBase+(e%2)*pq+e/2:], dp[rowBase+(o%2)*pq+o/2:], in)
				continue
			}
			for s := 0; s < sw && s < p.W; s++ {
				// Input columns x with (x + PadLeft) mod sw = phase.
				x0 := s
				xx := x0 + p.PadLeft
				out := dp[rowBase+(xx%sw)*pq+xx/sw:]
				for b, t := 0, x0; t < p.W; b, t = b+1, t+sw {
					out[b] = in[t]
				}
			}
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
	// The panel's column origins and blend blocks, here rather than on
	// the stack because the gather kernels are called indirectly.
	colOff [64]int32
	blocks [8]simd.BlendBlock
	// Where the panel after the last one starts: column next, at output
	// position (cn, cy, cx), when cursor is set.
	cursor     bool
	next       int
	cn, cy, cx int
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
	if cg.wino != nil {
		panic("kern: ConvGemm.Run on the Winograd path (see RunWino)")
	}
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
	// The driver asks for panels left to right: keep where the next one
	// starts, which spares three divisions a panel (the cost that matters
	// when K is small, as in a first layer over one channel).
	var n, y, x int
	if s.cursor && j0 == s.next {
		n, y, x = s.cn, s.cy, s.cx
	} else {
		n, y, x = j0/cg.ohw, (j0%cg.ohw)/cg.ow, j0%cg.ow
	}
	r1 := min(p0+kc, cg.kk)
	if r1 > p0 {
		s.gather(dst[:(r1-p0)*nr], cg.rowOff.Sub(p0, r1), nr, cols, n, y, x)
	}
	for r := max(r1, p0); r < p0+kc; r++ {
		d := dst[(r-p0)*nr : (r-p0)*nr+nr]
		for jj := range d {
			d[jj] = 1
		}
	}
	s.next, s.cursor = j0+cols, true
	s.cn, s.cy, s.cx = cg.advance(n, y, x, cols)
}

// advance moves output position (n, y, x) by k columns.
func (cg *ConvGemm) advance(n, y, x, k int) (int, int, int) {
	x += k
	if x < cg.ow {
		return n, y, x
	}
	y += x / cg.ow
	x %= cg.ow
	n += y / cg.oh
	return n, y % cg.oh, x
}

// gather writes the panel of cols columns from output position (n, y, x),
// rows rows. Columns are output positions; in the input as the products
// read it (padded and split into stride phases), consecutive positions of
// one output row are consecutive floats of every tap. So the panel is one
// run when it lies in one output row (or one image, when output rows are
// input rows), blocks of eight made of two runs when each block wraps at
// most once from one output row to the next (always for output widths of
// four and of seven or more), and single floats otherwise.
func (s *ConvSource) gather(dst []float32, rows simd.Offsets, nr, cols, n, y, x int) {
	cg := s.cg
	p := &cg.p
	imgStride := p.C * cg.plane
	img := (n*p.C + s.g*cg.cpg) * cg.plane
	if p.colPhases() {
		// A group's channels start its even and its odd planes alike
		// (rowOff holds the distance between the two).
		img = n*imgStride + s.g*cg.cpg*cg.hq*cg.wq
	}
	if cols == nr && cg.xs == 1 {
		if x+nr <= cg.ow || (cg.ys == cg.ow && y*cg.ow+x+nr <= cg.ohw) {
			s.colOff[0] = int32(img + y*cg.ys + x)
			simd.GatherRows(dst, s.x, rows, s.colOff[:1], nr)
			return
		}
		if nr%8 == 0 && nr/8 <= len(s.blocks) && s.blend(nr/8, img, imgStride, y, x) &&
			simd.GatherBlend(dst, s.x, rows, s.blocks[:nr/8]) {
			return
		}
	}
	colOff := s.colOff[:nr]
	for t := range colOff {
		if t >= cols {
			colOff[t] = colOff[cols-1]
			continue
		}
		colOff[t] = int32(img + y*cg.ys + x*cg.xs)
		if x++; x == cg.ow {
			x = 0
			if y++; y == cg.oh {
				y = 0
				img += imgStride
			}
		}
	}
	simd.GatherRows(dst, s.x, rows, colOff, 1)
}

// blend describes nb blocks of eight columns from output position (y, x)
// of the image whose group's first plane is at img, in s.blocks. It
// reports false when a block would wrap twice, which only outputs
// narrower than seven (but not four) can make it do.
func (s *ConvSource) blend(nb, img, imgStride, y, x int) bool {
	cg := s.cg
	nextRow := func() {
		if y++; y == cg.oh {
			y, img = 0, img+imgStride
		}
	}
	for h := range nb {
		a := int32(img + y*cg.ys + x)
		if x+8 < cg.ow {
			s.blocks[h] = simd.BlendBlock{A: a, B: a, Split: 8}
			x += 8
			continue
		}
		// The block ends this row: the rest, if any, starts the next.
		split := cg.ow - x
		nextRow()
		rest := 8 - split
		if rest > cg.ow {
			return false
		}
		s.blocks[h] = simd.BlendBlock{A: a, B: int32(img+y*cg.ys) - int32(split), Split: int32(split)}
		x = rest
		if x == cg.ow {
			x = 0
			nextRow()
		}
	}
	return true
}
