package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgerun/edgerun/codec"
	"github.com/edgerun/edgerun/codec/signal"
	"github.com/edgerun/edgerun/models/builder"
	"github.com/edgerun/edgerun/models/pth"
	"github.com/edgerun/edgerun/models/walloc"
	"github.com/edgerun/edgerun/runtime"
)

func init() {
	register(&command{name: "encode", summary: "encode an image or WAV into a compact, checked latent bitstream", run: runEncode})
	register(&command{name: "decode", summary: "decode a latent bitstream back to an image or WAV", run: runDecode})
}

// loadedCodec is a WaLLoC codec and the hash that ties streams to it.
type loadedCodec struct {
	m    *walloc.Model
	hash [32]byte
	name string
}

// loadCodec reads PREFIX.pth and PREFIX.json, or the embedded Fashion-MNIST
// codec when prefix is empty.
func loadCodec(prefix string) (*loadedCodec, error) {
	var pthBytes, cfgBytes []byte
	var err error
	name := prefix
	if prefix == "" {
		pthBytes, cfgBytes, err = defaultCodecFiles()
		name = "default (Fashion-MNIST, 28x28 grayscale)"
	} else {
		prefix = strings.TrimSuffix(strings.TrimSuffix(prefix, ".pth"), ".json")
		if pthBytes, err = readLimited(prefix+".pth", 1<<30); err == nil {
			cfgBytes, err = readLimited(prefix+".json", 1<<16)
		}
	}
	if err != nil {
		return nil, err
	}
	cfg, err := walloc.ParseConfig(cfgBytes)
	if err != nil {
		return nil, err
	}
	ck, err := pth.Read(bytes.NewReader(pthBytes), int64(len(pthBytes)), pth.Limits{})
	if err != nil {
		return nil, err
	}
	m, err := walloc.FromCheckpoint(cfg, ck)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(cfgBytes)
	h.Write(pthBytes)
	c := &loadedCodec{m: m, name: name}
	copy(c.hash[:], h.Sum(nil))
	return c, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return b, nil
}

// runOnce opens a model built in memory, runs it at batch 1 with in
// copied to its input, and returns a copy of its output.
func runOnce(f *runtime.File, fill func(*runtime.Tensor) error) (*runtime.Tensor, error) {
	var buf bytes.Buffer
	if err := f.Encode(&buf); err != nil {
		return nil, err
	}
	m, err := runtime.OpenBytes(buf.Bytes())
	if err != nil {
		return nil, err
	}
	defer m.Close()
	s, err := m.NewSession()
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := fill(s.Input(0)); err != nil {
		return nil, err
	}
	if err := s.Run(context.Background()); err != nil {
		return nil, err
	}
	o := s.Output(0)
	out, err := runtime.NewTensor(o.DType(), o.Shape()...)
	if err != nil {
		return nil, err
	}
	copy(out.Bytes(), o.Bytes())
	return out, nil
}

type codecResult struct {
	Input       string  `json:"input"`
	Output      string  `json:"output"`
	Codec       string  `json:"codec"`
	Signal      []int   `json:"signal_shape"`
	Latent      []int   `json:"latent_shape"`
	InputBytes  int64   `json:"signal_bytes"` // uncompressed: 8-bit pixels or 16-bit samples
	StreamBytes int64   `json:"stream_bytes"`
	Ratio       float64 `json:"compression_ratio"`
	PSNR        float64 `json:"psnr_db,omitempty"`
}

