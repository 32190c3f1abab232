package simd

import (
	"fmt"
)

//go:generate go run sgemm_asm_gen.go

// SGEMM is built the way fast BLAS libraries build it: A and B are copied
// ("packed") into panels laid out in exactly the order a register-blocked
// microkernel reads them, and the loops around the microkernel block the
// work so that an A micro-panel stays in L1 and a B block in L2.
//
//	for jc over N in steps of nc             (B block columns)
//	  for pc over K in steps of kc           (B block rows; pack B unless pre-packed)
//	    for ic over M in steps of mc         (pack A block: mc x kc)
//	      for ir over the block in steps of mr   (A micro-panel, L1 resident)
//	        for jr over the B block in steps of nr
//	          microkernel: C[mr x nr] = alpha*Apanel*Bpanel + beta*C (+ bias)
//
// The microkernel shape (mr x nr) belongs to the implementation chosen for
// the CPU; packing, blocking and edges are shared by every implementation,
// so the assembly kernels run through the same driver as the Go twin.

// sgemmMicro is one microkernel and its register-block shape. kern computes,
// for i < rows (1 <= rows <= mr) and j < nr,
//
//	c[i*ldc+j] = alpha*sum_{p<k} a[p*mr+i]*b[p*nr+j] + beta*c[i*ldc+j] + bias[j]
//
// where c is not read when beta == 0 and bias is skipped when nil. a holds k
// steps of mr values, b k steps of nr values.
//
// row4, where present, is the single-row kernel over four B panels (the
// product of a batch-1 dense layer): for j < 4*nr, panel q = j/nr starting
// at b[q*bstride],
//
//	c[j] = alpha*sum_{p<k} a[p*mr]*b[q*bstride+p*nr+j%nr] + beta*c[j] + bias[j]
//
// with each element summed exactly as kern sums it, so that results never
// depend on which of the two the driver picked.
type sgemmMicro struct {
	mr, nr int
	kern   func(rows, k int, a, b, c []float32, ldc int, alpha, beta float32, bias []float32)
	row4   func(k int, a, b []float32, bstride int, c []float32, alpha, beta float32, bias []float32)
}

// Blocking. kc*nc floats of B (512 KiB) sit in L2; an A micro-panel of
// kc*mr floats (at most 12 KiB) sits in L1. mc only bounds the A scratch.
const (
	sgemmKC       = 256
	sgemmMCTarget = 240
	sgemmNCTarget = 512
	sgemmMaxMR    = 12
	sgemmMaxNR    = 32
)

var sgemmKern sgemmMicro

// The Go twin's entry has no kern: run falls back to sgemmKernGeneric, which
// takes any shape, so a PackedB of any panel width can always be used.
var sgemmFamily = newFamily("sgemm", &sgemmKern, sgemmMicro{mr: 4, nr: 16}, sgemmArch...)

// run calls the microkernel, or the Go twin for the shape when there is no
// assembly one.
func (uk *sgemmMicro) run(rows, k int, a, b, c []float32, ldc int, alpha, beta float32, bias []float32) {
	if uk.kern == nil {
		sgemmKernGeneric(uk.mr, uk.nr, rows, k, a, b, c, ldc, alpha, beta, bias)
		return
	}
	if raceEnabled {
		for i := 0; i < rows; i++ {
			f32RaceWrite(c[i*ldc : i*ldc+uk.nr])
		}
	}
	uk.kern(rows, k, a, b, c, ldc, alpha, beta, bias)
}

func (uk *sgemmMicro) mc() int { return sgemmMCTarget / uk.mr * uk.mr }
func (uk *sgemmMicro) nc() int { return sgemmNCTarget / uk.nr * uk.nr }

// SgemmWorkspace is the scratch memory of SGEMM: the packed A block, the
// packed B block of products whose B is not pre-packed, and an edge tile.
// Its methods do what the package functions of the same name do, using it
// instead of a buffer from an internal pool; a runtime keeps one per worker
// goroutine so that no call ever allocates, even after garbage collections
// have emptied the pool. A workspace serves one call at a time.
type SgemmWorkspace struct {
	a   [sgemmMCTarget * sgemmKC]float32 // 240 KiB
	tmp [sgemmMaxMR * sgemmMaxNR]float32
	// b (512 KiB) is allocated by the first Sgemm call, so that a
	// workspace used only with pre-packed B stays small.
	b *[sgemmKC * sgemmNCTarget]float32
}

