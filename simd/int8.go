package simd

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// The int8 GEMM kernels are generated (simd/_int8gen); check the encodings
// of the instructions it writes as bytes with simd/_int8gen/check.sh.
//go:generate sh -c "cd .. && go run ./simd/_int8gen amd64 > simd/int8_amd64.s && go run ./simd/_int8gen arm64 > simd/int8_arm64.s"

// How the int8 kernels stay exact: VNNI (vpdpbusd) multiplies uint8 by
// int8 and sums four products straight into int32; the AVX2 and ARMv8.0
// NEON kernels widen both operands to int16 before multiplying (vpmaddwd,
// smlal), so no int16 intermediate can saturate (vpmaddwd adds two products
// of magnitude ≤ 255·128 in int32); SDOT and SMMLA multiply int8 by int8,
// so their kernels are fed A-128 and 128·colsum(B) is added back (aOff).

// i8Kernel is one int8 GEMM microkernel together with the packed layout it
// reads. Both packed operands are arrays of groups of kg consecutive k:
//
//	B panel: [group][column c < nr][t < kg]   (element B[g·kg+t][panel·nr+c])
//	A sliver: [group][row r < mr][t < kg]     (element A[row][g·kg+t])
//
// stored as bytes, or as int16 when wide is set. A is stored as A-aOff,
// where A is the activation as uint8 (0..255).
type i8Kernel struct {
	mr, nr int
	kg     int
	wide   bool
	aOff   int32
	// micro computes the mr×nr product of an A sliver and a B panel of
	// groups groups into the int32 tile at c (row stride ldc elements):
	//	P[r][j] = Σ_{g,t} A(r, g·kg+t) · B(g·kg+t, j)
	//	c[r*ldc+j] = init[j] + P[r][j]    if init != nil (first k block)
	//	c[r*ldc+j] += P[r][j]             otherwise
	micro func(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32)
	// packA, if not nil, packs steps·packStep whole groups of one full
	// sliver from src (row stride lda) to dst; idx holds the byte offsets
	// (r·lda + t·kg) of the dwords of one step, flip is XORed into every
	// byte. Each step reads 4 bytes at each offset and advances src by
	// packStep·kg bytes.
	packA    func(dst, src unsafe.Pointer, idx *int32, steps int, flip uint32)
	packStep int
	// row1, if not nil, is micro for a single row, used for the rows of a
	// partial sliver so that small M does not pay for mr rows: A(0, ·)
	// is read from a, its groups aStride bytes apart; c and init are as
	// for micro, for that row.
	row1 func(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)
}

func (k *i8Kernel) esz() int {
	if k.wide {
		return 2
	}
	return 1
}

// gemmI8Kern is the kernel PackI8B packs for; a PackedI8B keeps the kernel
// it was packed for, so a later level change never mismatches layouts.
var gemmI8Kern *i8Kernel

var gemmI8Family = newFamily("gemm_i8", &gemmI8Kern, &i8KernelGeneric, i8Arch...)

// PackedI8B is a K×N int8 weight matrix B packed for the int8 GEMM microkernel
// chosen when it was built, together with its column sums. It is immutable
// once built and safe for concurrent use by any number of GEMM calls.
type PackedI8B struct {
	k, n   int
	kern   *i8Kernel
	groups int     // ceil(K / kg)
	data   []byte  // panels of nr columns, see i8Kernel
	colSum []int32 // Σ_k B[k][j], len n
	name   string  // the kernel's implementation name
}

// K returns the depth (rows of B).
func (p *PackedI8B) K() int { return p.k }

// N returns the number of columns (output channels).
func (p *PackedI8B) N() int { return p.n }

// ColSums returns Σ_k B[k][j] for each column j. The slice is shared: do not
// modify it.
func (p *PackedI8B) ColSums() []int32 { return p.colSum }

// Bytes returns the size of the packed weights in bytes.
func (p *PackedI8B) Bytes() int { return len(p.data) + 4*len(p.colSum) }

// Kernel names the microkernel the weights were packed for.
func (p *PackedI8B) Kernel() string { return p.name }

// PackI8B packs the K×N int8 matrix B for the int8 GEMM. With transB false,
// B[k][j] = b[k*ldb+j] (row-major K×N, ldb ≥ n); with transB true,
// B[k][j] = b[j*ldb+k] (row-major N×K, the usual [out][in] weight layout,
// ldb ≥ k). It allocates the packed copy once; call it at load time. The
// layout is that of the int8 kernel in force now; the packed weights keep
// using that kernel after a later SetLevel. It panics if the sizes are
// inconsistent, like a slice index out of range.
func PackI8B(k, n int, b []int8, ldb int, transB bool) *PackedI8B {
	mu.Lock()
	kern, name := gemmI8Kern, gemmI8Family.chosen
	mu.Unlock()
	return packI8B(kern, name, k, n, b, ldb, transB)
}

