//go:build !amd64 || noasm || purego

package simd

var winoInArch []impl[func(v []float32, vx, vc int, e, o []float32, ld, plane, chans int)]

var winoOutArch []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows int)]

var winoIn2Arch []impl[func(v []float32, vx, vc int, e, o []float32, ld, plane, chans int)]

var winoOut2Arch []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int)]

var winoOutPoolArch []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w0, w1 int, relu bool)]

var winoIn4Arch []impl[func(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int)]

var winoOut4Arch []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows int)]

var winoIn4x2Arch []impl[func(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int)]

var winoOut4x2Arch []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int)]

var winoOut4PoolArch []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int, relu bool)]

var winoIn4x4Arch []impl[func(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int, off [4]int)]

var winoOut4x4Arch []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int)]

var winoOut4PoolQuadArch []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int, relu bool)]

var winoIn4LArch []impl[func(v []float32, vx, vc int, d []float32, chans int)]

var winoOut4LArch []impl[func(y []float32, ystride int, m []float32, mx, mc int, bias []float32, chans, count int)]
