package kern

import (
	"fmt"
	"sync"

	"github.com/edgerun/edgerun/simd"
)

// convWino is the Winograd path of a ConvGemm: F(2×2, 3×3) for 3×3
// convolutions at stride 1 (most of the FLOPs of a ResNet, and the middle
// layers of small classifiers). Each 2×2 block of outputs, a tile, costs
// 16 multiply-adds per input/output channel pair instead of 36: the
// weights, transformed once per session (U = G·g·Gᵀ, in float64, then
// rounded), make sixteen products U_ξ·V_ξ over the channels, one per
// transform coefficient ξ, whose right-hand sides are the input's tiles
// transformed (V = Bᵀ·d·B) and whose results are transformed back
// (Y = Aᵀ·M·A, plus the bias) into the output. The batch's tiles are
// taken in chunks that keep the transformed tiles and products of one
// coefficient in L2 beside its weights; the transforms are simd kernels
// that do eight tiles of a row at a time, from the padded input split
// into even and odd columns. Results stay within float32 rounding of the
// direct convolution (the transforms only add, subtract and halve), but
// are not its bits.
type convWino struct {
	// r is the side of a tile's outputs: 2 for F(2×2, 3×3), 4 for
	// F(4×4, 3×3) (36 coefficients a tile, for sixteen outputs), which the
	// maps wide enough to fill a row of eight tiles take; nx is the
	// number of coefficients, (r+2)².
	r, nx         int
	th, tw, tiles int // rows and columns of tiles in one image, and their count
	// pairs lays out rows of tiles four wide two at a time (WinogradIn2):
	// the columns of the products are then slots, eight for each pair
	// of rows of tiles, rather than tiles.
	pairs bool
	// quads lays out maps two 4×4 tiles wide and tall four rows of two
	// tiles at a time, two images' (WinogradIn4x4): the columns of the
	// products are eight slots for each pair of images.
	quads bool
	// lanes lays out maps of one 4×4 tile eight images at a time, an
	// image a lane (WinogradIn4L), from an interleaved copy of their
	// padded maps in the worker's first half.
	lanes     bool
	slots     int // columns of one image in the products (quads: of two, halved)
	hp, wp    int // the padded map: rows, columns (r·th+2 × 2·tw+2, or 4·tw+4)
	ld, plane int // floats in a row and a plane of each column half (wp/2, hp·ld)
	// ld4 and plane4: a row and a plane of each of the four column
	// phases of F(4×4, 3×3) (ld/2, hp·ld4), which split the halves again.
	ld4, plane4 int
	chunk       int             // columns (tiles, or slots) transformed and multiplied at once
	ldv, ldm    int             // row strides of the transformed tiles and of the products
	u           []*simd.PackedA // one packed matrix a coefficient
	bias        []float32
}

// winoGemmMinGain is the least ratio of the multiply-adds the Winograd
// path saves (C·OutC per tile) to what its transforms cost (C+OutC per
// tile, times the lanes a row of tiles wastes in blocks of eight), scaled
// by the share of the tiles' outputs that the map has (a 7×7 map is
// covered by 8×8 outputs), for it to take a convolution. It is set
// between the shapes measured: the pixel baseline's 16→32 layer on 14×14
// maps (9.3: a tenth faster at batch 16, as fast at batch 1) and the
// default pipeline's 64→64 layers on 4×4 latent maps (8: a sixth slower).
const winoGemmMinGain = 9

// winoGemmMinSlots is the fewest columns the products must have: one
// panel of the microkernel. With fewer, as the 4×4 maps of the deepest
// layers at batch 1 or 2 have (four or eight tiles), the sixteen products
// compute mostly empty columns and the single product is up to twice as
// fast; at sixteen (the 8×8 layer at batch 1, the pixel baseline's 7×7
// one) Winograd is a fifth to a third faster.
const winoGemmMinSlots = 16

// winoChunkFloats bounds the transformed tiles and products of one chunk
// (16·(C+OutC)·chunk floats): 512 KiB, an L2. Chunks of 2^15 to 2^18
// floats measured the same.
const winoChunkFloats = 1 << 17

