package simd

import "fmt"

// PackedA is an m×k left-hand matrix A packed once, at load time, into the
// micro-panel layout of the SGEMM microkernel: the weights of a convolution
// lowered to C = W·im2col(X), whose right-hand side changes with every input
// and is produced panel by panel by a BPanelSource instead of being formed.
//
// A PackedA is immutable after PackA and safe to share between goroutines.
type PackedA struct {
	m, k, mr int
	// data holds ceil(m/mr) micro-panels; panel q holds columns p < k of
	// rows [q*mr, q*mr+mr) at data[q*k*mr + p*mr + i], zero past row m.
	data []float32
}

// M returns the number of rows of A (the rows of C).
func (p *PackedA) M() int { return p.m }

// K returns the number of columns of A (the inner dimension of the product).
func (p *PackedA) K() int { return p.k }

// PackedALen returns the number of floats that packing an m×k matrix takes
// with the active kernel: m rounded up to whole micro-panels, times k.
func PackedALen(m, k int) int {
	if m < 0 || k < 0 {
		panic(fmt.Sprintf("simd: sgemm: negative size %dx%d", m, k))
	}
	mr := sgemmKern.mr
	return (m + mr - 1) / mr * mr * k
}

// PackA packs op(A) for SgemmPackedA, where op(A) is the m×k matrix with
// element (i, p) at a[i*lda+p], or at a[p*lda+i] when transA. The layout
// follows the microkernel active at the time of the call.
func PackA(transA bool, m, k int, a []float32, lda int) *PackedA {
	sgemmCheckMat("A", transA, m, k, a, lda)
	mr := sgemmKern.mr
	pa := &PackedA{m: m, k: k, mr: mr, data: make([]float32, PackedALen(m, k))}
	for q := 0; q*mr < m; q++ {
		i0 := q * mr
		sgemmPackA(pa.data[q*k*mr:(q+1)*k*mr], mr, transA, a, lda, i0, min(mr, m-i0), 0, k)
	}
	return pa
}

// BPanelSource produces the right-hand matrix of SgemmPackedA on demand, one
// microkernel panel at a time, so that a matrix that is a view of other
// data (the im2col matrix of a convolution) is written only in the layout
// the microkernel reads, into cache, and never as a whole.
type BPanelSource interface {
	// PackPanel writes rows [p0, p0+kc) and columns [j0, j0+cols) of B
	// into dst as dst[p*nr+j] for p < kc, j < cols, and zeros for
	// cols <= j < nr. It may be called concurrently from goroutines
	// computing disjoint column ranges.
	PackPanel(dst []float32, nr, p0, kc, j0, cols int)
}

// SgemmPackedA computes columns [j0, j1) of C = A·B, for A packed by PackA
// and B the pa.K()×n matrix that src produces (n at least j1). C's columns
// come in groups of group columns, each group a row-major block pa.M()×group
// with row stride ldc, gstride floats after the previous group:
//
//	c[(j/group)*gstride + i*ldc + j%group] = sum_p A[i][p]*B[p][j]
//
// which, with group = H·W of a convolution's output, ldc = H·W and gstride
// = OutC·H·W, writes the NCHW output of a whole batch whose images are
// folded into the columns of one product. One plain matrix is group = n,
// gstride = 0. C is only written. Goroutines sharing one product pass the
// same c and disjoint column ranges; each element's value does not depend
// on the ranges.
func SgemmPackedA(pa *PackedA, src BPanelSource, j0, j1 int, c []float32, ldc, group, gstride int) {
	w := sgemmFree.get()
	w.SgemmPackedA(pa, src, j0, j1, c, ldc, group, gstride)
	sgemmFree.put(w)
}

// SgemmPackedA is the package function SgemmPackedA computed with w's
// buffers.
func (w *SgemmWorkspace) SgemmPackedA(pa *PackedA, src BPanelSource, j0, j1 int, c []float32, ldc, group, gstride int) {
	if j0 < 0 || j1 < j0 || group < 1 || ldc < group || gstride < 0 {
		panic(fmt.Sprintf("simd: SgemmPackedA: columns [%d, %d), group %d, ldc %d, gstride %d", j0, j1, group, ldc, gstride))
	}
	if pa.m == 0 || j1 == j0 {
		return
	}
	// The last element written must lie in c.
	last := j1 - 1
	if end := (last/group)*gstride + (pa.m-1)*ldc + last%group; end >= len(c) {
		panic(fmt.Sprintf("simd: SgemmPackedA: c has %d floats, the product writes to %d", len(c), end))
	}
	uk := sgemmKern
	if uk.mr != pa.mr {
		// The level changed since packing: run the Go twin, which takes
		// any micro-panel height.
		uk = sgemmMicro{mr: pa.mr, nr: 16}
	}
	if w.b == nil && pa.k > 0 {
		w.b = new([sgemmKC * sgemmNCTarget]float32)
	}
	sgemmDriverA(&uk, w, pa, src, j0, j1, c, ldc, group, gstride)
}