func runEncode(env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "encode", "[--codec PREFIX] [--json] -o OUT.elc INPUT (image or .wav, - for stdin)")
	codecPath := fs.String("codec", "", "WaLLoC codec: PREFIX.pth + PREFIX.json (default: the embedded Fashion-MNIST codec)")
	out := fs.String("o", "", "output bitstream file (- for stdout)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *out == "" {
		return usagef("want -o OUT and exactly one input")
	}
	c, err := loadCodec(*codecPath)
	if err != nil {
		return err
	}
	in, closeIn, err := openInput(env, fs.Arg(0))
	if err != nil {
		return err
	}
	defer closeIn()
	br := bufio.NewReaderSize(in, 1<<16)
	head, _ := br.Peek(12)
	if isWAV(fs.Arg(0), head) {
		return encodeWAV(env, c, br, fs.Arg(0), *out, *asJSON)
	}
	raw, err := io.ReadAll(io.LimitReader(br, 1<<30+1))
	if err != nil {
		return err
	}
	if len(raw) > 1<<30 {
		return fmt.Errorf("%s: larger than 1 GiB", fs.Arg(0))
	}
	cfg := c.m.Config
	var size []int
	var rawBytes int64 // the signal uncompressed: 8-bit pixels, 16-bit samples
	var fill func(*runtime.Tensor) error
	{
		img, err := signal.ReadImage(bytes.NewReader(raw), signal.Limits{})
		if err != nil {
			return err
		}
		if cfg.Dims() != 2 || img.C != cfg.Channels {
			return fmt.Errorf("the codec takes %d-D signals with %d channels; %s is an image with %d", cfg.Dims(), cfg.Channels, fs.Arg(0), img.C)
		}
		size = []int{img.H, img.W}
		rawBytes = int64(len(img.Pix))
		fill = func(t *runtime.Tensor) error {
			x := t.F32()
			for i, p := range img.Pix {
				x[i] = float32(p)/255 - 0.5 // WaLLoC's input scaling
			}
			return nil
		}
	}
	f, err := builder.WaLLoCEncoder(c.m, size...)
	if err != nil {
		return err
	}
	lat, err := runOnce(f, fill)
	if err != nil {
		return err
	}
	h := &codec.Header{
		Config: codec.Config{Dim: cfg.Dims(), Wavelet: "bior4.4", Levels: cfg.J, Channels: cfg.Channels,
			LatentChannels: cfg.LatentDim, LatentBits: cfg.LatentBits},
		ModelHash: c.hash,
		Signal:    size,
		Latent:    lat.Shape()[2:],
	}
	for _, n := range size {
		b, a := codec.Padding(n, 1<<cfg.J)
		h.Pad = append(h.Pad, [2]int{b, a})
	}
	var stream bytes.Buffer
	if err := codec.Encode(&stream, h, lat.S8()); err != nil {
		return err
	}
	if err := writeOutput(env, *out, stream.Bytes()); err != nil {
		return err
	}
	r := codecResult{Input: fs.Arg(0), Output: *out, Codec: c.name, Signal: size, Latent: lat.Shape()[1:],
		InputBytes: rawBytes, StreamBytes: int64(stream.Len())}
	r.Ratio = float64(r.InputBytes) / float64(r.StreamBytes)
	return reportCodec(env, *out, *asJSON, &r)
}

func reportCodec(env *cmdEnv, out string, asJSON bool, r *codecResult) error {
	w := env.stdout
	if out == "-" {
		w = env.stderr // keep the stream clean
	}
	if asJSON {
		return writeJSON(&cmdEnv{stdout: w}, r)
	}
	fmt.Fprintf(w, "%s -> %s: signal %d bytes, stream %d bytes (%.1fx), latent %v", r.Input, r.Output, r.InputBytes, r.StreamBytes, r.Ratio, r.Latent)
	if r.PSNR != 0 {
		fmt.Fprintf(w, ", PSNR %.2f dB", r.PSNR)
	}
	fmt.Fprintln(w)
	return nil
}

