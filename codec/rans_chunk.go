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
	per := rows * width
	cc.per = append(cc.per[:0], chunkPerChannel)
	if per == 0 {
		for range blocks {
			cc.per = append(cc.per, kindEmpty<<4)
		}
		return append(dst, cc.per...)
	}
	n := per * len(blocks)
	if cap(cc.sym) < n {
		cc.sym, cc.act, cc.ctx = make([]uint8, n), make([]uint8, n), make([]uint8, n)
	}
	sym, act := cc.sym[:n], cc.act[:n]
	cc.preds = cc.preds[:0]
	for ch, x := range blocks {
		s, a := sym[ch*per:(ch+1)*per], act[ch*per:(ch+1)*per]
		choice := cc.bc.analyse(x, s, a, rows, width)
		cc.per = cc.bc.appendChosen(cc.per, choice, s, a)
		cc.preds = append(cc.preds, byte(choice.p))
	}
	if len(blocks) < 2 {
		return append(dst, cc.per...)
	}
	cc.shr = cc.appendShared(cc.shr[:0], n, len(cc.per))
	if cc.shr != nil && len(cc.shr) < len(cc.per) {
		return append(dst, cc.shr...)
	}
	return append(dst, cc.per...)
}

// appendShared codes the n residual symbols that appendChunk left in
// cc.sym, each channel under the predictor it chose alone, with one set
// of contexts and tables. It returns nil without coding when its estimate
// says the result would not beat limit bytes.
func (cc *chunkCoder) appendShared(dst []byte, n, limit int) []byte {
	bc := &cc.bc
	sym, act, ctx := cc.sym[:n], cc.act[:n], cc.ctx[:n]
	var ahist [256]uint32
	for _, v := range act {
		ahist[v]++
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
	// The estimate is within a few bytes of the result; give it 1/64
	// of slack before skipping the work.
	if est := bestCost / (8 << 8); est > uint64(limit)+uint64(limit)/64 {
		return nil
	}
	k := len(thr) + 1
	bc.cnt = [maxCtx][256]uint32{}
	var ct [256]uint8
	ctxTable(thr, &ct)
	for i, s := range sym {
		c := ct[act[i]]
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
	_, thr, used, err := cc.bc.readContexts(src[1:])
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
		if err := cc.bc.decodeRANS(out[c*per:(c+1)*per], rows, width, int(preds[c]), thr, &st, buf, &r); err != nil {
			return fmt.Errorf("channel %d: %w", c, err)
		}
	}
	if st != ransL || r != len(buf) {
		return corruptf("rANS final state %#x with %d of %d bytes read", st, r, len(buf))
	}
	return nil
}