// NewSgemmWorkspace returns a workspace for SgemmPacked; its first Sgemm
// call adds the buffer that packs B.
func NewSgemmWorkspace() *SgemmWorkspace { return new(SgemmWorkspace) }

// The package functions take their workspaces from this free list.
var sgemmFree = newFreeList[SgemmWorkspace]()

// Sgemm computes the row-major matrix product
//
//	C = alpha*op(A)*op(B) + beta*C
//
// with op(A) of m rows and k columns, op(B) of k rows and n columns and C of
// m rows and n columns:
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			var s float32
//			for p := 0; p < k; p++ {
//				s += opA(i, p) * opB(p, j)
//			}
//			c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
//		}
//	}
//
// where opA(i, p) is a[i*lda+p], or a[p*lda+i] when transA, and opB(p, j)
// is b[p*ldb+j], or b[j*ldb+p] when transB. When beta is 0, C is only
// written, never read, so it may hold anything (NaN included); when alpha
// is 0, A and B are not read. Elements of the slices outside the addressed
// matrices are never touched.
//
// Sums are accumulated in float32 in an order that depends on the CPU's
// kernel; each element is within a few k·ε·Σ|a·b| of the exact product.
// For a given kernel the order depends on nothing else: an element has the
// same value whichever way the product is split into row or column ranges,
// and whether or not B was pre-packed (bias aside), so results do not
// change with the number of threads.
//
// Work splits across goroutines by sub-slicing: rows [i0, i1) are
// Sgemm(.., i1-i0, .., a[i0*lda:] (or a[i0:] when transA), .., c[i0*ldc:], ..)
// and columns [j0, j1) are Sgemm(.., j1-j0, .., b[j0:] (or b[j0*ldb:] when
// transB), .., c[j0:], ..). Concurrent calls are safe as long as their C
// regions do not overlap. Scratch memory comes from an internal pool (no
// allocation once warm); SgemmWorkspace gives the caller that memory
// explicitly. Sgemm panics on negative sizes, leading dimensions too small
// or slices too short.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	w := sgemmFree.get()
	w.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	sgemmFree.put(w)
}

// Sgemm is the package function Sgemm computed with w's buffers.
func (w *SgemmWorkspace) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemmCheckMat("A", transA, m, k, a, lda)
	sgemmCheckMat("B", transB, k, n, b, ldb)
	sgemmCheckMat("C", false, m, n, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	uk := sgemmKern
	if w.b == nil && k > 0 {
		w.b = new([sgemmKC * sgemmNCTarget]float32)
	}
	src := sgemmBSource{trans: transB, b: b, ldb: ldb}
	sgemmDriver(&uk, w, transA, m, 0, n, k, alpha, a, lda, &src, beta, c, ldc, nil)
}

// PackedB is a k×n right-hand matrix B packed once, at load time, into the
// panel layout of the SGEMM microkernel, for products with many different
// left-hand matrices: the weights of a dense layer (C = X·Wᵀ) or of a
// convolution lowered to a matrix product (C = im2col(X)·W).
//
// A PackedB is immutable after PackB and safe to share between goroutines.
type PackedB struct {
	k, n, nr int
	// data holds ceil(n/nr) panels; panel q holds rows p < k of columns
	// [q*nr, q*nr+nr) at data[q*k*nr + p*nr + j], zero past column n.
	data []float32
}

// K returns the number of rows of B (the inner dimension of the product).
func (p *PackedB) K() int { return p.k }

// N returns the number of columns of B (the columns of C).
func (p *PackedB) N() int { return p.n }

// PanelWidth returns the column granularity of the packed layout. Column
// ranges given to SgemmPackedRange that start and end on multiples of it
// (or at N) avoid edge handling; any range is correct.
func (p *PackedB) PanelWidth() int { return p.nr }

// PackB packs op(B) for SgemmPacked, where op(B) is the k×n matrix with
// element (p, j) at b[p*ldb+j], or at b[j*ldb+p] when transB. The layout
// follows the microkernel active at the time of the call; it allocates
// PackedBLen(k, n) floats. A dense layer whose weights W are stored out×in
// (as PyTorch and ONNX store them) packs them with PackB(true, in, out, W, in).
func PackB(transB bool, k, n int, b []float32, ldb int) *PackedB {
	return PackBInto(make([]float32, PackedBLen(k, n)), transB, k, n, b, ldb)
}

