//go:build !noasm && !purego

package simd

var winoInArch = []impl[func(v []float32, vx, vc int, e, o []float32, ld, plane, chans int)]{
	{name: "avx2", level: AVX2, fn: winoIn8AVX2Go},
}

var winoOutArch = []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows int)]{
	{name: "avx2", level: AVX2, fn: winoOut8AVX2Go},
}

// winoIn8AVX2 transforms eight tiles of chans channels; strides are in
// bytes.
//
//go:noescape
func winoIn8AVX2(v, e, o *float32, vx, vc, ld, plane, chans int)

func winoIn8AVX2Go(v []float32, vx, vc int, e, o []float32, ld, plane, chans int) {
	winoIn8AVX2(&v[0], &e[0], &o[0], 4*vx, 4*vc, 4*ld, 4*plane, chans)
}

// winoOut8AVX2 transforms eight tiles of chans channels back and stores
// their first w (≤ 16) columns of rows rows; strides are in bytes, and
// bias advances by bstride bytes a channel (0 to add the same zero to
// all).
//
//go:noescape
func winoOut8AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, rows int)

// winoZero is the bias of convolutions without one.
var winoZero float32

func winoOut8AVX2Go(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows int) {
	b, bs := &winoZero, 0
	if bias != nil {
		b, bs = &bias[0], 4
	}
	winoOut8AVX2(&y[0], &m[0], b, 4*mx, 4*mc, 4*ldy, 4*yplane, bs, chans, w, rows)
}

var winoIn2Arch = []impl[func(v []float32, vx, vc int, e, o []float32, ld, plane, chans int)]{
	{name: "avx2", level: AVX2, fn: winoIn8x2AVX2Go},
}

var winoOut2Arch = []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int)]{
	{name: "avx2", level: AVX2, fn: winoOut8x2AVX2Go},
}

// winoIn8x2AVX2 and winoOut8x2AVX2 are winoIn8AVX2 and winoOut8AVX2 with
// the lanes in two halves, two rows of tiles apart (see WinogradIn2 and
// WinogradOut2); strides are in bytes.
//
//go:noescape
func winoIn8x2AVX2(v, e, o *float32, vx, vc, ld, plane, chans int)

//go:noescape
func winoOut8x2AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, rows0, rows1 int)

func winoIn8x2AVX2Go(v []float32, vx, vc int, e, o []float32, ld, plane, chans int) {
	winoIn8x2AVX2(&v[0], &e[0], &o[0], 4*vx, 4*vc, 4*ld, 4*plane, chans)
}

func winoOut8x2AVX2Go(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int) {
	b, bs := &winoZero, 0
	if bias != nil {
		b, bs = &bias[0], 4
	}
	winoOut8x2AVX2(&y[0], &m[0], b, 4*mx, 4*mc, 4*ldy, 4*yplane, bs, chans, w, rows0, rows1)
}

var winoOutPoolArch = []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w0, w1 int, relu bool)]{
	{name: "avx2", level: AVX2, fn: winoOutPool8AVX2Go},
}

// winoOutPool8AVX2 is the pooling output transform of eight tiles of
// chans channels (see winoOutPoolFn); strides are in bytes, bias as in
// winoOut8AVX2.
//
//go:noescape
func winoOutPool8AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w0, w1 int, relu bool)

func winoOutPool8AVX2Go(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w0, w1 int, relu bool) {
	b, bs := &winoZero, 0
	if bias != nil {
		b, bs = &bias[0], 4
	}
	winoOutPool8AVX2(&y[0], &m[0], b, 4*mx, 4*mc, 4*ldy, 4*yplane, bs, chans, w0, w1, relu)
}

var winoIn4Arch = []impl[func(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int)]{
	{name: "avx2", level: AVX2, fn: winoIn4x8AVX2Go},
}

var winoOut4Arch = []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows int)]{
	{name: "avx2", level: AVX2, fn: winoOut4x8AVX2Go},
}

// winoIn4x8AVX2 and winoOut4x8AVX2 are the F(4×4, 3×3) transforms of
// eight tiles of chans channels; strides are in bytes, bias as in
// winoOut8AVX2.
//
//go:noescape
func winoIn4x8AVX2(v, p0, p1, p2, p3 *float32, vx, vc, ld, plane, chans int)

//go:noescape
func winoOut4x8AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, rows int)

func winoIn4x8AVX2Go(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int) {
	winoIn4x8AVX2(&v[0], &p0[0], &p1[0], &p2[0], &p3[0], 4*vx, 4*vc, 4*ld, 4*plane, chans)
}

func winoOut4x8AVX2Go(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows int) {
	b, bs := &winoZero, 0
	if bias != nil {
		b, bs = &bias[0], 4
	}
	winoOut4x8AVX2(&y[0], &m[0], b, 4*mx, 4*mc, 4*ldy, 4*yplane, bs, chans, w, rows)
}

var winoIn4x2Arch = []impl[func(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int)]{
	{name: "avx2", level: AVX2, fn: winoIn4x8x2AVX2Go},
}

var winoOut4x2Arch = []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int)]{
	{name: "avx2", level: AVX2, fn: winoOut4x8x2AVX2Go},
}

// winoIn4x8x2AVX2 and winoOut4x8x2AVX2 are winoIn4x8AVX2 and
// winoOut4x8AVX2 with the lanes in two halves, two rows of tiles apart
// (see WinogradIn4x2 and WinogradOut4x2); strides are in bytes.
//
//go:noescape
func winoIn4x8x2AVX2(v, p0, p1, p2, p3 *float32, vx, vc, ld, plane, chans int)

