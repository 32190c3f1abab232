package codec

import (
	"encoding/binary"
	"fmt"
)

// A chunk payload codes the blocks of all channels for a run of frames,
// in one of two modes, whichever is smaller:
//
//   - chunkPerChannel: each channel a block of its own (appendBlock), with
//     its own predictor, contexts and tables. Best when channels differ
//     and blocks are long enough to pay for their tables.
//   - chunkShared: one set of contexts and tables for all channels, each
//     channel with its own predictor, one rANS stream. Companded latents
//     have similar distributions in every channel, so for short blocks
//     sharing the tables saves more than it costs.
const (
	chunkPerChannel = 0
	chunkShared     = 1
)

// chunkCoder is the per-stream scratch of chunk coding.
type chunkCoder struct {
	bc       blockCoder
	per, shr []byte
	sym, act []uint8
	ctx      []uint8
	preds    []byte
	out      []byte
}

// appendChunk codes blocks (one per channel, rows × width each) onto dst.
func (cc *chunkCoder) appendChunk(dst []byte, blocks [][]int8, rows, width int) []byte {
	cc.per = append(cc.per[:0], chunkPerChannel)
	for _, x := range blocks {
		cc.per = cc.bc.appendBlock(cc.per, x, rows, width)
	}
	if len(blocks) < 2 || rows*width == 0 {
		return append(dst, cc.per...)
	}
	cc.shr = cc.appendShared(cc.shr[:0], blocks, rows, width)
	if len(cc.shr) < len(cc.per) {
		return append(dst, cc.shr...)
	}
	return append(dst, cc.per...)
}

func (cc *chunkCoder) appendShared(dst []byte, blocks [][]int8, rows, width int) []byte {
	bc := &cc.bc
	per := rows * width
	n := per * len(blocks)
	if cap(cc.sym) < n {
		cc.sym, cc.act, cc.ctx = make([]uint8, n), make([]uint8, n), make([]uint8, n)
	}
	sym, act, ctx := cc.sym[:n], cc.act[:n], cc.ctx[:n]
	cc.preds = cc.preds[:0]
	preds := numPred
	if width == 1 || rows == 1 {
		preds = 2
	}
	var ahist [256]uint32
	var count, freq [256]uint32
	for ch, x := range blocks {
		s, a := sym[ch*per:(ch+1)*per], act[ch*per:(ch+1)*per]
		for i := 0; i < rows; i++ {
			for j := 0; j < width; j++ {
				na, nb, nc, nd := nbrs(x, i, j, width)
				v := activityOf(na, nb, nc, nd, width)
				a[i*width+j] = v
				ahist[v]++
			}
		}
		// The predictor that suits this channel alone suits it in the
		// shared tables too, near enough.
		best, bestCost := 0, ^uint64(0)
		for p := 0; p < preds; p++ {
			residuals(s, x, rows, width, p)
			count = [256]uint32{}
			for _, v := range s {
				count[v]++
			}
			sb := scaleBitsFor(per)
			normalize(&count, per, sb, &freq)
			if per < 2 || count[s[0]] == uint32(per) {
				best = p
				break
			}
			if c := estimate(&count, &freq, sb); c < bestCost {
				best, bestCost = p, c
			}
		}
		residuals(s, x, rows, width, best)
		cc.preds = append(cc.preds, byte(best))
	}
	var thr []uint8
	bestCost := ^uint64(0)
	for _, k := range []int{1, 2, 4} {
		t := thresholds(&ahist, n, k)
		if len(t)+1 < k {
			continue
		}
		if c := bc.contextCost(sym, act, t); c < bestCost {
			thr, bestCost = t, c
		}
	}
	k := len(thr) + 1
	bc.cnt = [maxCtx][256]uint32{}
	for i, s := range sym {
		c := ctxOf(act[i], thr)
		ctx[i] = c
		bc.cnt[c][s]++
	}
	dst = append(dst, chunkShared, byte(k))
	dst = append(dst, thr...)
	dst = bc.appendTables(dst, k)
	dst = append(dst, cc.preds...)

	if cap(cc.out) < 2*n+8 {
		cc.out = make([]byte, 2*n+8)
	}
	out := cc.out[:2*n+8]
	pos := bc.encodeRANS(out, sym, ctx)
	dst = binary.AppendUvarint(dst, uint64(len(out)-pos))
	return append(dst, out[pos:]...)
}

// decodeChunk decodes a chunk payload into out, channel-major
// [channels, rows, width].
func (cc *chunkCoder) decodeChunk(src []byte, out []int8, channels, rows, width int) error {
	per := rows * width
	if len(src) < 1 {
		return corruptf("chunk mode missing")
	}
	switch src[0] {
	case chunkPerChannel:
		pos := 1
		for c := 0; c < channels; c++ {
			n, err := cc.bc.decodeBlock(src[pos:], out[c*per:(c+1)*per], rows, width)
			if err != nil {
				return fmt.Errorf("channel %d: %w", c, err)
			}
			pos += n
		}
		if pos != len(src) {
			return corruptf("%d bytes after the last channel", len(src)-pos)
		}
		return nil
	case chunkShared:
	default:
		return corruptf("unknown chunk mode %d", src[0])
	}
	if per == 0 {
		return corruptf("shared tables for an empty chunk")
	}
	k, thr, used, err := cc.bc.readContexts(src[1:])
	if err != nil {
		return err
	}
	pos := 1 + used
	if len(src)-pos < channels {
		return corruptf("predictors truncated")
	}
	preds := src[pos : pos+channels]
	for c, p := range preds {
		if p >= numPred {
			return corruptf("channel %d: unknown predictor %d", c, p)
		}
	}
	pos += channels
	ln, m := binary.Uvarint(src[pos:])
	if m <= 0 {
		return corruptf("rANS length unreadable")
	}
	pos += m
	if ln < 4 || ln != uint64(len(src)-pos) || ln > uint64(2*per*channels+8) {
		return corruptf("rANS length %d with %d bytes left", ln, len(src)-pos)
	}
	buf := src[pos:]
	st, r := binary.LittleEndian.Uint32(buf), 4
	for c := 0; c < channels; c++ {
		if err := cc.bc.decodeRANS(out[c*per:(c+1)*per], rows, width, int(preds[c]), k, thr, &st, buf, &r); err != nil {
			return fmt.Errorf("channel %d: %w", c, err)
		}
	}
	if st != ransL || r != len(buf) {
		return corruptf("rANS final state %#x with %d of %d bytes read", st, r, len(buf))
	}
	return nil
}
