package kern

// The 3×3 fast path: Winograd F(2×2, 3×3) for stride-1, undilated 3×3
// convolutions. Each 2×2 block of outputs comes from a 4×4 input tile with
// 16 multiplies per input/output channel pair instead of 36; the products
// are 16 independent GEMMs (one per transform coefficient) of the weights
// (OutC/G × C/G) by the tiles (C/G × tiles), so they run on the same gemm
// as everything else. The transforms only add and halve, so the results
// stay within the float32 tolerance of direct convolution.

// winoMinC is the smallest channel count (per group, input and output) for
// which the transforms pay for themselves; thinner convolutions use im2col.
const winoMinC = 4

// winoTarget bounds the transformed input and output of one chunk of
// tiles (floats), to keep them in L2.
const winoTarget = 1 << 16

func (p *Conv2DParams) winograd() bool {
	th, tw := p.winoTiles()
	return p.KH == 3 && p.KW == 3 && p.StrideH == 1 && p.StrideW == 1 &&
		p.DilationH == 1 && p.DilationW == 1 &&
		p.C/p.Groups >= winoMinC && p.OutC/p.Groups >= winoMinC &&
		th*tw >= winoMinTiles
}

// winoMinTiles is the fewest 2×2 output tiles for which Winograd pays: its
// 16 GEMMs each pack their weights again, which small feature maps (the 4×4
// latent grid, a 7×7 tail) cannot amortise; im2col's single GEMM wins there.
const winoMinTiles = 64

func (p *Conv2DParams) winoTiles() (th, tw int) { return (p.OutH() + 1) / 2, (p.OutW() + 1) / 2 }

// winoChunk is the number of tiles transformed and multiplied at once.
func (p *Conv2DParams) winoChunk() int {
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	th, tw := p.winoTiles()
	return max(1, min(winoTarget/(16*(cpg+opg)), th*tw))
}

// winoScratch is the scratch of the Winograd path: transformed weights of
// one group, then transformed inputs and products of one chunk.
func (p *Conv2DParams) winoScratch() int {
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	return 16*opg*cpg + 16*(cpg+opg)*p.winoChunk()
}

func convWinograd(p *Conv2DParams, dn, xn, w, bias, scratch []float32) {
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	oh, ow := p.OutH(), p.OutW()
	th, tw := p.winoTiles()
	tiles := th * tw
	chunk := p.winoChunk()
	uLen := 16 * opg * cpg
	u := scratch[:uLen]
	v := scratch[uLen : uLen+16*cpg*chunk]
	m := scratch[uLen+16*cpg*chunk : uLen+16*(cpg+opg)*chunk]
	hw := p.H * p.W
	for g := 0; g < p.Groups; g++ {
		// U[ξ][o][c] = (G·w·Gᵀ)[ξ]. Weights are transformed on every call:
		// 16·(C/G)·(OutC/G) values, small next to the convolution itself.
		for o := 0; o < opg; o++ {
			for c := 0; c < cpg; c++ {
				k := w[((g*opg+o)*cpg+c)*9 : ((g*opg+o)*cpg+c)*9+9]
				var gg [4][3]float32
				for j := 0; j < 3; j++ {
					a, b, e := k[j], k[3+j], k[6+j]
					gg[0][j] = a
					gg[1][j] = (a + b + e) * 0.5
					gg[2][j] = (a - b + e) * 0.5
					gg[3][j] = e
				}
				for i := 0; i < 4; i++ {
					a, b, e := gg[i][0], gg[i][1], gg[i][2]
					base := (i*4)*opg*cpg + o*cpg + c
					u[base] = a
					u[base+opg*cpg] = (a + b + e) * 0.5
					u[base+2*opg*cpg] = (a - b + e) * 0.5
					u[base+3*opg*cpg] = e
				}
			}
		}
		xg := xn[g*cpg*hw : (g+1)*cpg*hw]
		for t0 := 0; t0 < tiles; t0 += chunk {
			tn := min(chunk, tiles-t0)
			// V[ξ][c][t] = (Bᵀ·d·B)[ξ] of each 4×4 input tile d.
			for c := 0; c < cpg; c++ {
				xc := xg[c*hw : (c+1)*hw]
				for t := 0; t < tn; t++ {
					ty, tx := (t0+t)/tw, (t0+t)%tw
					y0, x0 := 2*ty-p.PadTop, 2*tx-p.PadLeft
					var d [4][4]float32
					for i := 0; i < 4; i++ {
						y := y0 + i
						if y < 0 || y >= p.H {
							continue
						}
						row := xc[y*p.W : (y+1)*p.W]
						for j := 0; j < 4; j++ {
							if x := x0 + j; x >= 0 && x < p.W {
								d[i][j] = row[x]
							}
						}
					}
					var s [4][4]float32
					for j := 0; j < 4; j++ {
						s[0][j] = d[0][j] - d[2][j]
						s[1][j] = d[1][j] + d[2][j]
						s[2][j] = d[2][j] - d[1][j]
						s[3][j] = d[1][j] - d[3][j]
					}
					base := c*chunk + t
					for i := 0; i < 4; i++ {
						o := (i * 4) * cpg * chunk
						v[base+o] = s[i][0] - s[i][2]
						v[base+o+cpg*chunk] = s[i][1] + s[i][2]
						v[base+o+2*cpg*chunk] = s[i][2] - s[i][1]
						v[base+o+3*cpg*chunk] = s[i][1] - s[i][3]
					}
				}
			}
			for xi := 0; xi < 16; xi++ {
				gemm(false, false, opg, tn, cpg, 1, u[xi*opg*cpg:], cpg, v[xi*cpg*chunk:], chunk, 0, m[xi*opg*chunk:], chunk)
			}
			// Y = Aᵀ·M·A for each tile, plus bias, clipped at the edges.
			for o := 0; o < opg; o++ {
				oc := g*opg + o
				var b float32
				if bias != nil {
					b = bias[oc]
				}
				out := dn[oc*oh*ow : (oc+1)*oh*ow]
				for t := 0; t < tn; t++ {
					var mm [4][4]float32
					for xi := 0; xi < 16; xi++ {
						mm[xi/4][xi%4] = m[(xi*opg+o)*chunk+t]
					}
					var s [2][4]float32
					for j := 0; j < 4; j++ {
						s[0][j] = mm[0][j] + mm[1][j] + mm[2][j]
						s[1][j] = mm[1][j] - mm[2][j] - mm[3][j]
					}
					ty, tx := (t0+t)/tw, (t0+t)%tw
					y, x := 2*ty, 2*tx
					for i := 0; i < 2 && y+i < oh; i++ {
						r := out[(y+i)*ow:]
						r[x] = s[i][0] + s[i][1] + s[i][2] + b
						if x+1 < ow {
							r[x+1] = s[i][1] - s[i][2] - s[i][3] + b
						}
					}
				}
			}
		}
	}
}