//go:noescape
func winoOut4x8x2AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, rows0, rows1 int)

func winoIn4x8x2AVX2Go(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int) {
	winoIn4x8x2AVX2(&v[0], &p0[0], &p1[0], &p2[0], &p3[0], 4*vx, 4*vc, 4*ld, 4*plane, chans)
}

func winoOut4x8x2AVX2Go(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int) {
	b, bs := &winoZero, 0
	if bias != nil {
		b, bs = &bias[0], 4
	}
	winoOut4x8x2AVX2(&y[0], &m[0], b, 4*mx, 4*mc, 4*ldy, 4*yplane, bs, chans, w, rows0, rows1)
}

var winoOut4PoolArch = []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int, relu bool)]{
	{name: "avx2", level: AVX2, fn: winoOut4Pool8x2AVX2Go},
}

// winoOut4Pool8x2AVX2 is WinogradOut4x2Pool's kernel; strides are in
// bytes, bias as in winoOut8AVX2.
//
//go:noescape
func winoOut4Pool8x2AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, rows0, rows1 int, relu bool)

func winoOut4Pool8x2AVX2Go(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w, rows0, rows1 int, relu bool) {
	b, bs := &winoZero, 0
	if bias != nil {
		b, bs = &bias[0], 4
	}
	winoOut4Pool8x2AVX2(&y[0], &m[0], b, 4*mx, 4*mc, 4*ldy, 4*yplane, bs, chans, w, rows0, rows1, relu)
}

var winoIn4x4Arch = []impl[func(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int, off [4]int)]{
	{name: "avx2", level: AVX2, fn: winoIn4x8x4AVX2Go},
}

var winoOut4x4Arch = []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int)]{
	{name: "avx2", level: AVX2, fn: winoOut4x8x4AVX2Go},
}

var winoOut4PoolQuadArch = []impl[func(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int, relu bool)]{
	{name: "avx2", level: AVX2, fn: winoOut4Pool8x4AVX2Go},
}

// winoIn4x8x4AVX2, winoOut4x8x4AVX2 and winoOut4Pool8x4AVX2 are the
// F(4×4, 3×3) kernels for four groups of two tiles (see WinogradIn4x4);
// strides and offsets are in bytes, bias as in winoOut8AVX2.
//
//go:noescape
func winoIn4x8x4AVX2(v, p0, p1, p2, p3 *float32, vx, vc, ld, plane, chans, o1, o2, o3 int)

//go:noescape
func winoOut4x8x4AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, d1, d2, d3, r0, r1, r2, r3 int)

//go:noescape
func winoOut4Pool8x4AVX2(y, m, bias *float32, mx, mc, ldy, yplane, bstride, chans, w, d1, d2, d3, r0, r1, r2, r3 int, relu bool)

func winoIn4x8x4AVX2Go(v []float32, vx, vc int, p0, p1, p2, p3 []float32, ld, plane, chans int, off [4]int) {
	winoIn4x8x4AVX2(&v[0], &p0[0], &p1[0], &p2[0], &p3[0], 4*vx, 4*vc, 4*ld, 4*plane, chans, 4*off[1], 4*off[2], 4*off[3])
}

func winoOut4x8x4AVX2Go(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int) {
	b, bs := &winoZero, 0
	if bias != nil {
		b, bs = &bias[0], 4
	}
	winoOut4x8x4AVX2(&y[0], &m[0], b, 4*mx, 4*mc, 4*ldy, 4*yplane, bs, chans, w,
		4*off[1], 4*off[2], 4*off[3], rows[0], rows[1], rows[2], rows[3])
}

func winoOut4Pool8x4AVX2Go(y []float32, ldy, yplane int, m []float32, mx, mc int, bias []float32, chans, w int, off, rows [4]int, relu bool) {
	b, bs := &winoZero, 0
	if bias != nil {
		b, bs = &bias[0], 4
	}
	winoOut4Pool8x4AVX2(&y[0], &m[0], b, 4*mx, 4*mc, 4*ldy, 4*yplane, bs, chans, w,
		4*off[1], 4*off[2], 4*off[3], rows[0], rows[1], rows[2], rows[3], relu)
}

var winoIn4LArch = []impl[func(v []float32, vx, vc int, d []float32, chans int)]{
	{name: "avx2", level: AVX2, fn: winoIn4LAVX2Go},
}

var winoOut4LArch = []impl[func(y []float32, ystride int, m []float32, mx, mc int, bias []float32, chans, count int)]{
	{name: "avx2", level: AVX2, fn: winoOut4LAVX2Go},
}

// winoIn4LAVX2 and winoOut4LAVX2 are the F(4×4, 3×3) transforms with
// eight images in the lanes (see WinogradIn4L); strides are in bytes,
// bias as in winoOut8AVX2.
//
//go:noescape
func winoIn4LAVX2(v, d *float32, vx, vc, chans int)

//go:noescape
func winoOut4LAVX2(y, m, bias *float32, mx, mc, ystride, bstride, chans, count int)

func winoIn4LAVX2Go(v []float32, vx, vc int, d []float32, chans int) {
	winoIn4LAVX2(&v[0], &d[0], 4*vx, 4*vc, chans)
}

func winoOut4LAVX2Go(y []float32, ystride int, m []float32, mx, mc int, bias []float32, chans, count int) {
	b, bs := &winoZero, 0
	if bias != nil {
		b, bs = &bias[0], 4
	}
	winoOut4LAVX2(&y[0], &m[0], b, 4*mx, 4*mc, 4*ystride, bs, chans, count)
}