func packI8B(kern *i8Kernel, name string, k, n int, b []int8, ldb int, transB bool) *PackedI8B {
	if k < 0 || n < 0 {
		panic(fmt.Sprintf("simd: PackI8B: negative size %dx%d", k, n))
	}
	if k > 0 && n > 0 {
		rows, cols := k, n
		if transB {
			rows, cols = n, k
		}
		if ldb < cols || len(b) < (rows-1)*ldb+cols {
			panic(fmt.Sprintf("simd: PackI8B: b has %d elements, ldb %d; need %d×%d", len(b), ldb, rows, cols))
		}
	}
	kg, nr, esz := kern.kg, kern.nr, kern.esz()
	groups := (k + kg - 1) / kg
	panels := (n + nr - 1) / nr
	p := &PackedI8B{k: k, n: n, kern: kern, groups: groups, name: name,
		data:   make([]byte, panels*groups*nr*kg*esz),
		colSum: make([]int32, n)}
	at := func(kk, j int) int8 {
		if transB {
			return b[j*ldb+kk]
		}
		return b[kk*ldb+j]
	}
	for j := 0; j < n; j++ {
		var s int32
		pan, c := j/nr, j%nr
		for kk := 0; kk < k; kk++ {
			v := at(kk, j)
			s += int32(v)
			g, t := kk/kg, kk%kg
			off := ((pan*groups+g)*nr+c)*kg + t
			if esz == 2 {
				binary.LittleEndian.PutUint16(p.data[2*off:], uint16(int16(v)))
			} else {
				p.data[off] = byte(v)
			}
		}
		p.colSum[j] = s
	}
	return p
}

// GemmU8I8 computes C = (A - aZero)·B exactly in int32 for uint8 activations:
//
//	for i < m, j < pb.N(): c[i*ldc+j] = Σ_{k<pb.K()} (int32(a[i*lda+k]) - aZero) · int32(B[k][j])
//
// It serves quantised dense and convolution layers: A holds activations,
// per-tensor asymmetric with zero point aZero; B holds weights, symmetric
// int8 per output channel (column j), packed once by PackI8B. Every kernel
// path on every architecture returns the same int32 values bit for bit:
// the arithmetic is two's-complement int32 and wraps like Go's int32, and
// the result is the true integer value whenever that fits, which is always
// the case while K·255·128 < 2³¹ (K ≤ 65793) and aZero lies in A's range.
//
// C is overwritten, not accumulated. It allocates nothing in steady state and
// is safe for concurrent use; callers split the work by rows (pass a[i0*lda:]
// and c[i0*ldc:]) or by columns (GemmU8I8Cols). It panics if the sizes are
// inconsistent.
func GemmU8I8(m int, a []uint8, lda int, aZero int32, pb *PackedI8B, c []int32, ldc int) {
	gemmI8(pb.kern, m, a, lda, false, aZero, pb, c, ldc, 0, pb.n)
}

// GemmU8I8Cols is GemmU8I8 restricted to the columns j0 ≤ j < j1 of C; the
// other columns of c are not touched. Column ranges that start at a multiple
// of 64 run at full speed.
func GemmU8I8Cols(m int, a []uint8, lda int, aZero int32, pb *PackedI8B, c []int32, ldc int, j0, j1 int) {
	gemmI8(pb.kern, m, a, lda, false, aZero, pb, c, ldc, j0, j1)
}

// GemmI8I8 is GemmU8I8 for int8 activations:
//
//	for i < m, j < pb.N(): c[i*ldc+j] = Σ_k (int32(a[i*lda+k]) - aZero) · int32(B[k][j])
func GemmI8I8(m int, a []int8, lda int, aZero int32, pb *PackedI8B, c []int32, ldc int) {
	gemmI8(pb.kern, m, i8AsBytes(a), lda, true, aZero, pb, c, ldc, 0, pb.n)
}

// GemmI8I8Cols is GemmI8I8 restricted to the columns j0 ≤ j < j1 of C.
func GemmI8I8Cols(m int, a []int8, lda int, aZero int32, pb *PackedI8B, c []int32, ldc int, j0, j1 int) {
	gemmI8(pb.kern, m, i8AsBytes(a), lda, true, aZero, pb, c, ldc, j0, j1)
}

func i8AsBytes(a []int8) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(a))), len(a))
}

