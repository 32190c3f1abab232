package quant

import (
	"fmt"
	"unsafe"

	"github.com/edgerun/edgerun/simd"
)

// PQConfig chooses a product quantisation of a weight matrix.
type PQConfig struct {
	// SubDim is m, the length of the row subvectors that are clustered.
	SubDim int
	// K is the number of centroids per codebook: 16 (4-bit codes, run with
	// activation-side lookup tables) or up to 256 (byte codes).
	K int
	// SubspacesPerCodebook is how many consecutive subspaces share one
	// codebook; 0 shares one codebook across the whole matrix.
	SubspacesPerCodebook int
	// ProjDim, when in (0, SubDim), clusters the subvectors after an SVD
	// projection to ProjDim dimensions (LR²VQ): codebooks are stored in the
	// small dimension with one SubDim×ProjDim basis per codebook.
	ProjDim int
	// Seed makes k-means++ deterministic; Iters bounds Lloyd iterations.
	Seed  uint64
	Iters int
}

// PQ is a product-quantised matrix: row r, subspace s is approximated by
// centroid Codes[r][s] of codebook s / SubspacesPerCodebook.
type PQ struct {
	rows, cols int
	cfg        PQConfig
	nsub       int
	nbooks     int
	// Codes holds rows×nsub codes: one byte each, or for K = 16 two per
	// byte (low nibble first), row-major.
	Codes []byte
	// Books holds the stored codebooks: nbooks × K × dim, dim = ProjDim for
	// LR²VQ, SubDim otherwise.
	Books []float32
	// Basis holds, for LR²VQ, one SubDim×ProjDim basis per codebook.
	Basis []float32
	// full holds the codebooks expanded to SubDim at construction, which is
	// what execution reads.
	full []float32
	// lut4 holds, for K = 16, the codes repacked at construction in the
	// layout of simd.LUT16Accumulate (simd.PackLUT4Codes).
	lut4 []byte
}

func (c *PQConfig) validate(cols int) error {
	switch {
	case c.SubDim <= 0 || c.SubDim > cols:
		return fmt.Errorf("quant: PQ subvector size %d for %d columns", c.SubDim, cols)
	case c.K < 2 || c.K > 256:
		return fmt.Errorf("quant: PQ needs 2..256 centroids, not %d", c.K)
	case c.ProjDim < 0 || c.ProjDim >= c.SubDim && c.ProjDim != 0:
		return fmt.Errorf("quant: LR²VQ dimension %d must be below the subvector size %d", c.ProjDim, c.SubDim)
	case c.SubspacesPerCodebook < 0:
		return fmt.Errorf("quant: negative subspaces per codebook")
	}
	return nil
}

// NewPQ clusters the subvectors of w.
func NewPQ(w []float32, rows, cols int, cfg PQConfig) (*PQ, error) {
	if err := checkDense(w, rows, cols); err != nil {
		return nil, err
	}
	if err := cfg.validate(cols); err != nil {
		return nil, err
	}
	if cfg.Iters <= 0 {
		cfg.Iters = 25
	}
	m := cfg.SubDim
	nsub := (cols + m - 1) / m
	per := cfg.SubspacesPerCodebook
	if per == 0 || per > nsub {
		per = nsub
	}
	cfg.SubspacesPerCodebook = per
	nb := (nsub + per - 1) / per
	q := &PQ{rows: rows, cols: cols, cfg: cfg, nsub: nsub, nbooks: nb}
	dim := m
	if cfg.ProjDim > 0 {
		dim = cfg.ProjDim
		q.Basis = make([]float32, nb*m*dim)
	}
	q.Books = make([]float32, nb*cfg.K*dim)
	q.full = make([]float32, nb*cfg.K*m)
	codes := make([]int, rows*nsub)
	for b := 0; b < nb; b++ {
		s0, s1 := b*per, min((b+1)*per, nsub)
		n := rows * (s1 - s0)
		pts := make([]float32, n*m)
		for r := 0; r < rows; r++ {
			for s := s0; s < s1; s++ {
				sub := pts[(r*(s1-s0)+s-s0)*m:]
				for j := 0; j < m; j++ {
					if c := s*m + j; c < cols {
						sub[j] = w[r*cols+c]
					}
				}
			}
		}
		clusterPts := pts
		var basis []float32
		if cfg.ProjDim > 0 {
			// The principal directions of the subvectors span most of
			// their variance; clustering there needs fewer numbers per
			// centroid and is less noisy.
			d := Decompose(pts, n, m)
			basis = q.Basis[b*m*dim : (b+1)*m*dim]
			for j := 0; j < m; j++ {
				for e := 0; e < dim; e++ {
					basis[j*dim+e] = float32(d.V[j*d.Rank+e])
				}
			}
			clusterPts = make([]float32, n*dim)
			for i := 0; i < n; i++ {
				for e := 0; e < dim; e++ {
					var s float32
					for j := 0; j < m; j++ {
						s += float32(pts[i*m+j] * basis[j*dim+e]) // explicit rounding: no FMA, same bits on every arch
					}
					clusterPts[i*dim+e] = s
				}
			}
		}
		cent, cc := KMeans(clusterPts, n, dim, cfg.K, cfg.Seed+uint64(b), cfg.Iters)
		copy(q.Books[b*cfg.K*dim:], cent)
		for r := 0; r < rows; r++ {
			for s := s0; s < s1; s++ {
				codes[r*nsub+s] = cc[r*(s1-s0)+s-s0]
			}
		}
	}
	q.expand()
	q.packCodes(codes)
	q.packLUT4()
	return q, nil
}