// gemmWinograd reports whether the ConvGemm of p takes the Winograd path:
// a 3×3 window at stride 1 without dilation or groups, a gain of at least
// winoGemmMinGain, at least winoGemmMinSlots columns, and transforms that
// run vectorised at the active SIMD level (in Go they would cost much of
// what they save).
func (p *Conv2DParams) gemmWinograd() bool {
	if p.KH != 3 || p.KW != 3 || p.StrideH != 1 || p.StrideW != 1 || p.DilationH != 1 || p.DilationW != 1 ||
		p.Groups != 1 || p.C < 1 || p.OutC < 1 || winoForce < 0 {
		return false
	}
	if winoForce > 0 {
		return true
	}
	th, tw := (p.OutH()+1)/2, (p.OutW()+1)/2
	waste, slots := float64((tw+7)/8*8)/float64(tw), th*tw
	switch {
	case p.winoLanes():
		// Eight images at a time, one 4×4 tile each (WinogradIn4L).
		waste = 1
	case tw == 4:
		// Two rows of tiles at a time (WinogradIn2).
		waste, slots = 1, 8*((th+1)/2)
	}
	cover := float64(p.OutH()*p.OutW()) / float64(4*th*tw)
	gain := float64(p.C) * float64(p.OutC) / float64(p.C+p.OutC) * cover / waste
	return simd.WinogradVectorised() && gain >= winoGemmMinGain && p.N*slots >= winoGemmMinSlots
}

// winoGeometry is the convWino of p without its weights.
func winoGeometry(p *Conv2DParams) *convWino {
	if p.winoWide() {
		q := winoLayout4(p, 0)
		chunk := max(64, winoChunkFloats/(36*(p.C+p.OutC))/16*16)
		q.chunk = min(chunk, (q.total(p.N)+15)/16*16)
		q.ldv, q.ldm = q.chunk+16, q.chunk+8
		return q
	}
	th, tw := (p.OutH()+1)/2, (p.OutW()+1)/2
	slots := th * tw
	if tw == 4 {
		slots = 8 * ((th + 1) / 2)
	}
	chunk := max(64, winoChunkFloats/(16*(p.C+p.OutC))/16*16)
	return winoLayout(p, tw == 4, min(chunk, (p.N*slots+15)/16*16))
}

// winoLanesMinImages is the fewest images for which maps of one 4×4 tile
// take F(4×4, 3×3) with the images in the lanes: with fewer, the 36
// products have under a panel of columns (256 channels, four images: 2.1
// ms against 0.8 for 2×2 tiles; eight: 1.7 against 2.7; sixteen: 2.5
// against 3.9).
const winoLanesMinImages = 8

// winoLanes reports whether p's 4×4 maps run F(4×4, 3×3) eight images at a
// time, one tile each (WinogradIn4L), where the transforms have vector
// kernels.
func (p *Conv2DParams) winoLanes() bool {
	if p.OutH() != 4 || p.OutW() != 4 || p.H+p.PadTop > 6 || p.W+p.PadLeft > 6 || winoForce4 < 0 {
		return false
	}
	return winoForce4 > 0 || (simd.Winograd4Vectorised() && p.N >= winoLanesMinImages)
}

// winoWideMinTiles is the fewest 4×4 tiles a row of a map must hold for
// F(4×4, 3×3): a row of tiles fills the kernels' eight lanes or nearly
// (maps 25 to 32 wide and wider); rows of exactly four (maps 13 to 16
// wide) go two at a time.
const winoWideMinTiles = 7

// winoWide reports whether p (which takes the Winograd path) runs it with
// 4×4 tiles, F(4×4, 3×3): the transforms have vector kernels, a row of
// tiles (or two, four tiles wide, or two images' two by two tiles) fills
// (nearly) eight lanes, and tiles cover the map with at most a quarter of
// their outputs past it. Measured at batch 16 against 2×2 tiles: 32×32
// maps 4.0 → 2.9 ms (32 channels), 16×16 3.1 → 1.7 (64), 8×8 2.6 → 1.6
// (128), 7×7 0.36 → 0.24 (32 → 64), 14×14 0.46 → 0.36 (16 → 32).
func (p *Conv2DParams) winoWide() bool {
	if winoForce4 < 0 || !p.gemmWinograd() {
		return false
	}
	th, tw := (p.OutH()+3)/4, (p.OutW()+3)/4
	if winoForce4 > 0 || p.winoLanes() {
		return true
	}
	cover := float64(p.OutH()*p.OutW()) / float64(16*th*tw)
	// Two images at a time need a panel of columns, as the Winograd path
	// does: at batch 1 and 2 the single-image 2×2 tiles are faster.
	quads := tw == 2 && th == 2 && 8*((p.N+1)/2) >= winoGemmMinSlots
	return simd.Winograd4Vectorised() && (tw >= winoWideMinTiles || tw == 4 || quads) && cover >= 0.75
}

