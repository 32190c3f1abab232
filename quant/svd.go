package quant

import (
	"math"
	"sort"
)

// SVD is a thin singular value decomposition A = U·diag(S)·Vᵀ of a rows×cols
// matrix, singular values in decreasing order.
type SVD struct {
	Rows, Cols int
	Rank       int       // min(Rows, Cols)
	U          []float64 // Rows×Rank, column j is the j-th left vector
	S          []float64 // Rank
	V          []float64 // Cols×Rank, column j is the j-th right vector
}

// Decompose computes the SVD of a (row-major rows×cols) by one-sided Jacobi
// rotations in float64. It is deterministic: the same bits on every run and
// architecture, because every product is rounded explicitly (Go may fuse
// x*y+z into one FMA on arm64 and not on amd64) and only +, −, ×, ÷ and
// sqrt are used, which IEEE 754 defines exactly.
func Decompose(a []float32, rows, cols int) *SVD {
	trans := cols > rows
	m, n := rows, cols // work on an m×n matrix with n ≤ m
	if trans {
		m, n = cols, rows
	}
	// Column-major copy: column j is w[j*m:(j+1)*m].
	w := make([]float64, m*n)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if trans {
				w[r*m+c] = float64(a[r*cols+c])
			} else {
				w[c*m+r] = float64(a[r*cols+c])
			}
		}
	}
	v := make([]float64, n*n) // column-major too
	for i := 0; i < n; i++ {
		v[i*n+i] = 1
	}
	const eps = 1e-15
	for sweep := 0; sweep < 60; sweep++ {
		rotated := false
		for p := 0; p < n-1; p++ {
			for q := p + 1; q < n; q++ {
				cp, cq := w[p*m:(p+1)*m], w[q*m:(q+1)*m]
				alpha, beta, gamma := dot64(cp, cp), dot64(cq, cq), dot64(cp, cq)
				if gamma == 0 || math.Abs(gamma) <= eps*math.Sqrt(float64(alpha*beta)) {
					continue
				}
				rotated = true
				zeta := (beta - alpha) / float64(2*gamma)
				t := 1 / (math.Abs(zeta) + math.Sqrt(1+float64(zeta*zeta)))
				if zeta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(1+float64(t*t))
				s := float64(c * t)
				rotate(cp, cq, c, s)
				rotate(v[p*n:(p+1)*n], v[q*n:(q+1)*n], c, s)
			}
		}
		if !rotated {
			break
		}
	}
	// Singular values are the column norms; order them, largest first
	// (ties keep their index order, for determinism).
	sv := make([]float64, n)
	for j := 0; j < n; j++ {
		sv[j] = math.Sqrt(dot64(w[j*m:(j+1)*m], w[j*m:(j+1)*m]))
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return sv[order[i]] > sv[order[j]] })

	out := &SVD{Rows: rows, Cols: cols, Rank: n, S: make([]float64, n),
		U: make([]float64, rows*n), V: make([]float64, cols*n)}
	for k, j := range order {
		s := sv[j]
		out.S[k] = s
		left := make([]float64, m) // normalised column of w
		if s > 0 {
			for i := 0; i < m; i++ {
				left[i] = w[j*m+i] / s
			}
		}
		right := v[j*n : (j+1)*n]
		// Fix the sign so the largest entry of the right vector is positive.
		big := 0
		for i := range right {
			if math.Abs(right[i]) > math.Abs(right[big]) {
				big = i
			}
		}
		sign := 1.0
		if right[big] < 0 {
			sign = -1
		}
		// For A = W (no transpose) left belongs to U and right to V; for
		// the transposed problem the roles swap.
		uvec, vvec := left, right
		if trans {
			uvec, vvec = right, left
		}
		for i := 0; i < rows; i++ {
			out.U[i*n+k] = sign * uvec[i]
		}
		for i := 0; i < cols; i++ {
			out.V[i*n+k] = sign * vvec[i]
		}
	}
	return out
}

func dot64(x, y []float64) float64 {
	var s float64
	for i, v := range x {
		s += float64(v * y[i])
	}
	return s
}

func rotate(x, y []float64, c, s float64) {
	for i := range x {
		a, b := x[i], y[i]
		x[i] = float64(c*a) - float64(s*b)
		y[i] = float64(s*a) + float64(c*b)
	}
}

// RankForEnergy returns the smallest rank whose singular values keep at
// least the fraction e (0 < e ≤ 1) of the squared Frobenius norm.
func (d *SVD) RankForEnergy(e float64) int {
	var total float64
	for _, s := range d.S {
		total += float64(s * s)
	}
	if total == 0 {
		return 1
	}
	var acc float64
	for i, s := range d.S {
		acc += float64(s * s)
		if acc >= e*total {
			return i + 1
		}
	}
	return len(d.S)
}
