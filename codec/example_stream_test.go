package codec_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/edgerun/edgerun/codec"
)

// Encode a 1D latent as it is produced, then read it back chunk by chunk.
func ExampleEncoder() {
	h := &codec.Header{
		Config:      codec.Config{Dim: 1, Wavelet: "bior4.4", Levels: 5, Channels: 2, LatentChannels: 4, LatentBits: 8},
		Signal:      []int{0}, // streamed: the length is known at the end
		Pad:         [][2]int{{0, 0}},
		Latent:      []int{0},
		Streamed:    true,
		ChunkFrames: 256,
	}
	var stream bytes.Buffer
	enc, err := codec.NewEncoder(&stream, h)
	if err != nil {
		panic(err)
	}
	frames := make([]int8, 4*100) // [channels, 100 frames]
	for i := range frames {
		frames[i] = int8(i % 7)
	}
	for k := 0; k < 10; k++ { // 1000 frames in all, 100 at a time
		if err := enc.Write(frames, 100); err != nil {
			panic(err)
		}
	}
	enc.SetEnd(32000, 0)
	if err := enc.Close(); err != nil {
		panic(err)
	}

	dec, err := codec.NewDecoder(&stream, nil)
	if err != nil {
		panic(err)
	}
	for {
		ch, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			panic(err) // a *codec.ChunkError names the damaged chunk
		}
		fmt.Printf("chunk %d: frames %d..%d\n", ch.Index, ch.Start, ch.Start+ch.Frames)
	}
	fmt.Println("signal length", dec.Header().Signal[0])
	// Output:
	// chunk 0: frames 0..256
	// chunk 1: frames 256..512
	// chunk 2: frames 512..768
	// chunk 3: frames 768..1000
	// signal length 32000
}

// Write a latent as the reference's tiled PNG and read it back.
func ExampleWriteLatentPNG() {
	const channels, h, w = 12, 2, 3 // 12 = 3 colours × 2² tiles
	lat := make([]int8, channels*h*w)
	for i := range lat {
		lat[i] = int8(i - 36)
	}
	var png bytes.Buffer
	if err := codec.WriteLatentPNG(&png, lat, channels, h, w, 3, 8); err != nil {
		panic(err)
	}
	back, gh, gw, err := codec.ReadLatentPNG(&png, channels, 3, 8, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(gh, gw, bytes.Equal(int8s(back), int8s(lat)))
	// Output: 2 3 true
}

func int8s(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}