// winoLayout is the geometry of p's tiles taken chunk columns at a time,
// two rows of tiles at a time when pairs is set.
func winoLayout(p *Conv2DParams, pairs bool, chunk int) *convWino {
	q := &convWino{r: 2, nx: 16, th: (p.OutH() + 1) / 2, tw: (p.OutW() + 1) / 2, pairs: pairs, chunk: chunk}
	q.tiles = q.th * q.tw
	q.slots = q.tiles
	if q.pairs {
		q.slots = 8 * ((q.th + 1) / 2)
	}
	q.hp, q.wp = 2*q.th+2, 2*q.tw+2
	q.ld = q.wp / 2
	q.plane = q.hp * q.ld
	// Row strides past the chunk: the input transform writes up to seven
	// lanes beyond a row of tiles, and the products read sixteen columns
	// at a time.
	q.ldv = q.chunk + 16
	q.ldm = q.chunk + 8
	return q
}

// winoLayout4 is the geometry of p's 4×4 tiles taken chunk at a time:
// rows of tiles four wide two at a time, maps of two by two tiles two
// images at a time. The padded rows are 4·tw+4 wide, so that the halves'
// rows have an even length and one Unzip2 of a whole half splits every
// row of it.
func winoLayout4(p *Conv2DParams, chunk int) *convWino {
	q := &convWino{r: 4, nx: 36, th: (p.OutH() + 3) / 4, tw: (p.OutW() + 3) / 4, chunk: chunk}
	q.pairs = q.tw == 4
	q.quads = q.tw == 2 && q.th == 2
	q.lanes = p.winoLanes()
	q.tiles = q.th * q.tw
	q.slots = q.tiles
	switch {
	case q.pairs:
		q.slots = 8 * ((q.th + 1) / 2)
	case q.quads:
		q.slots = 4
	}
	q.hp, q.wp = 4*q.th+2, 4*q.tw+4
	q.ld = q.wp / 2
	q.plane = q.hp * q.ld
	q.ld4 = q.ld / 2
	q.plane4 = q.hp * q.ld4
	q.ldv = q.chunk + 16
	q.ldm = q.chunk + 8
	return q
}

// winoForce lets tests take the Winograd path where the transforms run
// in Go (1), and benchmarks compare it with the single product (-1);
// winoForce4 does the same for F(4×4, 3×3) within the Winograd path.
var winoForce, winoForce4 int

func newConvWino(p *Conv2DParams, w, bias []float32) *convWino {
	q := winoGeometry(p)
	q.bias = bias
	// The transformed weights before packing are a layer's weights four
	// times over: one buffer serves every layer a session prepares, so
	// that they do not pile up as garbage (the deep layers' are
	// megabytes).
	bp := winoWeightBuf.Get().(*[]float32)
	if need := q.nx * p.OutC * p.C; cap(*bp) < need {
		*bp = make([]float32, need)
	}
	us := (*bp)[:q.nx*p.OutC*p.C]
	if q.r == 4 {
		winoTransformWeights4(us, w, p.OutC, p.C)
	} else {
		winoTransformWeights(us, w, p.OutC, p.C)
	}
	q.u = make([]*simd.PackedA, q.nx)
	for xi := range q.u {
		q.u[xi] = simd.PackA(false, p.OutC, p.C, us[xi*p.OutC*p.C:(xi+1)*p.OutC*p.C], p.C)
	}
	winoWeightBuf.Put(bp)
	return q
}

