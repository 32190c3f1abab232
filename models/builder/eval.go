package builder

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/edgerun/edgerun/models/idx"
	"github.com/edgerun/edgerun/runtime"
)

// Predict runs a model whose input "image" is U8 [N,1,28,28] over every
// image of d, batch images at a time, and returns the I32 output named
// output (a class or a cluster) for each image plus the mean wall time per
// image. Each image's output also passes through see, when not nil, with
// the session so that callers can collect other outputs.
func Predict(ctx context.Context, m *runtime.Model, d *idx.Dataset, batch int, output string, see func(s *runtime.Session, row, image int)) ([]int32, time.Duration, error) {
	if d.Rows != ImageSize || d.Cols != ImageSize {
		return nil, 0, fmt.Errorf("images are %dx%d, want %dx%d", d.Rows, d.Cols, ImageSize, ImageSize)
	}
	if batch < 1 {
		batch = 1
	}
	s, err := m.NewSession(runtime.WithBatch(batch))
	if err != nil {
		return nil, 0, err
	}
	defer s.Close()
	in, out := s.InputByName("image"), s.OutputByName(output)
	if in == nil || in.DType() != runtime.U8 || out == nil || out.DType() != runtime.S32 {
		return nil, 0, fmt.Errorf("model has no U8 input \"image\" or no I32 output %q", output)
	}
	px := ImageSize * ImageSize
	res := make([]int32, d.N)
	var spent time.Duration
	for i := 0; i < d.N; i += batch {
		n := min(batch, d.N-i)
		copy(in.U8(), d.Images[i*px:(i+n)*px])
		clear(in.U8()[n*px:])
		t0 := time.Now()
		if err := s.Run(ctx); err != nil {
			return nil, 0, err
		}
		spent += time.Since(t0)
		copy(res[i:i+n], out.S32()[:n])
		if see != nil {
			for r := range n {
				see(s, r, i+r)
			}
		}
	}
	return res, spent / time.Duration(max(d.N, 1)), nil
}

// Top1 is the fraction of predictions equal to the labels.
func Top1(pred []int32, labels []uint8) float64 {
	ok := 0
	for i, p := range pred {
		if p == int32(labels[i]) {
			ok++
		}
	}
	return float64(ok) / float64(max(len(pred), 1))
}

// ClusterAccuracy is the accuracy of clusters under the best one-to-one
// matching of clusters to labels (both in 0..k-1, k ≤ 16), found exactly by
// dynamic programming over subsets of labels.
func ClusterAccuracy(pred []int32, labels []uint8, k int) float64 {
	if k < 1 || k > 16 {
		return math.NaN()
	}
	count := make([]int, k*k) // [cluster][label]
	for i, p := range pred {
		if int(p) < k && int(labels[i]) < k && p >= 0 {
			count[int(p)*k+int(labels[i])]++
		}
	}
	// best[mask]: the most points matched when clusters 0..popcount(mask)-1
	// take the labels in mask.
	best := make([]int, 1<<k)
	for i := range best {
		best[i] = -1
	}
	best[0] = 0
	for mask := 0; mask < 1<<k; mask++ {
		if best[mask] < 0 {
			continue
		}
		c := popcount(mask)
		if c == k {
			continue
		}
		for l := range k {
			if mask&(1<<l) == 0 {
				if v := best[mask] + count[c*k+l]; v > best[mask|1<<l] {
					best[mask|1<<l] = v
				}
			}
		}
	}
	return float64(best[1<<k-1]) / float64(max(len(pred), 1))
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// NMI is the normalised mutual information of clusters and labels, with
// the arithmetic mean of the entropies (scikit-learn's default).
func NMI(pred []int32, labels []uint8) float64 {
	n := float64(len(pred))
	joint := map[[2]int]float64{}
	pc, pl := map[int]float64{}, map[int]float64{}
	for i, p := range pred {
		joint[[2]int{int(p), int(labels[i])}]++
		pc[int(p)]++
		pl[int(labels[i])]++
	}
	mi := 0.0
	for k, v := range joint {
		mi += v / n * math.Log(v*n/(pc[k[0]]*pl[k[1]]))
	}
	h := func(m map[int]float64) float64 {
		s := 0.0
		for _, v := range m {
			s -= v / n * math.Log(v/n)
		}
		return s
	}
	hc, hl := h(pc), h(pl)
	if hc+hl == 0 {
		return 1
	}
	return mi / ((hc + hl) / 2)
}
