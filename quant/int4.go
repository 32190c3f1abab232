package quant

import (
	"fmt"
	"math"

	"github.com/x448/float16"
)

// Int4BlockSize is the number of weights sharing one scale.
const Int4BlockSize = 32

// Int4 is a matrix in blocks of 32 consecutive weights of a row, each block
// with an f16 scale and, when asymmetric, a 4-bit zero point:
//
//	symmetric:  W ≈ scale · q,          q in [-8, 7]
//	asymmetric: W ≈ scale · (q − zero), q in [0, 15]
//
// Codes are packed two per byte, low nibble first. Rows are padded to whole
// blocks (padding codes decode to 0).
type Int4 struct {
	rows, cols int
	blocks     int // per row
	asym       bool
	Codes      []byte   // rows × blocks × 16 bytes
	Scales     []uint16 // f16, rows × blocks
	Zeros      []uint8  // rows × blocks, asymmetric only
}

// NewInt4 quantises w in blocks; asym adds a zero point per block, which
// suits weights whose blocks are not centred on zero.
func NewInt4(w []float32, rows, cols int, asym bool) (*Int4, error) {
	if err := checkDense(w, rows, cols); err != nil {
		return nil, err
	}
	nb := (cols + Int4BlockSize - 1) / Int4BlockSize
	q := &Int4{rows: rows, cols: cols, blocks: nb, asym: asym,
		Codes: make([]byte, rows*nb*Int4BlockSize/2), Scales: make([]uint16, rows*nb)}
	if asym {
		q.Zeros = make([]uint8, rows*nb)
	}
	var codes [Int4BlockSize]int
	for r := 0; r < rows; r++ {
		for b := 0; b < nb; b++ {
			c0 := b * Int4BlockSize
			blk := w[r*cols+c0 : r*cols+min(c0+Int4BlockSize, cols)]
			bi := r*nb + b
			codes = [Int4BlockSize]int{}
			if asym {
				lo, hi := float32(0), float32(0)
				for _, v := range blk {
					lo, hi = min(lo, v), max(hi, v)
				}
				s := f16Round((hi - lo) / 15)
				z := 0
				if s > 0 {
					z = clampInt(int(roundEven(-lo/s)), 0, 15)
					for i, v := range blk {
						codes[i] = clampInt(int(roundEven(v/s))+z, 0, 15)
					}
				}
				for i := len(blk); i < Int4BlockSize; i++ {
					codes[i] = z
				}
				q.Scales[bi] = float16.Fromfloat32(s).Bits()
				q.Zeros[bi] = uint8(z)
			} else {
				var amax float32
				for _, v := range blk {
					amax = max(amax, float32(math.Abs(float64(v))))
				}
				s := f16Round(amax / 7)
				if s > 0 {
					for i, v := range blk {
						codes[i] = clampInt(int(roundEven(v/s)), -8, 7)
					}
				}
				q.Scales[bi] = float16.Fromfloat32(s).Bits()
			}
			out := q.Codes[bi*Int4BlockSize/2:]
			for i := 0; i < Int4BlockSize; i += 2 {
				out[i/2] = byte(codes[i]&15) | byte(codes[i+1]&15)<<4
			}
		}
	}
	return q, nil
}

// f16Round returns the float32 value of x rounded to f16, so codes are
// chosen against the scale that will actually be stored.
func f16Round(x float32) float32 { return float16.Fromfloat32(x).Float32() }

// Rows implements Matrix.
func (q *Int4) Rows() int { return q.rows }

// Cols implements Matrix.
func (q *Int4) Cols() int { return q.cols }

// Encoding implements Matrix.
func (q *Int4) Encoding() string {
	if q.asym {
		return "int4-asym"
	}
	return "int4"
}

// Bytes implements Matrix: codes, f16 scales and, when asymmetric, 4-bit
// zero points.
func (q *Int4) Bytes() int {
	n := len(q.Codes) + 2*len(q.Scales)
	if q.asym {
		n += (len(q.Zeros) + 1) / 2
	}
	return n
}

// decodeBlock widens block bi into dst[:32].
func (q *Int4) decodeBlock(dst []float32, bi int) {
	s := float16.Frombits(q.Scales[bi]).Float32()
	src := q.Codes[bi*Int4BlockSize/2 : (bi+1)*Int4BlockSize/2]
	if q.asym {
		z := float32(q.Zeros[bi])
		for i, b := range src {
			dst[2*i] = (float32(b&15) - z) * s
			dst[2*i+1] = (float32(b>>4) - z) * s
		}
		return
	}
	for i, b := range src {
		dst[2*i] = float32(int8(b<<4)>>4) * s
		dst[2*i+1] = float32(int8(b)>>4) * s
	}
}

// Decode implements Matrix.
func (q *Int4) Decode(dst []float32) {
	var tmp [Int4BlockSize]float32
	for r := 0; r < q.rows; r++ {
		for b := 0; b < q.blocks; b++ {
			q.decodeBlock(tmp[:], r*q.blocks+b)
			c0 := b * Int4BlockSize
			copy(dst[r*q.cols+c0:r*q.cols+min(c0+Int4BlockSize, q.cols)], tmp[:])
		}
	}
}

// ScratchSize implements Matrix: one widened block. (A stack array would
// escape to the heap, since the dot kernel is called through a function
// value.)
func (q *Int4) ScratchSize(int) int { return Int4BlockSize }

// MatMul implements Matrix. Each 32-weight block is widened once and used
// for the whole batch, so W is never expanded beyond one block.
func (q *Int4) MatMul(y, x []float32, m int, scratch []float32) {
	tmp := scratch[:Int4BlockSize]
	for r := 0; r < q.rows; r++ {
		for i := 0; i < m; i++ {
			y[i*q.rows+r] = 0
		}
		for b := 0; b < q.blocks; b++ {
			q.decodeBlock(tmp[:], r*q.blocks+b)
			c0 := b * Int4BlockSize
			n := min(Int4BlockSize, q.cols-c0)
			for i := 0; i < m; i++ {
				y[i*q.rows+r] += dot(x[i*q.cols+c0:i*q.cols+c0+n], tmp[:n])
			}
		}
	}
}

func (q *Int4) String() string {
	return fmt.Sprintf("%s %d×%d (%d blocks/row)", q.Encoding(), q.rows, q.cols, q.blocks)
}

func float16Value(bits uint16) float32 { return float16.Frombits(bits).Float32() }