// winoWeightBuf holds newConvWino's buffer between layers.
var winoWeightBuf = sync.Pool{New: func() any { return new([]float32) }}

// winoTransformWeights4 is winoTransformWeights for F(4×4, 3×3): the 36
// coefficients of U = G·g·Gᵀ, coefficient ξ = 6r+s's opg×cpg matrix at
// u[ξ*opg*cpg:], in float64, then rounded. G's rows are g0/4,
// -(g0+g1+g2)/6, -(g0-g1+g2)/6, g0/24+g1/12+g2/6, g0/24-g1/12+g2/6 and g2,
// applied to the kernel's columns and then to the rows of the result
// with the sums they share computed once (a deep layer's weights are
// megabytes: a session's preparation is mostly this).
func winoTransformWeights4(u, w []float32, opg, cpg int) {
	// Blocks of kernels, so that each coefficient's values go to u as
	// one copy rather than 36 scattered stores a kernel.
	const blk = 64
	var buf [36][blk]float32
	n := opg * cpg
	for at0 := 0; at0 < n; at0 += blk {
		m := min(blk, n-at0)
		for i := 0; i < m; i++ {
			k := w[(at0+i)*9 : (at0+i)*9+9 : (at0+i)*9+9]
			var t [6][3]float64 // G·g
			for j := 0; j < 3; j++ {
				t[0][j], t[1][j], t[2][j], t[3][j], t[4][j], t[5][j] = winoG6(float64(k[j]), float64(k[3+j]), float64(k[6+j]))
			}
			for r := range t {
				v0, v1, v2, v3, v4, v5 := winoG6(t[r][0], t[r][1], t[r][2])
				buf[6*r][i], buf[6*r+1][i], buf[6*r+2][i] = float32(v0), float32(v1), float32(v2)
				buf[6*r+3][i], buf[6*r+4][i], buf[6*r+5][i] = float32(v3), float32(v4), float32(v5)
			}
		}
		for xi := range buf {
			copy(u[xi*n+at0:xi*n+at0+m], buf[xi][:m])
		}
	}
}

// winoG6 is G of F(4×4, 3×3) applied to (a, b, d), with products by the
// reciprocals: a division costs several multiplications, and the result
// is rounded to float32 anyway.
func winoG6(a, b, d float64) (t0, t1, t2, t3, t4, t5 float64) {
	const r4, r6, r12, r24 = 1.0 / 4, 1.0 / 6, 1.0 / 12, 1.0 / 24
	s, p, q := a+d, a*r24+d*r6, b*r12
	return a * r4, -(s + b) * r6, -(s - b) * r6, p + q, p - q, d
}

// winoTransformWeights writes U = G·g·Gᵀ of the opg×cpg 3×3 kernels in w
// ([o][c][3][3]) into u, coefficient ξ's opg×cpg matrix at
// u[ξ*opg*cpg:]: by rows then columns (G's rows are g0, (g0+g1+g2)/2,
// (g0-g1+g2)/2, g2), in float64, then rounded.
func winoTransformWeights(u, w []float32, opg, cpg int) {
	for oc := 0; oc < opg; oc++ {
		for c := 0; c < cpg; c++ {
			k := w[(oc*cpg+c)*9 : (oc*cpg+c)*9+9]
			var t [4][3]float64
			for j := 0; j < 3; j++ {
				a, b, d := float64(k[j]), float64(k[3+j]), float64(k[6+j])
				t[0][j], t[1][j], t[2][j], t[3][j] = a, (a+b+d)/2, (a-b+d)/2, d
			}
			at := oc*cpg + c
			for r := 0; r < 4; r++ {
				a, b, d := t[r][0], t[r][1], t[r][2]
				row := u[4*r*opg*cpg:]
				row[at] = float32(a)
				row[opg*cpg+at] = float32((a + b + d) / 2)
				row[2*opg*cpg+at] = float32((a - b + d) / 2)
				row[3*opg*cpg+at] = float32(d)
			}
		}
	}
}