// expand computes the SubDim-long codebooks execution reads.
func (q *PQ) expand() {
	m, k := q.cfg.SubDim, q.cfg.K
	if q.cfg.ProjDim == 0 {
		copy(q.full, q.Books)
		return
	}
	dim := q.cfg.ProjDim
	for b := 0; b < q.nbooks; b++ {
		basis := q.Basis[b*m*dim:]
		for c := 0; c < k; c++ {
			src := q.Books[(b*k+c)*dim:]
			for j := 0; j < m; j++ {
				var s float32
				for e := 0; e < dim; e++ {
					s += float32(basis[j*dim+e] * src[e])
				}
				q.full[(b*k+c)*m+j] = s
			}
		}
	}
}

func (q *PQ) packCodes(codes []int) {
	if q.cfg.K <= 16 {
		stride := (q.nsub + 1) / 2
		q.Codes = make([]byte, q.rows*stride)
		for r := 0; r < q.rows; r++ {
			for s := 0; s < q.nsub; s++ {
				q.Codes[r*stride+s/2] |= byte(codes[r*q.nsub+s]) << (4 * (s & 1))
			}
		}
		return
	}
	q.Codes = make([]byte, q.rows*q.nsub)
	for i, c := range codes {
		q.Codes[i] = byte(c)
	}
}

// packLUT4 repacks 16-centroid codes for simd.LUT16Accumulate.
func (q *PQ) packLUT4() {
	if q.cfg.K != 16 {
		return
	}
	codes := make([]uint8, q.rows*q.nsub)
	for r := 0; r < q.rows; r++ {
		for s := 0; s < q.nsub; s++ {
			codes[r*q.nsub+s] = uint8(q.code(r, s))
		}
	}
	q.lut4 = make([]byte, simd.LUT16CodesSize(q.rows, q.nsub))
	simd.PackLUT4Codes(q.lut4, codes, q.rows, q.nsub)
}

// code returns the code of row r, subspace s.
func (q *PQ) code(r, s int) int {
	if q.cfg.K <= 16 {
		return int(q.Codes[r*((q.nsub+1)/2)+s/2]>>(4*(s&1))) & 15
	}
	return int(q.Codes[r*q.nsub+s])
}

// centroid returns the SubDim-long centroid c of subspace s.
func (q *PQ) centroid(s, c int) []float32 {
	m := q.cfg.SubDim
	b := s / q.cfg.SubspacesPerCodebook
	return q.full[(b*q.cfg.K+c)*m : (b*q.cfg.K+c+1)*m]
}

// Rows implements Matrix.
func (q *PQ) Rows() int { return q.rows }

// Cols implements Matrix.
func (q *PQ) Cols() int { return q.cols }

// Config returns the settings the matrix was built with.
func (q *PQ) Config() PQConfig { return q.cfg }

// Encoding implements Matrix.
func (q *PQ) Encoding() string {
	if q.cfg.ProjDim > 0 {
		return "lr2vq"
	}
	return "pq"
}

// Bytes implements Matrix: codes, stored codebooks (f32) and bases.
func (q *PQ) Bytes() int { return len(q.Codes) + 4*len(q.Books) + 4*len(q.Basis) }

// Decode implements Matrix.
func (q *PQ) Decode(dst []float32) {
	m := q.cfg.SubDim
	for r := 0; r < q.rows; r++ {
		for s := 0; s < q.nsub; s++ {
			cen := q.centroid(s, q.code(r, s))
			for j := 0; j < m && s*m+j < q.cols; j++ {
				dst[r*q.cols+s*m+j] = cen[j]
			}
		}
	}
}

// ScratchSize implements Matrix. The lookup-table path (K ≤ 16) needs
// lutScratch values; the decode path one decoded row.
func (q *PQ) ScratchSize(int) int {
	if q.useLUT() {
		return q.lutScratch()
	}
	return q.nsub * q.cfg.SubDim
}

// lutScratch is the scratch of MatMulLUT: the float tables (nsub·K), and
// for K = 16 also their int8 copy (nsub·16 bytes, in nsub·4 floats) and the
// int32 row sums (Rows, in as many floats).
func (q *PQ) lutScratch() int {
	n := q.nsub * q.cfg.K
	if q.cfg.K == 16 {
		n += q.nsub*4 + q.rows
	}
	return n
}

// useLUT chooses the execution path. With 16 centroids a table of x·c for
// every centroid costs 16·Cols multiply-adds per input row, after which each
// output is nsub table lookups instead of Cols multiply-adds; with 256
// centroids the tables cost more than they save for typical row counts, so
// codewords are decoded row by row instead.
func (q *PQ) useLUT() bool { return q.cfg.K <= 16 }