// Cache blocking: an A block of i8MC rows × i8KC depth stays in L2 while a
// B sliver of i8KC × nr (16 KiB or less) stays in L1 across the block's
// row slivers.
const (
	i8KC = 512
	i8MC = 192 // a multiple of every kernel's mr (4, 6, 8)
)

type i8Scratch struct {
	a    []byte
	tile []int32
	init []int32
	idx  [32]int32 // gather offsets for i8Kernel.packA
}

var i8ScratchPool = newFreeList[i8Scratch]()

func gemmI8(kern *i8Kernel, m int, a []byte, lda int, signedA bool, aZero int32, pb *PackedI8B, c []int32, ldc int, j0, j1 int) {
	k, n := pb.k, pb.n
	if m < 0 || j0 < 0 || j1 > n || j0 > j1 {
		panic(fmt.Sprintf("simd: int8 GEMM: bad range m=%d columns [%d,%d) of %d", m, j0, j1, n))
	}
	if m == 0 || j0 == j1 {
		return
	}
	if lda < k || len(a) < (m-1)*lda+k {
		panic(fmt.Sprintf("simd: int8 GEMM: a has %d elements, lda %d; need %d×%d", len(a), lda, m, k))
	}
	if ldc < n || len(c) < (m-1)*ldc+n {
		panic(fmt.Sprintf("simd: int8 GEMM: c has %d elements, ldc %d; need %d×%d", len(c), ldc, m, n))
	}
	if i8Race && k > 0 {
		i8RaceRead(unsafe.Pointer(&a[0]), (m-1)*lda+k)
		for i := 0; i < m; i++ {
			i8RaceWrite(unsafe.Pointer(&c[i*ldc+j0]), 4*(j1-j0))
		}
	}
	// Work with A as uint8: an int8 activation a_s with zero point z is
	// a_u = a_s+128 (the byte with its top bit flipped) with zero point
	// z+128. The kernel sees a_u - aOff, so C starts at (aOff - zero)·colsum.
	zero := aZero
	var flip byte
	if signedA {
		zero += 128
		flip = 0x80
	}
	if kern.aOff == 128 {
		flip ^= 0x80
	}
	comp := kern.aOff - zero
	if k == 0 {
		for i := 0; i < m; i++ {
			row := c[i*ldc+j0 : i*ldc+j1]
			for j := range row {
				row[j] = 0
			}
		}
		return
	}
	mr, nr, kg, esz := kern.mr, kern.nr, kern.kg, kern.esz()
	groups := pb.groups
	kcG := i8KC / kg
	s := i8ScratchPool.get()
	if need := ((i8MC + mr - 1) / mr) * mr * i8KC * esz; len(s.a) < need {
		s.a = make([]byte, need)
	}
	if len(s.tile) < mr*nr {
		s.tile = make([]int32, mr*nr)
	}
	tile := s.tile[:mr*nr]
	// The first k block starts each tile at the compensation row
	// comp·colsum, padded with zeros to whole panels.
	p0, p1 := j0/nr, (j1+nr-1)/nr
	if need := (p1 - p0) * nr; len(s.init) < need {
		s.init = make([]int32, need)
	}
	cinit := s.init[:(p1-p0)*nr]
	for j := range cinit {
		var v int32
		if jj := p0*nr + j; jj < pb.n {
			v = comp * pb.colSum[jj]
		}
		cinit[j] = v
	}
	for g0 := 0; g0 < groups; g0 += kcG {
		gn := min(kcG, groups-g0)
		for i0 := 0; i0 < m; i0 += i8MC {
			mb := min(i8MC, m-i0)
			packI8A(kern, s.a, &s.idx, a[i0*lda:], lda, mb, k, g0, gn, flip)
			sliver := gn * mr * kg * esz
			for p := p0; p < p1; p++ {
				bp := unsafe.Pointer(&pb.data[(p*groups+g0)*nr*kg*esz])
				var init *int32
				if g0 == 0 {
					init = &cinit[(p-p0)*nr]
				}
				cs, ce := max(p*nr, j0), min(p*nr+nr, j1)
				full := cs == p*nr && ce == p*nr+nr
				for ir := 0; ir < mb; ir += mr {
					ap := unsafe.Pointer(&s.a[(ir/mr)*sliver])
					rows := min(mr, mb-ir)
					if rows < mr && kern.row1 != nil {
						for r := 0; r < rows; r++ {
							ar := unsafe.Add(ap, r*kg*esz)
							ci := (i0 + ir + r) * ldc
							if full {
								kern.row1(gn, ar, mr*kg*esz, bp, &c[ci+p*nr], init)
								continue
							}
							t := tile[:nr]
							if init == nil {
								copy(t[cs-p*nr:ce-p*nr], c[ci+cs:ci+ce])
							}
							kern.row1(gn, ar, mr*kg*esz, bp, &t[0], init)
							copy(c[ci+cs:ci+ce], t[cs-p*nr:ce-p*nr])
						}
						continue
					}
					if full && rows == mr {
						kern.micro(gn, ap, bp, &c[(i0+ir)*ldc+p*nr], ldc, init)
						continue
					}
					// Edge tile: run the kernel on a private tile and copy
					// back only the valid part, so nothing outside C's
					// rows and [j0, j1) is touched.
					if init == nil {
						clear(tile)
						for r := 0; r < rows; r++ {
							copy(tile[r*nr+cs-p*nr:r*nr+ce-p*nr], c[(i0+ir+r)*ldc+cs:(i0+ir+r)*ldc+ce])
						}
					}
					kern.micro(gn, ap, bp, &tile[0], nr, init)
					for r := 0; r < rows; r++ {
						copy(c[(i0+ir+r)*ldc+cs:(i0+ir+r)*ldc+ce], tile[r*nr+cs-p*nr:r*nr+ce-p*nr])
					}
				}
			}
		}
	}
	i8ScratchPool.put(s)
}