// lens are the floats of one worker's scratch: each column half of one
// padded image (with room for the transform's reads past a row's last
// tile), for 4×4 tiles the four column phases, then the transformed tiles
// and the products of a chunk.
func (q *convWino) lens(p *Conv2DParams) (half, quarter, worker int) {
	// A last, unpaired row of tiles reads two padded rows past the plane.
	half = p.C*q.plane + 2*q.ld + 16
	if q.quads {
		// Two images at a time.
		half += p.C * q.plane
	}
	if q.lanes {
		// Eight images' 6×6 maps, interleaved.
		half = max(half, p.C*288)
	}
	if q.r == 4 {
		// A last, unpaired row of tiles reads four padded rows past the
		// plane.
		quarter = p.C*q.plane4 + 6*q.ld4 + 16
		if q.quads {
			quarter += p.C * q.plane4
		}
	}
	worker = 2*half + 4*quarter + q.nx*p.C*q.ldv + q.nx*p.OutC*q.ldm
	return half, quarter, worker
}

// Winograd reports whether the convolution runs the Winograd path
// (RunWino) instead of Run.
func (cg *ConvGemm) Winograd() bool { return cg.wino != nil }

// GemmPools reports whether the ConvGemm of p (which must pass GemmPath)
// can take PoolOutput: it runs the Winograd path in a layout that has a
// pooling output transform (convWino.pools), and its map holds at least
// one 2×2 window.
func (p *Conv2DParams) GemmPools() bool {
	return p.gemmWinograd() && winoGeometry(p).pools() && p.OutH() >= 2 && p.OutW() >= 2
}

// pools reports whether the layout has a pooling output transform: 2×2
// tiles, and 4×4 ones two rows or two images at a time, whose tiles are
// whole 2×2 windows on the lanes the kernels pool.
func (q *convWino) pools() bool { return q.r == 2 || q.pairs || q.quads }

// PoolOutput makes RunWino write the convolution max-pooled with 2×2
// windows at stride 2 without padding, as MaxPool2D computes it (N ×
// OutC × ⌊OutH/2⌋ × ⌊OutW/2⌋; a last odd row or column of the map is left
// out), each value maxed with zero when relu is set: Conv → ReLU →
// MaxPool in one pass, with the bits of the three run apart. The pool's
// windows are the Winograd tiles, so the output transform takes each
// tile's maximum instead of storing its four outputs, and neither the
// four times larger map nor the pool's pass over it exists.
func (cg *ConvGemm) PoolOutput(relu bool) error {
	if cg.wino == nil || !cg.wino.pools() || cg.oh < 2 || cg.ow < 2 {
		return fmt.Errorf("conv: a %d×%d map on the single-product path cannot pool its output", cg.oh, cg.ow)
	}
	cg.pool, cg.poolRelu = true, relu
	return nil
}

// GemmScratchLen is the scratch that the ConvGemm of p (which must pass
// GemmPath) needs with threads workers: PadLen, or the Winograd path's.
func (p *Conv2DParams) GemmScratchLen(threads int) int {
	if !p.gemmWinograd() {
		return p.GemmPadLen()
	}
	_, _, worker := winoGeometry(p).lens(p)
	return max(1, threads) * worker
}

// WinoUnits is the number of chunks of tiles RunWino takes.
func (cg *ConvGemm) WinoUnits() int {
	q := cg.wino
	return (q.total(cg.p.N) + q.chunk - 1) / q.chunk
}

// total is the number of columns of the products of n images.
func (q *convWino) total(n int) int {
	switch {
	case q.quads:
		return 8 * ((n + 1) / 2)
	case q.lanes:
		return 8 * ((n + 7) / 8)
	}
	return n * q.slots
}

// WinoWorker is one goroutine's part of the scratch for RunWino.
type WinoWorker struct {
	e, o, v, m []float32
	p          [4][]float32 // the column phases of 4×4 tiles
}

// NewWinoWorker returns the state of worker i (0 ≤ i < threads) in the
// scratch (GemmScratchLen floats).
func (cg *ConvGemm) NewWinoWorker(scratch []float32, i int) *WinoWorker {
	_, _, worker := cg.wino.lens(&cg.p)
	return cg.wino.worker(scratch[i*worker:(i+1)*worker], &cg.p)
}