// MatMul implements Matrix.
func (q *PQ) MatMul(y, x []float32, m int, scratch []float32) {
	if q.useLUT() {
		q.MatMulLUT(y, x, m, scratch)
		return
	}
	q.MatMulDecode(y, x, m, scratch)
}

// MatMulLUT runs the activation-side lookup-table path whatever K is;
// scratch needs lutScratch() values (ScratchSize for K ≤ 16).
//
// For K = 16 it is T-MAC style: each input row's tables T[s][c] = x_s·c are
// built in float, shifted by a per-subspace offset o_s (the midpoint of the
// subspace's table) and quantised to int8 with one global scale
// σ = max_s,c |T[s][c] − o_s| / 127 (simd.QuantizeLUT16); simd's
// LUT16Accumulate (vpshufb / TBL) then sums the int8 entries by code, and
//
//	y[r] = Σ_s o_s + σ · Σ_s Tq[s][code(r, s)]
//
// The offsets are exact (every row adds each o_s once), so the only error
// against the float tables (MatMulLUTFloat) is the rounding of the entries:
// |y − y_float| ≤ nsub·σ/2 (plus float32 rounding of the sums), where σ is
// at most max_s (max_c T[s][c] − min_c T[s][c]) / 254; with independent
// roundings the typical error is about √nsub·σ/√12. Other K run the float
// tables.
func (q *PQ) MatMulLUT(y, x []float32, m int, scratch []float32) {
	if q.cfg.K != 16 || q.lut4 == nil {
		q.MatMulLUTFloat(y, x, m, scratch)
		return
	}
	ns := q.nsub
	tab := scratch[:ns*16]
	// The int8 tables and int32 sums live in the float scratch: same
	// size and alignment, so no allocation and no second scratch kind.
	tq := unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(scratch[ns*16:]))), ns*16)
	acc := unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(scratch[ns*20:]))), q.rows)
	_ = scratch[ns*20+q.rows-1]
	for i := 0; i < m; i++ {
		q.tables(tab, x[i*q.cols:(i+1)*q.cols])
		var base float32
		for s := 0; s < ns; s++ {
			t := tab[s*16 : s*16+16]
			lo, hi := t[0], t[0]
			for _, v := range t[1:] {
				lo, hi = min(lo, v), max(hi, v)
			}
			o := lo + (hi-lo)/2
			for c := range t {
				t[c] -= o
			}
			base += o
		}
		sc := simd.QuantizeLUT16(tq, tab)
		clear(acc)
		simd.LUT16Accumulate(acc, q.lut4, tq, q.rows, ns)
		yi := y[i*q.rows : (i+1)*q.rows]
		for r, a := range acc {
			yi[r] = base + sc*float32(a)
		}
	}
}

// tables writes the float lookup tables of one input row xi: tab[s*K+c] is
// the dot product of xi's subvector s with centroid c of subspace s.
// Subvectors are short (SubDim values), so this is a plain loop rather
// than a call per centroid.
func (q *PQ) tables(tab, xi []float32) {
	sd, k := q.cfg.SubDim, q.cfg.K
	for s := 0; s < q.nsub; s++ {
		c0 := s * sd
		n := min(sd, q.cols-c0)
		xs := xi[c0 : c0+n]
		for c := 0; c < k; c++ {
			cen := q.centroid(s, c)[:n]
			var acc float32
			for j, v := range xs {
				acc += v * cen[j]
			}
			tab[s*k+c] = acc
		}
	}
}

// MatMulLUTFloat is the lookup-table path with exact float tables (no table
// quantisation): the reference for MatMulLUT's int8 tables, and the path
// for K other than 16. scratch needs nsub·K values.
func (q *PQ) MatMulLUTFloat(y, x []float32, m int, scratch []float32) {
	k := q.cfg.K
	tab := scratch[:q.nsub*k]
	for i := 0; i < m; i++ {
		q.tables(tab, x[i*q.cols:(i+1)*q.cols])
		yi := y[i*q.rows : (i+1)*q.rows]
		for r := range yi {
			var acc float32
			for s := 0; s < q.nsub; s++ {
				acc += tab[s*k+q.code(r, s)]
			}
			yi[r] = acc
		}
	}
}

// MatMulDecode runs the decode-then-multiply path whatever K is; scratch
// needs one decoded row (nsub·SubDim values).
func (q *PQ) MatMulDecode(y, x []float32, m int, scratch []float32) {
	sd := q.cfg.SubDim
	row := scratch[:q.nsub*sd]
	for r := 0; r < q.rows; r++ {
		for s := 0; s < q.nsub; s++ {
			copy(row[s*sd:(s+1)*sd], q.centroid(s, q.code(r, s)))
		}
		for i := 0; i < m; i++ {
			y[i*q.rows+r] = dot(x[i*q.cols:(i+1)*q.cols], row[:q.cols])
		}
	}
}