// PackedBLen returns the number of floats that packing a k×n matrix takes
// with the active kernel: k·n rounded up to whole panels.
func PackedBLen(k, n int) int {
	if k < 0 || n < 0 {
		panic(fmt.Sprintf("simd: sgemm: negative size %dx%d", k, n))
	}
	nr := sgemmKern.nr
	return (n + nr - 1) / nr * nr * k
}

// PackBInto is PackB writing the panels into dst, which must hold
// PackedBLen(k, n) floats, instead of allocating them: a runtime packs all
// weights into one arena this way. The PackedB refers to dst, which must
// not change while it is in use.
func PackBInto(dst []float32, transB bool, k, n int, b []float32, ldb int) *PackedB {
	sgemmCheckMat("B", transB, k, n, b, ldb)
	size := PackedBLen(k, n)
	if len(dst) < size {
		panic(fmt.Sprintf("simd: PackBInto: destination has %d floats, needs %d", len(dst), size))
	}
	nr := sgemmKern.nr
	pb := &PackedB{k: k, n: n, nr: nr, data: dst[:size:size]}
	src := sgemmBSource{trans: transB, b: b, ldb: ldb}
	for q := 0; q*nr < n; q++ {
		j0 := q * nr
		src.pack(pb.data[q*k*nr:(q+1)*k*nr], nr, 0, k, j0, min(nr, n-j0))
	}
	return pb
}

// SgemmPacked computes C = alpha*op(A)*B + beta*C + bias for a pre-packed
// B, with op(A) of m rows and pb.K() columns and C of m rows and pb.N()
// columns; it is SgemmPackedRange over every column.
func SgemmPacked(transA bool, m int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int, bias []float32) {
	SgemmPackedRange(transA, m, 0, pb.n, alpha, a, lda, pb, beta, c, ldc, bias)
}

// SgemmPackedRange computes columns [j0, j1) of
//
//	C = alpha*op(A)*B + beta*C + bias
//
// that is, for i < m and j0 <= j < j1,
//
//	c[i*ldc+j] = alpha*sum_p opA(i, p)*B[p][j] + beta*c[i*ldc+j] + bias[j]
//
// with opA as in Sgemm and B the matrix given to PackB. c and bias are
// indexed by absolute column, so goroutines sharing one product pass the
// same slices and disjoint column ranges (preferably on PanelWidth
// boundaries), or disjoint row ranges by sub-slicing a and c as in Sgemm.
// bias may be nil; otherwise it needs pb.N() entries and is added once, after
// scaling by alpha: the fused bias add of a dense or convolution layer
// (alpha = 1, beta = 0). When beta is 0, C is not read.
func SgemmPackedRange(transA bool, m, j0, j1 int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int, bias []float32) {
	w := sgemmFree.get()
	w.SgemmPackedRange(transA, m, j0, j1, alpha, a, lda, pb, beta, c, ldc, bias)
	sgemmFree.put(w)
}

// SgemmPacked is the package function SgemmPacked computed with w's
// buffers.
func (w *SgemmWorkspace) SgemmPacked(transA bool, m int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int, bias []float32) {
	w.SgemmPackedRange(transA, m, 0, pb.n, alpha, a, lda, pb, beta, c, ldc, bias)
}

// SgemmPackedRange is the package function SgemmPackedRange computed with
// w's buffers.
func (w *SgemmWorkspace) SgemmPackedRange(transA bool, m, j0, j1 int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int, bias []float32) {
	if j0 < 0 || j1 < j0 || j1 > pb.n {
		panic(fmt.Sprintf("simd: column range [%d, %d) outside 0..%d", j0, j1, pb.n))
	}
	sgemmCheckMat("A", transA, m, pb.k, a, lda)
	sgemmCheckMat("C", false, m, pb.n, c, ldc)
	if bias != nil && len(bias) < pb.n {
		panic(fmt.Sprintf("simd: bias has %d entries, need %d", len(bias), pb.n))
	}
	if m == 0 || j1 == j0 {
		return
	}
	uk := sgemmKern
	if uk.nr != pb.nr {
		// The level changed since packing: run the Go twin, which takes
		// any panel width.
		uk = sgemmMicro{mr: 4, nr: pb.nr}
	}
	src := sgemmBSource{packed: pb}
	sgemmDriver(&uk, w, transA, m, j0, j1, pb.k, alpha, a, lda, &src, beta, c, ldc, bias)
}

