package quant

import "fmt"

// LowRank stores W ≈ A·B with A = U·diag(S) (Rows×R) and B = Vᵀ (R×Cols),
// factors ordered by decreasing singular value. One file serves many
// devices: WithRank picks how many of the stored ranks a session uses, so a
// small board trades accuracy for speed without a second model file.
type LowRank struct {
	rows, cols int
	stored     int       // R, ranks in the file
	use        int       // ranks in use
	A          []float32 // Rows×R, row-major
	B          []float32 // R×Cols, row-major
}

// NewLowRank factorises w and keeps rank ranks (clamped to [1, min(rows, cols)]).
func NewLowRank(w []float32, rows, cols, rank int) (*LowRank, error) {
	if err := checkDense(w, rows, cols); err != nil {
		return nil, err
	}
	return lowRankFromSVD(Decompose(w, rows, cols), rank), nil
}

// NewLowRankEnergy keeps the smallest rank retaining the fraction energy of
// ‖W‖² (e.g. 0.95).
func NewLowRankEnergy(w []float32, rows, cols int, energy float64) (*LowRank, error) {
	if err := checkDense(w, rows, cols); err != nil {
		return nil, err
	}
	if energy <= 0 || energy > 1 {
		return nil, fmt.Errorf("quant: energy %v outside (0, 1]", energy)
	}
	d := Decompose(w, rows, cols)
	return lowRankFromSVD(d, d.RankForEnergy(energy)), nil
}

func lowRankFromSVD(d *SVD, rank int) *LowRank {
	rank = clampInt(rank, 1, d.Rank)
	l := &LowRank{rows: d.Rows, cols: d.Cols, stored: rank, use: rank,
		A: make([]float32, d.Rows*rank), B: make([]float32, rank*d.Cols)}
	for i := 0; i < d.Rows; i++ {
		for k := 0; k < rank; k++ {
			l.A[i*rank+k] = float32(float64(d.U[i*d.Rank+k] * d.S[k]))
		}
	}
	for k := 0; k < rank; k++ {
		for j := 0; j < d.Cols; j++ {
			l.B[k*d.Cols+j] = float32(d.V[j*d.Rank+k])
		}
	}
	return l
}

// NewLowRankFactors wraps stored factors (as read from a model file).
func NewLowRankFactors(a, b []float32, rows, cols, rank int) (*LowRank, error) {
	if rows <= 0 || cols <= 0 || rank <= 0 || len(a) != rows*rank || len(b) != rank*cols {
		return nil, fmt.Errorf("%w: low-rank factors %d and %d values for %d×%d rank %d", ErrShape, len(a), len(b), rows, cols, rank)
	}
	return &LowRank{rows: rows, cols: cols, stored: rank, use: rank, A: a, B: b}, nil
}

// StoredRank is the number of ranks in the factors.
func (l *LowRank) StoredRank() int { return l.stored }

// Rank is the number of ranks in use.
func (l *LowRank) Rank() int { return l.use }

// WithRank returns a view of l using only its r most important ranks; it
// shares the factors.
func (l *LowRank) WithRank(r int) *LowRank {
	v := *l
	v.use = clampInt(r, 1, l.stored)
	return &v
}

// Rows implements Matrix.
func (l *LowRank) Rows() int { return l.rows }

// Cols implements Matrix.
func (l *LowRank) Cols() int { return l.cols }

// Encoding implements Matrix.
func (l *LowRank) Encoding() string { return "lowrank" }

// Bytes implements Matrix: the factors of the ranks in use.
func (l *LowRank) Bytes() int { return 4 * l.use * (l.rows + l.cols) }

// Decode implements Matrix.
func (l *LowRank) Decode(dst []float32) {
	for i := 0; i < l.rows; i++ {
		for j := 0; j < l.cols; j++ {
			var s float32
			for k := 0; k < l.use; k++ {
				s += l.A[i*l.stored+k] * l.B[k*l.cols+j]
			}
			dst[i*l.cols+j] = s
		}
	}
}

// ScratchSize implements Matrix: the m×r intermediate.
func (l *LowRank) ScratchSize(m int) int { return m * l.stored }

// MatMul implements Matrix as two products: t = x·Bᵀ, then y = t·Aᵀ,
// (Rows+Cols)·r multiply-adds per row instead of Rows·Cols.
func (l *LowRank) MatMul(y, x []float32, m int, scratch []float32) {
	r := l.use
	t := scratch[:m*r]
	for i := 0; i < m; i++ {
		xi := x[i*l.cols : (i+1)*l.cols]
		for k := 0; k < r; k++ {
			t[i*r+k] = dot(xi, l.B[k*l.cols:(k+1)*l.cols])
		}
	}
	for i := 0; i < m; i++ {
		ti := t[i*r : (i+1)*r]
		for j := 0; j < l.rows; j++ {
			y[i*l.rows+j] = dot(ti, l.A[j*l.stored:j*l.stored+r])
		}
	}
}
