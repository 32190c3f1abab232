package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestPackLUT4CodesLayout(t *testing.T) {
	const rows, subs = 70, 3
	codes := make([]uint8, rows*subs)
	for i := range codes {
		codes[i] = uint8(i*7+3) & 15
	}
	packed := make([]byte, LUT16CodesSize(rows, subs))
	if len(packed) != 3*subs*16 {
		t.Fatalf("size %d, want %d", len(packed), 3*subs*16)
	}
	PackLUT4Codes(packed, codes, rows, subs)
	code := func(r, s int) byte {
		if r >= rows {
			return 0
		}
		return codes[r*subs+s]
	}
	for blk := 0; blk < 3; blk++ {
		for s := 0; s < subs; s++ {
			for i := 0; i < 16; i++ {
				want := code(32*blk+i, s) | code(32*blk+16+i, s)<<4
				if got := packed[blk*subs*16+s*16+i]; got != want {
					t.Fatalf("block %d subspace %d byte %d: %#x, want %#x", blk, s, i, got, want)
				}
			}
		}
	}
}

func TestPackLUT4CodesRejects(t *testing.T) {
	mustPanic(t, "code 16", func() { PackLUT4Codes(make([]byte, 16), []uint8{16}, 1, 1) })
	mustPanic(t, "short dst", func() { PackLUT4Codes(make([]byte, 15), []uint8{1}, 1, 1) })
	mustPanic(t, "short codes", func() { PackLUT4Codes(make([]byte, 32), []uint8{1}, 1, 2) })
	mustPanic(t, "short out", func() { LUT16Accumulate(nil, make([]byte, 16), make([]int8, 16), 1, 1) })
	mustPanic(t, "short tables", func() { LUT16Accumulate(make([]int32, 1), make([]byte, 16), make([]int8, 15), 1, 1) })
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}

// TestLUT16Accumulate checks every kernel against a direct sum over the
// unpacked codes, on shapes around the 32-row block and the 2/4-subspace
// groups, past the 256-subspace int16 chunk, and with tables at the int8
// extremes, where a 16-bit accumulator would overflow without chunking.
func TestLUT16Accumulate(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	rowsList := []int{0, 1, 15, 16, 17, 31, 32, 33, 64, 95, 130}
	subsList := []int{0, 1, 2, 3, 4, 5, 6, 7, 9, 17, 255, 256, 257, 513, 600}
	if testing.Short() {
		subsList = []int{0, 1, 2, 3, 4, 5, 7, 9, 256, 257, 600}
	}
	saved := lut16Fn
	defer func() { lut16Fn = saved }()
	for _, rows := range rowsList {
		for _, subs := range subsList {
			for mode := 0; mode < 3; mode++ {
				codes := make([]uint8, rows*subs)
				for i := range codes {
					codes[i] = uint8(r.IntN(16))
				}
				tables := make([]int8, subs*16)
				for i := range tables {
					switch mode {
					case 0:
						tables[i] = int8(r.Uint32())
					case 1:
						tables[i] = -128
					case 2:
						tables[i] = 127
					}
				}
				want := make([]int32, rows)
				for row := range want {
					want[row] = int32(row) * 1000 // LUT16Accumulate adds to what is there
					for s := 0; s < subs; s++ {
						want[row] += int32(tables[s*16+int(codes[row*subs+s])])
					}
				}
				packed := make([]byte, LUT16CodesSize(rows, subs))
				PackLUT4Codes(packed, codes, rows, subs)
				for _, im := range lut16Family.available() {
					lut16Fn = im.fn
					off := (rows + subs) % 5
					full, out := guarded(rows, off, int32(-0x5a5a5a5a))
					for row := range out {
						out[row] = int32(row) * 1000
					}
					LUT16Accumulate(out, packed, tables, rows, subs)
					checkGuard(t, im.name, full, off, rows, int32(-0x5a5a5a5a))
					for row := range want {
						if out[row] != want[row] {
							t.Fatalf("%s rows=%d subspaces=%d mode=%d: out[%d] = %d, want %d", im.name, rows, subs, mode, row, out[row], want[row])
						}
					}
				}
			}
		}
	}
}

func TestQuantizeLUT16(t *testing.T) {
	src := []float32{0.5, -1.27, 0.01, 0, 1.27 / 2, -0.0049}
	dst := make([]int8, len(src))
	scale := QuantizeLUT16(dst, src)
	if want := float32(1.27 / 127); scale != want {
		t.Fatalf("scale %g, want %g", scale, want)
	}
	for i, v := range src {
		if d := float64(v) - float64(scale)*float64(dst[i]); d > float64(scale)/2*1.0001 || -d > float64(scale)/2*1.0001 {
			t.Fatalf("entry %d: %g quantised to %d*%g", i, v, dst[i], scale)
		}
	}
	if dst[1] != -127 {
		t.Fatalf("max magnitude maps to %d", dst[1])
	}
	if QuantizeLUT16(dst[:2], []float32{0, 0}) != 0 || dst[0] != 0 || dst[1] != 0 {
		t.Fatal("zero tables")
	}
}

func BenchmarkLUT16Accumulate(b *testing.B) {
	for _, sh := range [][2]int{{4096, 128}, {1024, 64}, {4096, 512}} {
		rows, subs := sh[0], sh[1]
		b.Run(fmt.Sprintf("%dx%d", rows, subs), func(b *testing.B) {
			r := rand.New(rand.NewPCG(7, 8))
			codes := make([]uint8, rows*subs)
			for i := range codes {
				codes[i] = uint8(r.IntN(16))
			}
			tables := make([]int8, subs*16)
			for i := range tables {
				tables[i] = int8(r.Uint32())
			}
			packed := make([]byte, LUT16CodesSize(rows, subs))
			PackLUT4Codes(packed, codes, rows, subs)
			out := make([]int32, rows)
			b.SetBytes(int64(len(packed)))
			for b.Loop() {
				LUT16Accumulate(out, packed, tables, rows, subs)
			}
			b.ReportMetric(float64(rows*subs)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Glookups/s")
		})
	}
}