// sgemmBSource is the right-hand matrix of a product: plain (packed block by
// block into scratch) or pre-packed.
type sgemmBSource struct {
	packed *PackedB
	trans  bool
	b      []float32
	ldb    int
}

// pack writes rows [p0, p0+kc) and columns [j0, j0+cols) of op(B) into one
// panel of width nr (dst[p*nr+j]), zero past cols.
func (s *sgemmBSource) pack(dst []float32, nr, p0, kc, j0, cols int) {
	dst = dst[:kc*nr]
	if !s.trans {
		for p := 0; p < kc; p++ {
			row := s.b[(p0+p)*s.ldb+j0:]
			d := dst[p*nr : p*nr+nr]
			copy(d, row[:cols])
			clear(d[cols:])
		}
		return
	}
	if cols < nr {
		clear(dst)
	}
	for j := 0; j < cols; j++ {
		col := s.b[(j0+j)*s.ldb+p0:]
		col = col[:kc]
		for p, v := range col {
			dst[p*nr+j] = v
		}
	}
}

// sgemmZeros stands in for the rows of a partial A micro-panel.
var sgemmZeros [sgemmKC]float32

// sgemmPackA writes rows [i0, i0+rows) and columns [p0, p0+kc) of op(A) into one
// micro-panel of height mr (dst[p*mr+i]), zero past rows.
func sgemmPackA(dst []float32, mr int, trans bool, a []float32, lda, i0, rows, p0, kc int) {
	dst = dst[:kc*mr]
	if trans {
		for p := 0; p < kc; p++ {
			d := dst[p*mr : p*mr+mr]
			copy(d, a[(p0+p)*lda+i0:(p0+p)*lda+i0+rows])
			clear(d[rows:])
		}
		return
	}
	if mr == 6 && kc <= len(sgemmZeros) {
		// The AVX2 kernel's panels, written in order: six loads and one
		// six-float row a step, where the loop below stores with a stride
		// (a third of a batch-16 dense layer's time went there). Rows
		// past the matrix read zeros.
		var r [6][]float32
		for i := range r {
			r[i] = sgemmZeros[:kc]
			if i < rows {
				r[i] = a[(i0+i)*lda+p0:][:kc]
			}
		}
		r0, r1, r2, r3, r4, r5 := r[0], r[1][:kc], r[2][:kc], r[3][:kc], r[4][:kc], r[5][:kc]
		for p, v := range r0 {
			d := dst[p*6 : p*6+6 : p*6+6]
			d[0], d[1], d[2], d[3], d[4], d[5] = v, r1[p], r2[p], r3[p], r4[p], r5[p]
		}
		return
	}
	if rows < mr {
		clear(dst)
	}
	for i := 0; i < rows; i++ {
		row := a[(i0+i)*lda+p0:]
		row = row[:kc]
		for p, v := range row {
			dst[p*mr+i] = v
		}
	}
}