// sgemmNCPackedA is the B block width of SgemmPackedA when K is blocked,
// and the most panels of one block (see sgemmDriverA).
const sgemmNCPackedA = sgemmNCTarget / 2

// sgemmDriverA is sgemmDriver for a pre-packed A and a B produced by a
// BPanelSource: B blocks of kc×nc are packed once and stay in L2 while
// every micro-panel of A runs across them. A block is 256 KiB, half of
// Sgemm's and of a 512 KiB L2: the sources gather from an input that
// competes for the same cache, and with the full-size block the
// convolutions of the benchmarks ran up to a fifth slower.
func sgemmDriverA(uk *sgemmMicro, s *SgemmWorkspace, pa *PackedA, src BPanelSource, j0, j1 int, c []float32, ldc, group, gstride int) {
	mr, nr, m, k := uk.mr, uk.nr, pa.m, pa.k
	// Where each panel's first column lands in c, or -1 for a panel that
	// is cut short or crosses a group boundary.
	var at [sgemmNCPackedA]int
	if k == 0 {
		for j := j0; j < j1; j++ {
			for i := 0; i < m; i++ {
				c[(j/group)*gstride+i*ldc+j%group] = 0
			}
		}
		return
	}
	// K is not blocked when a panel of all of it fits the B buffer: A's
	// micro-panels, packed whole, then stream in order, and C is written
	// once. That is what the deep layers of a CNN need, whose weights
	// (megabytes) outgrow the caches while their columns are few: with
	// more columns, the same weights come back from L3 for each block. A
	// block of columns is as wide as fits 256 KiB of L2 with K whole. The
	// blocking depends on K only, so that each element is summed the same
	// way however the columns are split.
	kb, nc := k, sgemmNCPackedA*sgemmKC/k
	if k*nr > len(s.b) {
		kb, nc = sgemmKC, sgemmNCPackedA
	}
	nc = max(min(nc, len(at)*nr)/nr*nr, nr)
	for jc := j0; jc < j1; jc += nc {
		jend := min(jc+nc, j1)
		npanels := (jend - jc + nr - 1) / nr
		for pc := 0; pc < k; pc += kb {
			kc := min(kb, k-pc)
			beta := float32(1)
			if pc == 0 {
				beta = 0
			}
			bstride := kc * nr
			for q := 0; q < npanels; q++ {
				cj := jc + q*nr
				src.PackPanel(s.b[q*bstride:q*bstride+bstride], nr, pc, kc, cj, min(nr, jend-cj))
			}
			for q := 0; q < npanels; q++ {
				cj := jc + q*nr
				g, pos := cj/group, cj%group
				at[q] = -1
				if min(nr, jend-cj) == nr && pos+nr <= group {
					at[q] = g*gstride + pos
				}
			}
			for ir := 0; ir < m; ir += mr {
				rows := min(mr, m-ir)
				off := (ir/mr)*k*mr + pc*mr
				ap := pa.data[off : off+kc*mr]
				for q := 0; q < npanels; q++ {
					cj := jc + q*nr
					cols := min(nr, jend-cj)
					bp := s.b[q*bstride : q*bstride+bstride]
					if at[q] >= 0 {
						uk.run(rows, kc, ap, bp, c[at[q]+ir*ldc:], ldc, 1, beta, nil)
						continue
					}
					// A panel that is cut short or crosses a group
					// boundary: compute it aside, then scatter.
					tmp := s.tmp[:rows*nr]
					uk.run(rows, kc, ap, bp, tmp, nr, 1, 0, nil)
					for jj := 0; jj < cols; {
						g, pos := (cj+jj)/group, (cj+jj)%group
						run := min(cols-jj, group-pos)
						for r := 0; r < rows; r++ {
							crow := c[g*gstride+(ir+r)*ldc+pos : g*gstride+(ir+r)*ldc+pos+run]
							trow := tmp[r*nr+jj : r*nr+jj+run]
							if beta == 0 {
								copy(crow, trow)
							} else {
								for t, v := range trow {
									crow[t] += v
								}
							}
						}
						jj += run
					}
				}
			}
		}
	}
}
