package kern

import (
	"fmt"
	"math"
)

// BatchNormParams describes inference-mode batch normalisation
// (torch.nn.BatchNorm2d/1d in eval mode) of an N×C×Spatial tensor, where
// Spatial is H·W (or L, or 1 after a dense layer).
type BatchNormParams struct {
	N, C, Spatial int
	Eps           float32
}

// Validate reports whether p describes a computable normalisation.
func (p *BatchNormParams) Validate() error {
	if p.N < 0 || p.C < 1 || p.Spatial < 1 || !(p.Eps >= 0) {
		return fmt.Errorf("batchnorm: bad params %+v", *p)
	}
	return checkDims(p.N, p.C, p.Spatial)
}

// BatchNorm computes dst = (x - mean[c]) / sqrt(variance[c] + Eps) · gamma[c] + beta[c]
// for every element of channel c. dst may be x. Models normally have their
// batch norms folded into the preceding layer at load (FoldBatchNorm); this
// kernel serves the rest.
func BatchNorm(p *BatchNormParams, dst, x, mean, variance, gamma, beta []float32) {
	for c := 0; c < p.C; c++ {
		s, b := bnScaleShift(mean[c], variance[c], gamma[c], beta[c], p.Eps)
		for n := 0; n < p.N; n++ {
			off := (n*p.C + c) * p.Spatial
			src, out := x[off:off+p.Spatial], dst[off:off+p.Spatial]
			for i, v := range src {
				out[i] = v*s + b
			}
		}
	}
}

// bnScaleShift folds one channel's statistics into y = x·s + b.
func bnScaleShift(mean, variance, gamma, beta, eps float32) (s, b float32) {
	s64 := float64(gamma) / math.Sqrt(float64(variance)+float64(eps))
	return float32(s64), float32(float64(beta) - float64(mean)*s64)
}

// FoldBatchNorm folds an inference batch norm that follows a convolution or
// dense layer into that layer's weights and bias, in place: for each output
// channel o with s = gamma[o]/sqrt(variance[o]+eps),
//
//	w[o][...] *= s;  bias[o] = (bias[o] - mean[o])·s + beta[o]
//
// w holds outC rows of equal length (OIHW conv or Out×In dense weights);
// bias must have outC entries (zeros when the layer had none). It is a
// load-time helper: it checks the lengths and returns an error.
func FoldBatchNorm(w, bias []float32, outC int, mean, variance, gamma, beta []float32, eps float32) error {
	if outC < 1 || len(w)%outC != 0 || len(bias) != outC || len(mean) != outC ||
		len(variance) != outC || len(gamma) != outC || len(beta) != outC {
		return fmt.Errorf("fold batchnorm: %d channels but lengths w=%d bias=%d mean=%d var=%d gamma=%d beta=%d",
			outC, len(w), len(bias), len(mean), len(variance), len(gamma), len(beta))
	}
	if !(eps >= 0) {
		return fmt.Errorf("fold batchnorm: bad eps %v", eps)
	}
	row := len(w) / outC
	for o := 0; o < outC; o++ {
		if variance[o]+eps <= 0 {
			return fmt.Errorf("fold batchnorm: channel %d: variance %v + eps %v not positive", o, variance[o], eps)
		}
		s := float64(gamma[o]) / math.Sqrt(float64(variance[o])+float64(eps))
		for i := o * row; i < (o+1)*row; i++ {
			w[i] = float32(float64(w[i]) * s)
		}
		bias[o] = float32((float64(bias[o])-float64(mean[o]))*s + float64(beta[o]))
	}
	return nil
}

// GroupNormParams describes torch.nn.GroupNorm over an N×C×Spatial tensor:
// the C channels form Groups groups, each normalised over its channels and
// positions together.
type GroupNormParams struct {
	N, C, Spatial int
	Groups        int
	Eps           float32
}

// Validate reports whether p describes a computable normalisation.
func (p *GroupNormParams) Validate() error {
	if p.N < 0 || p.C < 1 || p.Spatial < 1 || p.Groups < 1 || p.C%p.Groups != 0 || !(p.Eps >= 0) {
		return fmt.Errorf("groupnorm: bad params %+v", *p)
	}
	return checkDims(p.N, p.C, p.Spatial)
}

// GroupNorm computes, for each sample and group, dst = (x - μ)/sqrt(σ² + Eps)
// · gamma[c] + beta[c], with μ and σ² (biased) the mean and variance over
// the group. gamma and beta may each be nil (no scale, no shift). Statistics are
// accumulated in float64, two-pass. dst may be x.
func GroupNorm(p *GroupNormParams, dst, x, gamma, beta []float32) {
	cpg := p.C / p.Groups
	size := cpg * p.Spatial
	for n := 0; n < p.N; n++ {
		for g := 0; g < p.Groups; g++ {
			off := (n*p.C + g*cpg) * p.Spatial
			mean, inv := meanInvStd(x[off:off+size], p.Eps)
			for c := g * cpg; c < (g+1)*cpg; c++ {
				// gamma and beta are optional each on their own.
				s64, b64 := inv, -mean*inv
				if gamma != nil {
					s64 = inv * float64(gamma[c])
					b64 = -mean * s64
				}
				if beta != nil {
					b64 += float64(beta[c])
				}
				s, b := float32(s64), float32(b64)
				o := (n*p.C + c) * p.Spatial
				src, out := x[o:o+p.Spatial], dst[o:o+p.Spatial]
				for i, v := range src {
					out[i] = v*s + b
				}
			}
		}
	}
}

// meanInvStd returns the mean of v and 1/sqrt(variance + eps), both in
// float64, variance biased and computed in a second pass.
func meanInvStd(v []float32, eps float32) (mean, inv float64) {
	var s float64
	for _, x := range v {
		s += float64(x)
	}
	mean = s / float64(len(v))
	var q float64
	for _, x := range v {
		d := float64(x) - mean
		q += d * d
	}
	return mean, 1 / math.Sqrt(q/float64(len(v))+float64(eps))
}

// LayerNormParams describes torch.nn.LayerNorm over the last dimensions:
// the tensor is Outer rows of Inner values, each row normalised on its own.
type LayerNormParams struct {
	Outer, Inner int
	Eps          float32
}

// Validate reports whether p describes a computable normalisation.
func (p *LayerNormParams) Validate() error {
	if p.Outer < 0 || p.Inner < 1 || !(p.Eps >= 0) {
		return fmt.Errorf("layernorm: bad params %+v", *p)
	}
	return checkDims(p.Outer, p.Inner)
}

// LayerNorm computes for each row dst = (x - μ)/sqrt(σ² + Eps)·gamma + beta,
// gamma and beta of length Inner, each may be nil. dst may be x.
func LayerNorm(p *LayerNormParams, dst, x, gamma, beta []float32) {
	for r := 0; r < p.Outer; r++ {
		src, out := x[r*p.Inner:(r+1)*p.Inner], dst[r*p.Inner:(r+1)*p.Inner]
		mean, inv := meanInvStd(src, p.Eps)
		for i, v := range src {
			y := (float64(v) - mean) * inv
			// gamma and beta are optional each on their own.
			switch {
			case gamma != nil && beta != nil:
				y = y*float64(gamma[i]) + float64(beta[i])
			case gamma != nil:
				y *= float64(gamma[i])
			case beta != nil:
				y += float64(beta[i])
			}
			out[i] = float32(y)
		}
	}
}