// sgemmDriver computes columns [j0, j1) of C = alpha*op(A)*op(B) + beta*C
// + bias (bias indexed by absolute column, may be nil). For a plain B the
// caller passes j0 = 0 and B's own columns; for a PackedB, columns are
// those of pb.
func sgemmDriver(uk *sgemmMicro, s *SgemmWorkspace, transA bool, m, j0, j1, k int, alpha float32, a []float32, lda int, src *sgemmBSource, beta float32, c []float32, ldc int, bias []float32) {
	mr, nr := uk.mr, uk.nr
	if k == 0 || alpha == 0 {
		// As in BLAS, A and B are not read when alpha is 0.
		sgemmScaleAddBias(m, j0, j1, beta, c, ldc, bias)
		return
	}
	mc, nc := uk.mc(), uk.nc()
	// Blocks of columns start at panel boundaries of the packed layout.
	for jc := j0 / nr * nr; jc < j1; jc += nc {
		jend := min(jc+nc, j1)
		for pc := 0; pc < k; pc += sgemmKC {
			kc := min(sgemmKC, k-pc)
			betaEff, biasEff := beta, bias
			if pc > 0 {
				betaEff, biasEff = 1, nil
			}
			// Panels of this block: panel q covers columns [jc+q*nr, +nr).
			npanels := (jend - jc + nr - 1) / nr
			var bblock []float32
			bstride := kc * nr
			if src.packed == nil {
				for q := 0; q < npanels; q++ {
					cj := jc + q*nr
					src.pack(s.b[q*bstride:], nr, pc, kc, cj, min(nr, src.cols(j1)-cj))
				}
				bblock = s.b[:npanels*bstride]
			}
			for ic := 0; ic < m; ic += mc {
				mcur := min(mc, m-ic)
				for ir := 0; ir < mcur; ir += mr {
					sgemmPackA(s.a[ir*kc:], mr, transA, a, lda, ic+ir, min(mr, mcur-ir), pc, kc)
				}
				for ir := 0; ir < mcur; ir += mr {
					rows := min(mr, mcur-ir)
					ap := s.a[ir*kc : ir*kc+kc*mr]
					i := ic + ir
					for q := 0; q < npanels; q++ {
						cj := jc + q*nr
						var bp []float32
						if bblock != nil {
							bp = bblock[q*bstride : q*bstride+bstride]
						} else {
							pb := src.packed
							off := (cj/nr)*pb.k*nr + pc*nr
							bp = pb.data[off : off+bstride]
						}
						lo, hi := max(j0, cj), min(j1, cj+nr)
						if rows == 1 && uk.row4 != nil && q+4 <= npanels && cj >= j0 && cj+4*nr <= j1 {
							// Four panels from bp's start, pstride apart.
							pstride, b4 := bstride, []float32(nil)
							if bblock != nil {
								b4 = bblock[q*bstride : (q+4)*bstride]
							} else {
								pstride = src.packed.k * nr
								off := (cj/nr)*pstride + pc*nr
								b4 = src.packed.data[off : off+3*pstride+bstride]
							}
							var bs []float32
							if biasEff != nil {
								bs = biasEff[cj : cj+4*nr]
							}
							f32RaceWrite(c[i*ldc+cj : i*ldc+cj+4*nr])
							uk.row4(kc, ap, b4, pstride, c[i*ldc+cj:], alpha, betaEff, bs)
							q += 3
							continue
						}
						if lo == cj && hi == cj+nr {
							var bs []float32
							if biasEff != nil {
								bs = biasEff[cj : cj+nr]
							}
							uk.run(rows, kc, ap, bp, c[i*ldc+cj:], ldc, alpha, betaEff, bs)
							continue
						}
						// Edge panel: compute the full tile aside, then
						// merge the columns that exist.
						tmp := s.tmp[:rows*nr]
						uk.run(rows, kc, ap, bp, tmp, nr, alpha, 0, nil)
						for r := 0; r < rows; r++ {
							crow := c[(i+r)*ldc+lo : (i+r)*ldc+hi]
							trow := tmp[r*nr+lo-cj : r*nr+hi-cj]
							switch {
							case betaEff == 0:
								copy(crow, trow)
							case betaEff == 1:
								for j, v := range trow {
									crow[j] += v
								}
							default:
								for j, v := range trow {
									crow[j] = betaEff*crow[j] + v
								}
							}
							if biasEff != nil {
								for j, v := range biasEff[lo:hi] {
									crow[j] += v
								}
							}
						}
					}
				}
			}
		}
	}
}

// cols returns the number of columns of a plain B; j1 for a packed one.
func (s *sgemmBSource) cols(j1 int) int {
	if s.packed != nil {
		return s.packed.n
	}
	return j1
}

// sgemmScaleAddBias is the product with k = 0: C = beta*C + bias.
func sgemmScaleAddBias(m, j0, j1 int, beta float32, c []float32, ldc int, bias []float32) {
	for i := 0; i < m; i++ {
		row := c[i*ldc+j0 : i*ldc+j1]
		for j := range row {
			v := float32(0)
			if beta != 0 {
				v = beta * row[j]
			}
			if bias != nil {
				v += bias[j0+j]
			}
			row[j] = v
		}
	}
}

// sgemmCheckMat panics unless mat holds a rows×cols row-major matrix (cols×rows
// when trans) with leading dimension ld.
func sgemmCheckMat(name string, trans bool, rows, cols int, mat []float32, ld int) {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("simd: sgemm: negative size %dx%d of %s", rows, cols, name))
	}
	r, c := rows, cols
	if trans {
		r, c = cols, rows
	}
	if ld < max(1, c) {
		panic(fmt.Sprintf("simd: sgemm: leading dimension %d of %s below %d", ld, name, c))
	}
	if r == 0 || c == 0 {
		return
	}
	if need := (r-1)*ld + c; len(mat) < need {
		panic(fmt.Sprintf("simd: sgemm: %s has %d elements, needs %d", name, len(mat), need))
	}
}