// worker lays out one worker's scratch s (lens floats) for p.
func (q *convWino) worker(s []float32, p *Conv2DParams) *WinoWorker {
	half, quarter, worker := q.lens(p)
	ww := &WinoWorker{e: s[:half], o: s[half : 2*half]}
	s = s[2*half : worker]
	for i := range ww.p {
		ww.p[i], s = s[:quarter], s[quarter:]
	}
	vl := q.nx * p.C * q.ldv
	ww.v, ww.m = s[:vl], s[vl:]
	return ww
}

// RunWino computes the tiles of chunks [u0, u1) of the input x into dst
// (the NCHW output, pooled after PoolOutput). Each image is padded (rectified when ReluInput) and
// split into its even and odd columns just before its tiles are
// transformed, into the worker's own scratch, so that the transform reads
// it from L2 rather than after the whole batch's copy has gone through
// memory. Chunks split among goroutines (each with its own WinoWorker)
// give the bits of one call.
func (cg *ConvGemm) RunWino(dst, x []float32, ww *WinoWorker, u0, u1 int) {
	p, q := &cg.p, cg.wino
	total := q.total(p.N)
	img := -1 // the image in ww.e and ww.o (quads: the pair of images)
	pad := func(n int) {
		if n != img && q.lanes {
			// Images 8n..8n+7, interleaved.
			n0, n1 := 8*n, min(8*n+8, p.N)
			in := x[n0*p.C*p.H*p.W : n1*p.C*p.H*p.W]
			simd.PadInterleave8(ww.e, in, n1-n0, p.C, p.H, p.W, p.PadTop, p.PadLeft, 6, 6, cg.ReluInput)
			img = n
		}
		if n != img {
			n0, n1 := n, n+1
			if q.quads {
				n0, n1 = 2*n, min(2*n+2, p.N)
			}
			in := x[n0*p.C*p.H*p.W : n1*p.C*p.H*p.W]
			planes := (n1 - n0) * p.C
			simd.PadUnzip2(ww.e, ww.o, in, planes, p.H, p.W, p.PadTop, p.PadLeft, q.hp, q.ld, cg.ReluInput)
			if q.r == 4 {
				// The halves' rows have an even length: one split of
				// each half splits all its rows.
				simd.Unzip2(ww.p[0], ww.p[2], ww.e[:planes*q.plane])
				simd.Unzip2(ww.p[1], ww.p[3], ww.o[:planes*q.plane])
			}
			img = n
		}
	}
	for c0 := u0 * q.chunk; c0 < min(u1*q.chunk, total); c0 += q.chunk {
		c1 := min(c0+q.chunk, total)
		switch {
		case q.lanes:
			for s := c0; s < c1; s += 8 {
				pad(s / 8)
				simd.WinogradIn4L(ww.v[s-c0:], p.C*q.ldv, q.ldv, ww.e, p.C)
			}
		case q.quads:
			q.quadsIn(ww, p.C, c0, c1, pad)
		case q.pairs:
			q.pairsIn(ww, p.C, c0, c1, pad)
		default:
			q.rowsIn(ww, p.C, c0, c1, pad)
		}
		// The transformed tiles are already rows in cache: the products
		// read them in place.
		for xi := range q.u {
			simd.SgemmPackedAStrided(q.u[xi], ww.v[xi*p.C*q.ldv:], q.ldv, c1-c0, ww.m[xi*p.OutC*q.ldm:], q.ldm)
		}
		switch {
		case q.lanes:
			for s := c0; s < c1; s += 8 {
				img := p.OutC * 16
				simd.WinogradOut4L(dst[s*img:], img, ww.m[s-c0:], p.OutC*q.ldm, q.ldm, q.bias, p.OutC, min(8, p.N-s))
			}
		case q.quads:
			q.quadsOut(dst, ww, p.N, p.OutC, cg.oh, cg.ow, c0, c1, cg.pool, cg.poolRelu)
		case cg.pool && q.pairs:
			q.pairsPool(dst, ww, p.OutC, cg.oh/2, cg.ow/2, c0, c1, cg.poolRelu)
		case cg.pool:
			q.rowsPool(dst, ww, p.OutC, cg.oh/2, cg.ow/2, c0, c1, cg.poolRelu)
		case q.pairs:
			q.pairsOut(dst, ww, p.OutC, cg.oh, cg.ow, c0, c1)
		default:
			q.rowsOut(dst, ww, p.OutC, cg.oh, cg.ow, c0, c1)
		}
	}
}