func runDecode(env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "decode", "[--codec PREFIX] [--original FILE] [--json] -o OUT.(png|pgm|wav) IN.elc")
	codecPath := fs.String("codec", "", "WaLLoC codec that made the stream (default: the embedded Fashion-MNIST codec)")
	out := fs.String("o", "", "output file: .png or .pgm for images, .wav for audio (- for stdout)")
	orig := fs.String("original", "", "the original signal, to report PSNR")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *out == "" {
		return usagef("want -o OUT and exactly one stream")
	}
	c, err := loadCodec(*codecPath)
	if err != nil {
		return err
	}
	raw, err := readInput(env, fs.Arg(0))
	if err != nil {
		return err
	}
	st, err := codec.Decode(bytes.NewReader(raw), nil)
	if err != nil {
		return err
	}
	h := st.Header
	if h.ModelHash != c.hash {
		return fmt.Errorf("%s was made by another codec (model hash %x…, this codec %x…); pass the one that made it with --codec", fs.Arg(0), h.ModelHash[:4], c.hash[:4])
	}
	if h.Config.Dim != 2 {
		return fmt.Errorf("%s holds a 1-D stream; this codec class has no linear decoder for it", fs.Arg(0))
	}
	f, err := builder.WaLLoCDecoder(c.m, h.Signal...)
	if err != nil {
		return err
	}
	rec, err := runOnce(f, func(t *runtime.Tensor) error {
		if len(t.S8()) != len(st.Latent) {
			return fmt.Errorf("stream holds %d latent values, the decoder takes %d", len(st.Latent), len(t.S8()))
		}
		copy(t.S8(), st.Latent)
		return nil
	})
	if err != nil {
		return err
	}
	img := &signal.Image{C: c.m.Config.Channels, H: h.Signal[0], W: h.Signal[1]}
	img.Pix = make([]uint8, len(rec.F32()))
	for i, v := range rec.F32() {
		img.Pix[i] = uint8(math.Round(math.Max(0, math.Min(255, float64(v+0.5)*255))))
	}
	var enc bytes.Buffer
	if strings.EqualFold(filepath.Ext(*out), ".pgm") || strings.EqualFold(filepath.Ext(*out), ".ppm") {
		err = signal.WritePGM(&enc, img)
	} else {
		err = png.Encode(&enc, toImage(img))
	}
	if err != nil {
		return err
	}
	if err := writeOutput(env, *out, enc.Bytes()); err != nil {
		return err
	}
	r := codecResult{Input: fs.Arg(0), Output: *out, Codec: c.name, Signal: h.Signal,
		Latent: append([]int{h.Config.LatentChannels}, h.Latent...), InputBytes: int64(len(img.Pix)), StreamBytes: int64(len(raw))}
	r.Ratio = float64(r.InputBytes) / float64(r.StreamBytes)
	if *orig != "" {
		ob, err := readLimited(*orig, 1<<30)
		if err != nil {
			return err
		}
		o, err := signal.ReadImage(bytes.NewReader(ob), signal.Limits{})
		if err != nil {
			return err
		}
		if o.W != img.W || o.H != img.H || o.C != img.C {
			return fmt.Errorf("--original is %dx%dx%d, the decoded image %dx%dx%d", o.W, o.H, o.C, img.W, img.H, img.C)
		}
		r.PSNR = psnr(o.Pix, img.Pix)
	}
	return reportCodec(env, *out, *asJSON, &r)
}

func psnr(a, b []uint8) float64 {
	var se float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		se += d * d
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(se/float64(len(a))))
}

func toImage(img *signal.Image) image.Image {
	plane := img.W * img.H
	if img.C == 1 {
		g := image.NewGray(image.Rect(0, 0, img.W, img.H))
		copy(g.Pix, img.Pix)
		return g
	}
	rgba := image.NewNRGBA(image.Rect(0, 0, img.W, img.H))
	for p := 0; p < plane; p++ {
		rgba.Pix[4*p+3] = 255
		for c := 0; c < min(img.C, 3); c++ {
			rgba.Pix[4*p+c] = img.Pix[c*plane+p]
		}
	}
	return rgba
}

func isWAV(name string, b []byte) bool {
	return strings.EqualFold(filepath.Ext(name), ".wav") || len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE"
}

// readInput reads a file, or stdin for "-", bounded to 1 GiB.
func readInput(env *cmdEnv, path string) ([]byte, error) {
	if path == "-" {
		b, err := io.ReadAll(io.LimitReader(env.stdin, 1<<30+1))
		if err == nil && len(b) > 1<<30 {
			err = fmt.Errorf("stdin: more than 1 GiB")
		}
		return b, err
	}
	return readLimited(path, 1<<30)
}

// writeOutput writes stdout for "-", otherwise a file atomically.
func writeOutput(env *cmdEnv, path string, b []byte) error {
	w, err := createOutput(env, path)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		w.abort()
		return err
	}
	return w.commit()
}

// output is stdout, or a temporary file beside the destination that
// commit syncs and renames over it, so an interrupted or failed run never
// leaves half a file and never replaces a good one.
type output struct {
	io.Writer
	tmp  *os.File
	path string
}

