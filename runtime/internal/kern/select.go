package kern

import "fmt"

// greater orders values for ArgMax and TopK: NaN ranks above every number
// (as in torch and NumPy), and among equal values the earlier index wins
// because callers only replace on strictly greater.
func greater(a, b float32) bool {
	if a != a {
		return b == b
	}
	return a > b
}

// ArgMax writes, for each of the Outer×Inner positions of the axis view a,
// the index along the axis of the largest value (the first one on ties;
// NaN counts as largest), as torch.argmax. dst has Outer·Inner entries.
func ArgMax(a *Axis, dst []int32, x []float32) {
	n, in := a.Len, a.Inner
	for o := 0; o < a.Outer; o++ {
		base := o * n * in
		for j := 0; j < in; j++ {
			best, bi := x[base+j], 0
			for i := 1; i < n; i++ {
				if v := x[base+i*in+j]; greater(v, best) {
					best, bi = v, i
				}
			}
			dst[o*in+j] = int32(bi)
		}
	}
}

// TopKParams describes torch.topk(x, K, dim, largest, sorted=True) on the
// axis view Axis: the outputs are Outer×K×Inner.
type TopKParams struct {
	Axis
	K       int
	Largest bool
}

// Validate reports whether p describes a computable top-k.
func (p *TopKParams) Validate() error {
	if err := p.Axis.Validate(); err != nil {
		return fmt.Errorf("topk: %w", err)
	}
	if p.K < 1 || p.K > p.Len {
		return fmt.Errorf("topk: k=%d not in 1..%d", p.K, p.Len)
	}
	return nil
}

// TopK writes the K largest (or smallest) values along the axis in order,
// and their indices. The order is stable: equal values keep index order
// (torch leaves it unspecified; NumPy's stable argsort agrees). NaN ranks
// as largest. O(Len·K) per position, for the small K models use.
func TopK(p *TopKParams, values []float32, indices []int32, x []float32) {
	n, in, k := p.Len, p.Inner, p.K
	for o := 0; o < p.Outer; o++ {
		src := x[o*n*in:]
		vo, io := values[o*k*in:], indices[o*k*in:]
		for j := 0; j < in; j++ {
			cnt := 0
			for i := 0; i < n; i++ {
				v := src[i*in+j]
				// Position of v among the cnt kept values: after every
				// value that ranks at least as high (stability).
				pos := cnt
				for pos > 0 {
					w := vo[(pos-1)*in+j]
					var before bool
					if p.Largest {
						before = greater(v, w)
					} else {
						before = greater(w, v)
					}
					if !before {
						break
					}
					pos--
				}
				if pos >= k {
					continue
				}
				last := min(cnt, k-1)
				for q := last; q > pos; q-- {
					vo[q*in+j], io[q*in+j] = vo[(q-1)*in+j], io[(q-1)*in+j]
				}
				vo[pos*in+j], io[pos*in+j] = v, int32(i)
				if cnt < k {
					cnt++
				}
			}
		}
	}
}

// NearestCentroidParams describes k-means assignment: N feature vectors of
// D values (row-major N×D) against K centroids (K×D).
type NearestCentroidParams struct {
	N, D, K int
}

// Validate reports whether p describes a computable assignment.
func (p *NearestCentroidParams) Validate() error {
	if p.N < 0 || p.D < 1 || p.K < 1 {
		return fmt.Errorf("nearest centroid: bad params %+v", *p)
	}
	if err := checkDims(p.N, p.D); err != nil {
		return fmt.Errorf("nearest centroid: %w", err)
	}
	return checkDims(p.K, p.D)
}

// NearestCentroid writes for each vector the index of the centroid at the
// smallest squared Euclidean distance, the lowest index on ties. Distances
// are summed in float64 in index order, so the choice does not depend on
// the kernel path; a NaN distance never wins.
func NearestCentroid(p *NearestCentroidParams, dst []int32, x, centroids []float32) {
	d := p.D
	for i := 0; i < p.N; i++ {
		v := x[i*d : (i+1)*d]
		best, bi := 0.0, int32(-1)
		for c := 0; c < p.K; c++ {
			cv := centroids[c*d : (c+1)*d]
			var s float64
			for j, a := range v {
				e := float64(a) - float64(cv[j])
				s += float64(e * e) // the conversion forbids FMA fusion: same result on every arch
			}
			if bi < 0 && s == s || s < best {
				best, bi = s, int32(c)
			}
		}
		if bi < 0 {
			bi = 0
		}
		dst[i] = bi
	}
}
