package quant

import (
	"math"
	"math/rand/v2"
)

// KMeans clusters n points of dimension d (row-major) into k centroids with
// k-means++ seeding and Lloyd iterations. It is deterministic for a seed on
// every architecture: the generator is PCG, random floats come from integer
// bits, and every distance is accumulated with explicit rounding so no FMA
// contraction changes a bit. It returns the centroids (k×d) and each point's
// code.
func KMeans(points []float32, n, d, k int, seed uint64, iters int) ([]float32, []int) {
	k = min(k, max(n, 1))
	cent := make([]float32, k*d)
	codes := make([]int, n)
	if n == 0 || k == 0 {
		return cent, codes
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pt := func(i int) []float32 { return points[i*d : (i+1)*d] }

	// k-means++: the first centre uniformly, each next one with probability
	// proportional to the squared distance to the nearest chosen centre.
	dist := make([]float64, n)
	first := int(rng.Uint64() % uint64(n))
	copy(cent[:d], pt(first))
	var total float64
	for i := 0; i < n; i++ {
		dist[i] = sqDist(pt(i), cent[:d])
		total += dist[i]
	}
	for c := 1; c < k; c++ {
		pick := n - 1
		if total > 0 {
			target := float64(rng.Uint64()>>11) / (1 << 53) * total
			var acc float64
			for i := 0; i < n; i++ {
				acc += dist[i]
				if acc > target {
					pick = i
					break
				}
			}
		} else {
			pick = c % n
		}
		copy(cent[c*d:(c+1)*d], pt(pick))
		total = 0
		for i := 0; i < n; i++ {
			dist[i] = math.Min(dist[i], sqDist(pt(i), cent[c*d:(c+1)*d]))
			total += dist[i]
		}
	}

	sums := make([]float64, k*d)
	counts := make([]int, k)
	for it := 0; it < iters; it++ {
		changed := it == 0
		for i := 0; i < n; i++ {
			c, dd := nearest(pt(i), cent, k, d)
			dist[i] = dd
			if c != codes[i] {
				changed = true
				codes[i] = c
			}
		}
		if !changed {
			break
		}
		clear(sums)
		clear(counts)
		for i := 0; i < n; i++ {
			c := codes[i]
			counts[c]++
			for j, v := range pt(i) {
				sums[c*d+j] += float64(v)
			}
		}
		for c := 0; c < k; c++ {
			if counts[c] == 0 {
				// An empty cluster takes the point farthest from its centre
				// (lowest index on ties), which keeps all k codes useful.
				far := 0
				for i := 1; i < n; i++ {
					if dist[i] > dist[far] {
						far = i
					}
				}
				copy(cent[c*d:(c+1)*d], pt(far))
				dist[far] = 0
				continue
			}
			for j := 0; j < d; j++ {
				cent[c*d+j] = float32(sums[c*d+j] / float64(counts[c]))
			}
		}
	}
	for i := 0; i < n; i++ {
		codes[i], _ = nearest(pt(i), cent, k, d)
	}
	return cent, codes
}

func sqDist(a, b []float32) float64 {
	var s float64
	for i, v := range a {
		e := float64(v) - float64(b[i])
		s += float64(e * e)
	}
	return s
}

// nearest returns the index of the centroid closest to p (lowest index on
// ties) and the squared distance.
func nearest(p, cent []float32, k, d int) (int, float64) {
	best, bd := 0, math.Inf(1)
	for c := 0; c < k; c++ {
		if dd := sqDist(p, cent[c*d:(c+1)*d]); dd < bd {
			best, bd = c, dd
		}
	}
	return best, bd
}