// rowsIn transforms the tiles of columns [c0, c1) of chans channels, tile
// by tile along rows of tiles; pad(n) readies image n in the worker's
// scratch.
func (q *convWino) rowsIn(ww *WinoWorker, chans, c0, c1 int, pad func(int)) {
	for t := c0; t < c1; {
		n, ty, tx := t/q.tiles, t%q.tiles/q.tw, t%q.tw
		pad(n)
		seg := min(q.tw-tx, c1-t)
		if q.r == 4 {
			at := 4*ty*q.ld4 + tx
			simd.WinogradIn4(ww.v[t-c0:], chans*q.ldv, q.ldv, ww.p[0][at:], ww.p[1][at:], ww.p[2][at:], ww.p[3][at:],
				q.ld4, q.plane4, chans, seg)
		} else {
			at := 2*ty*q.ld + tx
			simd.WinogradIn(ww.v[t-c0:], chans*q.ldv, q.ldv, ww.e[at:], ww.o[at:], q.ld, q.plane, chans, seg)
		}
		t += seg
	}
}

// rowsOut transforms the products of columns [c0, c1) back into dst, the
// NCHW output of outC channels of oh×ow.
func (q *convWino) rowsOut(dst []float32, ww *WinoWorker, outC, oh, ow, c0, c1 int) {
	r := q.r
	for t := c0; t < c1; {
		n, ty, tx := t/q.tiles, t%q.tiles/q.tw, t%q.tw
		seg := min(q.tw-tx, c1-t)
		at := n*outC*oh*ow + r*ty*ow + r*tx
		w, rows := min(r*seg, ow-r*tx), min(r, oh-r*ty)
		if r == 4 {
			simd.WinogradOut4(dst[at:], ow, oh*ow, ww.m[t-c0:], outC*q.ldm, q.ldm, q.bias, outC, seg, w, rows)
		} else {
			simd.WinogradOut(dst[at:], ow, oh*ow, ww.m[t-c0:], outC*q.ldm, q.ldm, q.bias, outC, seg, w, rows)
		}
		t += seg
	}
}

// pairsIn transforms slots [c0, c1), eight for each pair of rows of
// tiles (chunks are whole numbers of them).
func (q *convWino) pairsIn(ww *WinoWorker, chans, c0, c1 int, pad func(int)) {
	per := q.slots / 8
	for s := c0; s < c1; s += 8 {
		n, ty := s/8/per, 2*(s/8%per)
		pad(n)
		if q.r == 4 {
			at := 4 * ty * q.ld4
			simd.WinogradIn4x2(ww.v[s-c0:], chans*q.ldv, q.ldv, ww.p[0][at:], ww.p[1][at:], ww.p[2][at:], ww.p[3][at:],
				q.ld4, q.plane4, chans)
		} else {
			at := 2 * ty * q.ld
			simd.WinogradIn2(ww.v[s-c0:], chans*q.ldv, q.ldv, ww.e[at:], ww.o[at:], q.ld, q.plane, chans)
		}
	}
}

// pairsOut transforms the products of slots [c0, c1) back into dst.
func (q *convWino) pairsOut(dst []float32, ww *WinoWorker, outC, oh, ow, c0, c1 int) {
	r, per := q.r, q.slots/8
	for s := c0; s < c1; s += 8 {
		n, ty := s/8/per, 2*(s/8%per)
		at := n*outC*oh*ow + r*ty*ow
		rows0, rows1 := min(r, oh-r*ty), max(0, min(r, oh-r*ty-r))
		if r == 4 {
			simd.WinogradOut4x2(dst[at:], ow, oh*ow, ww.m[s-c0:], outC*q.ldm, q.ldm, q.bias, outC, ow, rows0, rows1)
		} else {
			simd.WinogradOut2(dst[at:], ow, oh*ow, ww.m[s-c0:], outC*q.ldm, q.ldm, q.bias, outC, ow, rows0, rows1)
		}
	}
}

