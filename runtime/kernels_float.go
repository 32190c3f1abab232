package runtime

import "math"

// Float reference paths for the ops whose optimised kernels are not yet
// wired in. Each is a plain loop nest, written for clarity.

// conv2dF32 computes output planes [lo, hi) (plane = image*m + channel).
func conv2dF32(p *conv2dParams, lo, hi int) {
	cg, mg := p.c/p.groups, p.m/p.groups
	plane := p.oh * p.ow
	for pi := lo; pi < hi; pi++ {
		img, oc := pi/p.m, pi%p.m
		g := oc / mg
		y := p.out[pi*plane : (pi+1)*plane]
		b := float32(0)
		if p.bias != nil {
			b = p.bias[oc]
		}
		for i := range y {
			y[i] = b
		}
		for ci := 0; ci < cg; ci++ {
			c := g*cg + ci
			xp := p.x[(img*p.c+c)*p.h*p.w : (img*p.c+c+1)*p.h*p.w]
			wp := p.wt[(oc*cg+ci)*p.kh*p.kw:]
			for ky := 0; ky < p.kh; ky++ {
				for kx := 0; kx < p.kw; kx++ {
					wv := wp[ky*p.kw+kx]
					for oy := 0; oy < p.oh; oy++ {
						iy := oy*p.sh - p.pt + ky*p.dh
						if iy < 0 || iy >= p.h {
							continue
						}
						row := xp[iy*p.w : (iy+1)*p.w]
						yr := y[oy*p.ow : (oy+1)*p.ow]
						ix := kx*p.dw - p.pl
						for ox := range yr {
							if ix >= 0 && ix < p.w {
								yr[ox] += wv * row[ix]
							}
							ix += p.sw
						}
					}
				}
			}
		}
	}
}

// denseF32 computes y[r, j] = bias[j] + sum_k x[r, k] * w[j, k] for output
// columns j in [lo, hi) over all rows.
func denseF32(x, w, bias, y []float32, rows, k, m, lo, hi int) {
	for r := 0; r < rows; r++ {
		xr := x[r*k : (r+1)*k]
		yr := y[r*m : (r+1)*m]
		for j := lo; j < hi; j++ {
			wr := w[j*k : (j+1)*k]
			var s float32
			for i, v := range xr {
				s += v * wr[i]
			}
			if bias != nil {
				s += bias[j]
			}
			yr[j] = s
		}
	}
}

// softmaxF32 normalises along an axis of length n with stride inner.
func softmaxF32(x, y []float32, outer, n, inner int) {
	for o := 0; o < outer; o++ {
		for in := 0; in < inner; in++ {
			base := o*n*inner + in
			mx := float32(math.Inf(-1))
			for i := 0; i < n; i++ {
				mx = max(mx, x[base+i*inner])
			}
			var sum float32
			for i := 0; i < n; i++ {
				e := float32(math.Exp(float64(x[base+i*inner] - mx)))
				y[base+i*inner] = e
				sum += e
			}
			inv := 1 / sum
			for i := 0; i < n; i++ {
				y[base+i*inner] *= inv
			}
		}
	}
}