func createOutput(env *cmdEnv, path string) (*output, error) {
	if path == "-" {
		return &output{Writer: env.stdout}, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, err
	}
	return &output{Writer: tmp, tmp: tmp, path: path}, nil
}

func (o *output) commit() error {
	if o.tmp == nil {
		return nil
	}
	err := o.tmp.Sync()
	if cerr := o.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(o.tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(o.tmp.Name(), o.path)
	}
	if err != nil {
		os.Remove(o.tmp.Name())
	}
	return err
}

func (o *output) abort() {
	if o.tmp != nil {
		o.tmp.Close()
		os.Remove(o.tmp.Name())
	}
}

// openInput opens a file, or stdin for "-".
func openInput(env *cmdEnv, path string) (io.Reader, func(), error) {
	if path == "-" {
		return env.stdin, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// encodeWAV streams audio through a 1-D codec: the signal is cut into
// segments of a fixed length (a multiple of 2^J), each encoded by one
// session and appended to the stream chunk by chunk, so memory stays flat
// however long the recording (a microphone on stdin, say). The last
// segment is zero-padded; the stream's end chunk records the true length.
func encodeWAV(env *cmdEnv, c *loadedCodec, r io.Reader, name, out string, asJSON bool) error {
	cfg := c.m.Config
	wr, err := signal.NewWAVReader(r, signal.Limits{})
	if err != nil {
		return err
	}
	if cfg.Dims() != 1 || wr.Format.Channels != cfg.Channels {
		return fmt.Errorf("the codec takes %d-D signals with %d channels; %s has %d audio channels", cfg.Dims(), cfg.Channels, name, wr.Format.Channels)
	}
	seg := 128 << cfg.J
	f, err := builder.WaLLoCEncoder(c.m, seg)
	if err != nil {
		return err
	}
	var mb bytes.Buffer
	if err := f.Encode(&mb); err != nil {
		return err
	}
	m, err := runtime.OpenBytes(mb.Bytes())
	if err != nil {
		return err
	}
	defer m.Close()
	s, err := m.NewSession()
	if err != nil {
		return err
	}
	defer s.Close()
	x, lat := s.Input(0).F32(), s.Output(0)
	frames := lat.Shape()[2]
	dst, err := createOutput(env, out)
	if err != nil {
		return err
	}
	counted := &countingWriter{w: dst}
	enc, err := codec.NewEncoder(counted, &codec.Header{
		Config: codec.Config{Dim: 1, Wavelet: "bior4.4", Levels: cfg.J, Channels: cfg.Channels,
			LatentChannels: cfg.LatentDim, LatentBits: cfg.LatentBits},
		ModelHash: c.hash, Streamed: true,
		Signal: []int{0}, Pad: [][2]int{{0, 0}}, Latent: []int{0},
	})
	if err != nil {
		dst.abort()
		return err
	}
	buf := make([][]float32, cfg.Channels)
	for ch := range buf {
		buf[ch] = make([]float32, seg)
	}
	total, latFrames, last := 0, 0, seg
	for {
		n, rerr := wr.Read(buf)
		if n > 0 {
			for ch := range buf {
				clear(buf[ch][n:])
				copy(x[ch*seg:], buf[ch])
			}
			if err := s.Run(context.Background()); err != nil {
				dst.abort()
				return err
			}
			if err := enc.Write(lat.S8(), frames); err != nil {
				dst.abort()
				return err
			}
			total, latFrames, last = total+n, latFrames+frames, n
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			dst.abort()
			return rerr
		}
	}
	enc.SetEnd(total, seg-last)
	if err := enc.Close(); err != nil {
		dst.abort()
		return err
	}
	if err := dst.commit(); err != nil {
		return err
	}
	res := codecResult{Input: name, Output: out, Codec: c.name, Signal: []int{total},
		Latent: []int{cfg.LatentDim, latFrames}, InputBytes: int64(2 * cfg.Channels * total), StreamBytes: counted.n}
	res.Ratio = float64(res.InputBytes) / float64(max(res.StreamBytes, 1))
	return reportCodec(env, out, asJSON, &res)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