// rowsPool is rowsOut into the ph×pw max-pooled output: tile (ty, tx) is
// pooled value (ty, tx), and the tiles of a last odd row or column of the
// map give none.
func (q *convWino) rowsPool(dst []float32, ww *WinoWorker, outC, ph, pw, c0, c1 int, relu bool) {
	for t := c0; t < c1; {
		n, ty, tx := t/q.tiles, t%q.tiles/q.tw, t%q.tw
		seg := min(q.tw-tx, c1-t)
		if w := min(seg, pw-tx); ty < ph && w > 0 {
			at := n*outC*ph*pw + ty*pw + tx
			simd.WinogradOutPool(dst[at:], ph*pw, ww.m[t-c0:], outC*q.ldm, q.ldm, q.bias, outC, w, relu)
		}
		t += seg
	}
}

// pairsPool is pairsOut into the ph×pw max-pooled output: a 2×2 tile is
// one pooled value, a 4×4 one a 2×2 block of them; the tiles' rows and
// columns past ph and pw give none.
func (q *convWino) pairsPool(dst []float32, ww *WinoWorker, outC, ph, pw, c0, c1 int, relu bool) {
	k, per := q.r/2, q.slots/8 // pooled rows a row of tiles gives
	for s := c0; s < c1; s += 8 {
		n, ty := s/8/per, 2*(s/8%per)
		if k*ty >= ph {
			continue
		}
		at := n*outC*ph*pw + k*ty*pw
		rows0, rows1 := min(k, ph-k*ty), max(0, min(k, ph-k*ty-k))
		if k == 2 {
			simd.WinogradOut4x2Pool(dst[at:], pw, ph*pw, ww.m[s-c0:], outC*q.ldm, q.ldm, q.bias, outC, pw, rows0, rows1, relu)
		} else {
			simd.WinogradOut2Pool(dst[at:], pw, ph*pw, ww.m[s-c0:], outC*q.ldm, q.ldm, q.bias, outC, pw, rows0+rows1, relu)
		}
	}
}

// quadsIn transforms slots [c0, c1), eight for each pair of images: lanes
// 2g, 2g+1 the two tiles of row g%2 of image g/2 of the pair.
func (q *convWino) quadsIn(ww *WinoWorker, chans, c0, c1 int, pad func(int)) {
	img := chans * q.plane4
	off := [4]int{0, 4 * q.ld4, img, img + 4*q.ld4}
	for s := c0; s < c1; s += 8 {
		pad(s / 8)
		simd.WinogradIn4x4(ww.v[s-c0:], chans*q.ldv, q.ldv, ww.p[0], ww.p[1], ww.p[2], ww.p[3], q.ld4, q.plane4, chans, off)
	}
}

// quadsOut transforms the products of slots [c0, c1) back into dst, the
// NCHW output of n images of outC channels of oh×ow, max-pooled (2×2 at
// stride 2, rectified under relu) when pool is set.
func (q *convWino) quadsOut(dst []float32, ww *WinoWorker, n, outC, oh, ow, c0, c1 int, pool, relu bool) {
	for s := c0; s < c1; s += 8 {
		n0 := 2 * (s / 8)
		second := n0+1 < n
		if pool {
			ph, pw := oh/2, ow/2
			img := outC * ph * pw
			rows := [4]int{min(2, ph), max(0, ph-2), 0, 0}
			if second {
				rows[2], rows[3] = rows[0], rows[1]
			}
			simd.WinogradOut4x4Pool(dst[n0*img:], pw, ph*pw, ww.m[s-c0:], outC*q.ldm, q.ldm, q.bias, outC, pw,
				[4]int{0, 2 * pw, img, img + 2*pw}, rows, relu)
			continue
		}
		img := outC * oh * ow
		rows := [4]int{4, oh - 4, 0, 0}
		if second {
			rows[2], rows[3] = rows[0], rows[1]
		}
		simd.WinogradOut4x4(dst[n0*img:], ow, oh*ow, ww.m[s-c0:], outC*q.ldm, q.ldm, q.bias, outC, ow,
			[4]int{0, 4 * ow, img, img + 4*ow}, rows)
	}
}
