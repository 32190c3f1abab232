package builder

import (
	"math"

	"github.com/edgerun/edgerun/quant"
)

// PCAKMeans is the classical baseline of the clustering pattern: project
// features onto their top principal components, then k-means.
type PCAKMeans struct {
	Dim, Components int
	Mean            []float64 // [Dim]
	Basis           []float64 // [Components][Dim]
	Centroids       []float32 // [k][Components]
	K               int
}

// FitPCAKMeans fits PCA on n rows of x (n×d) and k-means with k clusters on
// the projections, keeping the best of restarts k-means runs (lowest
// within-cluster sum of squares), deterministic for a seed.
func FitPCAKMeans(x []float32, n, d, comps, k, restarts int, seed uint64) *PCAKMeans {
	p := &PCAKMeans{Dim: d, Components: comps, K: k, Mean: make([]float64, d)}
	for i := range n {
		for j := range d {
			p.Mean[j] += float64(x[i*d+j])
		}
	}
	for j := range p.Mean {
		p.Mean[j] /= float64(n)
	}
	// The covariance is symmetric positive semi-definite, so its SVD is
	// its eigendecomposition: the right singular vectors are the axes.
	cov := make([]float64, d*d)
	row := make([]float64, d)
	for i := range n {
		for j := range d {
			row[j] = float64(x[i*d+j]) - p.Mean[j]
		}
		for a := range d {
			ra := row[a]
			c := cov[a*d : (a+1)*d]
			for b := a; b < d; b++ {
				c[b] += ra * row[b]
			}
		}
	}
	cf := make([]float32, d*d)
	for a := range d {
		for b := a; b < d; b++ {
			v := float32(cov[a*d+b] / float64(max(n-1, 1)))
			cf[a*d+b], cf[b*d+a] = v, v
		}
	}
	svd := quant.Decompose(cf, d, d)
	p.Basis = make([]float64, comps*d)
	for c := range comps {
		for j := range d {
			p.Basis[c*d+j] = svd.V[j*svd.Rank+c]
		}
	}
	proj := p.Project(x, n)
	best := math.Inf(1)
	for r := range restarts {
		cent, codes := quant.KMeans(proj, n, comps, k, seed+uint64(r), 100)
		if sse := inertia(proj, cent, codes, comps); sse < best {
			best, p.Centroids = sse, cent
		}
	}
	return p
}

func inertia(x, cent []float32, codes []int, d int) float64 {
	s := 0.0
	for i, c := range codes {
		for j := range d {
			v := float64(x[i*d+j] - cent[c*d+j])
			s += v * v
		}
	}
	return s
}

// Project returns the n rows of x (n×Dim) in principal components.
func (p *PCAKMeans) Project(x []float32, n int) []float32 {
	d := p.Dim
	out := make([]float32, n*p.Components)
	for i := range n {
		for c := range p.Components {
			s := 0.0
			for j := range d {
				s += (float64(x[i*d+j]) - p.Mean[j]) * p.Basis[c*d+j]
			}
			out[i*p.Components+c] = float32(s)
		}
	}
	return out
}

// Assign returns the nearest centroid of each of the n rows of x.
func (p *PCAKMeans) Assign(x []float32, n int) []int32 {
	proj := p.Project(x, n)
	c := p.Components
	out := make([]int32, n)
	for i := range n {
		best := math.Inf(1)
		for k := range p.K {
			s := 0.0
			for j := range c {
				v := float64(proj[i*c+j] - p.Centroids[k*c+j])
				s += v * v
			}
			if s < best {
				best, out[i] = s, int32(k)
			}
		}
	}
	return out
}