// packI8A packs rows [0, mb) of a and k groups [g0, g0+gn) into slivers of
// kern.mr rows (see i8Kernel). Rows past mb and k past K are padded with
// zeros; padded k meet zero rows of B and padded rows are never stored.
// Wide layouts hold the uint8 value itself (their kernels have aOff 0).
// Packing is a measurable share of a GEMM, so whole groups move as one
// 16-, 32- or 64-bit word.
func packI8A(kern *i8Kernel, dst []byte, idx *[32]int32, a []byte, lda, mb, k, g0, gn int, flip byte) {
	mr, kg, esz := kern.mr, kern.kg, kern.esz()
	k0 := g0 * kg
	k1 := min(k, (g0+gn)*kg)
	full := (k1 - k0) / kg // groups with no padding
	gstride := mr * kg * esz
	sliver := gn * gstride
	m4 := uint32(flip) * 0x01010101
	m8 := uint64(m4)<<32 | uint64(m4)
	// Groups the vector packer handles in full slivers: its 4-byte reads
	// must stay inside each row.
	steps := 0
	if kern.packA != nil && mr*lda < 1<<31-1 && k1-k0 >= 4 {
		steps = (k1 - k0 - (4 - kg)) / (kern.packStep * kg)
		for q := 0; q < mr*kern.packStep; q++ {
			idx[q] = int32((q%mr)*lda + (q/mr)*kg)
		}
	}
	for ir := 0; ir < mb; ir += mr {
		base := (ir / mr) * sliver
		gStart := 0
		if steps > 0 && ir+mr <= mb {
			kern.packA(unsafe.Pointer(&dst[base]), unsafe.Pointer(&a[ir*lda+k0]), &idx[0], steps, m4)
			gStart = steps * kern.packStep
		}
		for r := 0; r < mr; r++ {
			d := dst[base+r*kg*esz : base+sliver]
			if ir+r >= mb {
				for g := 0; g < gn; g++ {
					clear(d[g*gstride : g*gstride+kg*esz])
				}
				continue
			}
			src := a[(ir+r)*lda+k0 : (ir+r)*lda+k1]
			g := gStart
			switch {
			case kern.wide && kg == 2:
				for ; g < full; g++ {
					v := uint32(src[2*g]^flip) | uint32(src[2*g+1]^flip)<<16
					binary.LittleEndian.PutUint32(d[g*gstride:], v)
				}
			case kern.wide && kg == 1:
				for ; g < full; g++ {
					binary.LittleEndian.PutUint16(d[g*gstride:], uint16(src[g]^flip))
				}
			case kg == 4:
				for ; g < full; g++ {
					binary.LittleEndian.PutUint32(d[g*gstride:], binary.LittleEndian.Uint32(src[4*g:])^m4)
				}
			case kg == 8:
				for ; g < full; g++ {
					binary.LittleEndian.PutUint64(d[g*gstride:], binary.LittleEndian.Uint64(src[8*g:])^m8)
				}
			}
			// The general case, and the last group when K is not a
			// multiple of kg.
			for ; g < gn; g++ {
				for t := 0; t < kg; t++ {
					var v byte
					kk := g*kg + t
					if kk < len(src) {
						v = src[kk] ^ flip
					}
					if esz == 2 {
						binary.LittleEndian.PutUint16(d[g*gstride+2*t:], uint16(v))
					} else {
						d[g*gstride+t] = v
					}
				}
			}
		}
	}
}
