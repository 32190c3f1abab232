package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every Seg8 and Unseg8 kernel this CPU has lays the row out as defined,
// for stretches around the kernels' blocks of eight, writes nothing past
// the row, and each undoes the other.
func TestSeg8(t *testing.T) {
	r := rand.New(rand.NewPCG(111, 112))
	for _, m := range []int{1, 2, 7, 8, 9, 12, 16, 17, 24, 96} {
		x := make([]float32, 8*m)
		for i := range x {
			x[i] = r.Float32()*2 - 1
		}
		want := make([]float32, 8*m)
		for j := range m {
			for l := range 8 {
				want[8*j+l] = x[l*m+j]
			}
		}
		for _, im := range seg8Family.available() {
			for _, un := range unseg8Family.available() {
				t.Run(fmt.Sprintf("%s/%s/%d", im.name, un.name, m), func(t *testing.T) {
					saved, savedUn := seg8Fn, unseg8Fn
					seg8Fn, unseg8Fn = im.fn, un.fn
					defer func() { seg8Fn, unseg8Fn = saved, savedUn }()
					got := make([]float32, 8*m+1)
					got[8*m] = f32Guard
					Seg8(got[:8*m], x)
					require.Equal(t, want, got[:8*m])
					require.Equal(t, f32Guard, got[8*m])
					back := make([]float32, 8*m+1)
					back[8*m] = f32Guard
					Unseg8(back[:8*m], got[:8*m])
					require.Equal(t, x, back[:8*m])
					require.Equal(t, f32Guard, back[8*m])
				})
			}
		}
	}
	require.Panics(t, func() { Seg8(make([]float32, 16), make([]float32, 12)) })
	require.Panics(t, func() { Unseg8(make([]float32, 8), make([]float32, 16)) })
}

// Every Unseg8Rows kernel this CPU has puts each row back in order as
// Unseg8 defines it, for one and several rows, stretches around the
// kernels' blocks of eight, and writes nothing past the rows.
func TestUnseg8Rows(t *testing.T) {
	r := rand.New(rand.NewPCG(115, 116))
	for _, m := range []int{1, 7, 8, 12, 17, 24, 96} {
		for _, rows := range []int{1, 3, 8} {
			w := 8 * m
			x := make([]float32, rows*w)
			for i := range x {
				x[i] = r.Float32()*2 - 1
			}
			want := make([]float32, len(x))
			for k := range rows {
				for j := range m {
					for l := range 8 {
						want[k*w+l*m+j] = x[k*w+8*j+l]
					}
				}
			}
			for _, un := range unseg8Family.available() {
				t.Run(fmt.Sprintf("%s/%dx%d", un.name, rows, m), func(t *testing.T) {
					saved := unseg8Fn
					unseg8Fn = un.fn
					defer func() { unseg8Fn = saved }()
					got := make([]float32, len(x)+1)
					got[len(x)] = f32Guard
					Unseg8Rows(got[:len(x)], x, w)
					require.Equal(t, want, got[:len(x)])
					require.Equal(t, f32Guard, got[len(x)])
				})
			}
		}
	}
	require.Panics(t, func() { Unseg8Rows(make([]float32, 24), make([]float32, 24), 12) })
	require.Panics(t, func() { Unseg8Rows(make([]float32, 24), make([]float32, 24), 16) })
	Unseg8(nil, nil)
}

// Every Lift97SegRows kernel this CPU has gives, lane-segmented, the bits
// that Lift97Row's kernel of the same level gives on the natural rows:
// so a transform that moves to the layout computes what it did before.
func TestLift97SegRows(t *testing.T) {
	r := rand.New(rand.NewPCG(113, 114))
	c := &testLift97
	rows := 3
	for _, w := range []int{32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 272, 384, 768} {
		x := make([]float32, rows*w)
		for i := range x {
			x[i] = r.Float32()*2 - 1
		}
		seg := make([]float32, len(x))
		for k := 0; k < len(x); k += w {
			seg8Generic(seg[k:k+w], x[k:k+w], w/8)
		}
		for _, im := range lift97SegRowsFamily.available() {
			var row func(lo, hi, x, e, o []float32, c *[4]float32)
			for _, ri := range lift97RowFamily.available() {
				if ri.name == im.name {
					row = ri.fn
				}
			}
			require.NotNil(t, row, "no Lift97Row kernel %s", im.name)
			t.Run(fmt.Sprintf("%s/%d", im.name, w), func(t *testing.T) {
				saved := lift97SegRowsFn
				lift97SegRowsFn = im.fn
				defer func() { lift97SegRowsFn = saved }()
				got := make([]float32, len(x)+1)
				got[len(x)] = f32Guard
				Lift97SegRows(got[:len(x)], seg, w, c)
				require.Equal(t, f32Guard, got[len(x)])
				e, o := make([]float32, w/2+4), make([]float32, w/2+4)
				lo, hi := make([]float32, w/2), make([]float32, w/2)
				nat := make([]float32, w/2)
				for k := 0; k < len(x); k += w {
					row(lo, hi, x[k:k+w], e, o, c)
					unseg8Generic(nat, got[k:k+w/2], w/16, 1)
					require.Equal(t, lo, nat, "low band of row %d", k/w)
					unseg8Generic(nat, got[k+w/2:k+w], w/16, 1)
					require.Equal(t, hi, nat, "high band of row %d", k/w)
				}
			})
		}
	}
	for _, w := range []int{16, 40, 30} {
		require.Panics(t, func() { Lift97SegRows(make([]float32, 2*w), make([]float32, 2*w), w, c) }, "w=%d", w)
	}
	require.Panics(t, func() { Lift97SegRows(make([]float32, 32), make([]float32, 64), 32, c) })
}
