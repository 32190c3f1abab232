// Command edgebench is edgerun's side of bench/peers.sh: it times one
// computation through edgerun's own packages and prints one JSON line, so
// the harness can set it beside the same computation in a peer runtime.
//
//	edgebench gemm   -kind f32|u8i8 -m M -n N -k K [-packed] [-threads T] [-time D]
//	edgebench encode -pth CODEC.pth -config CODEC.json -input X.npy [-threads T] [-time D]
//	edgebench model  -model FILE.edgerun [-batch B] [-threads T] [-time D]
//
// gemm runs simd.Sgemm (B unpacked per call, as NumPy's matmul does, or
// packed once with -packed, as ONNX Runtime does with a constant B) or the
// uint8×int8 GEMM with B packed once (as ONNX Runtime's MatMulInteger does),
// splitting the columns of C over T goroutines.
//
// encode runs the WaLLoC encoder of an imported checkpoint on an NCHW
// float32 input: the bior4.4 wavelet packet transform with the 1x1 projection
// folded in (codec.WPT2D.ForwardProject, as the runtime runs it), and companding
// to int8 latents (codec.Compander). With T > 1 it encodes T copies of the
// input at once, one goroutine each, and reports the time per image.
//
// model opens an edgerun file with the runtime (the load time is Open plus
// NewSession), fills the inputs with the fixed pattern bench/peers/ort_bench.js
// uses, and times Session.Run with T intra-op threads; it also reports the
// process's peak RSS.
//
// Timing: after a warm-up, calls repeat until the time budget is spent; the
// output gives the median wall time per call and the process CPU time per
// call (user+system over the whole timed loop divided by calls), the
// figure least moved by other load on a shared machine.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/edgerun/edgerun/codec"
	"github.com/edgerun/edgerun/internal/npy"
	"github.com/edgerun/edgerun/models/walloc"
	"github.com/edgerun/edgerun/runtime"
	"github.com/edgerun/edgerun/simd"
)

type result struct {
	What    string  `json:"what"`
	Threads int     `json:"threads"`
	Calls   int     `json:"calls"`
	MedMs   float64 `json:"median_ms"`
	MinMs   float64 `json:"min_ms"`
	CPUMs   float64 `json:"cpu_ms_per_call"`
	Work    float64 `json:"work_per_call"` // FLOPs / ops / pixels per call
	Kernel  string  `json:"kernel,omitempty"`
	Level   string  `json:"simd_level"`
	LoadMs  float64 `json:"load_ms,omitempty"`
	PeakRSS int64   `json:"peak_rss_bytes,omitempty"`
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs f for the budget (at least 5 calls) after 2 warm-up calls.
func measure(budget time.Duration, f func()) (med, min, cpu float64, n int) {
	f()
	f()
	var t []float64
	c0, w0 := cpuTime(), time.Now()
	for len(t) < 5 || time.Since(w0) < budget {
		a := time.Now()
		f()
		t = append(t, float64(time.Since(a))/1e6)
	}
	cpu = float64(cpuTime()-c0) / 1e6 / float64(len(t))
	sort.Float64s(t)
	return t[len(t)/2], t[0], cpu, len(t)
}

// parallel runs f(part) for parts 0..t-1 on t goroutines and waits.
func parallel(t int, f func(part int)) {
	if t == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for p := 0; p < t; p++ {
		wg.Add(1)
		go func() { defer wg.Done(); f(p) }()
	}
	wg.Wait()
}

// split gives part p of t of [0, n) in multiples of align.
func split(n, t, p, align int) (int, int) {
	blocks := (n + align - 1) / align
	lo, hi := blocks*p/t*align, blocks*(p+1)/t*align
	return min(lo, n), min(hi, n)
}

func gemm(args []string) (*result, error) {
	fs := flag.NewFlagSet("gemm", flag.ContinueOnError)
	kind := fs.String("kind", "f32", "f32 or u8i8")
	m := fs.Int("m", 512, "rows of A and C")
	n := fs.Int("n", 512, "columns of B and C")
	k := fs.Int("k", 512, "columns of A, rows of B")
	packed := fs.Bool("packed", false, "f32: pack B once (constant weights)")
	threads := fs.Int("threads", 1, "goroutines")
	budget := fs.Duration("time", time.Second, "time budget")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if *m <= 0 || *n <= 0 || *k <= 0 || *threads <= 0 {
		return nil, errors.New("gemm: sizes and threads must be positive")
	}
	M, N, K, T := *m, *n, *k, *threads
	rng := rand.New(rand.NewPCG(1, 2))
	r := &result{Threads: T, Level: simd.Active().String()}
	switch *kind {
	case "f32":
		a := make([]float32, M*K)
		b := make([]float32, K*N)
		c := make([]float32, M*N)
		for i := range a {
			a[i] = float32(rng.NormFloat64())
		}
		for i := range b {
			b[i] = float32(rng.NormFloat64())
		}
		r.Work = 2 * float64(M) * float64(N) * float64(K)
		var f func()
		if *packed {
			pb := simd.PackB(false, K, N, b, N)
			r.What = "sgemm-packed"
			f = func() {
				parallel(T, func(p int) {
					j0, j1 := split(N, T, p, 64)
					if j1 > j0 {
						simd.SgemmPackedRange(false, M, j0, j1, 1, a, K, pb, 0, c, N, nil)
					}
				})
			}
		} else {
			r.What = "sgemm"
			f = func() {
				parallel(T, func(p int) {
					j0, j1 := split(N, T, p, 64)
					if j1 > j0 {
						simd.Sgemm(false, false, M, j1-j0, K, 1, a, K, b[j0:], N, 0, c[j0:], N)
					}
				})
			}
		}
		r.MedMs, r.MinMs, r.CPUMs, r.Calls = measure(*budget, f)
	case "u8i8":
		a := make([]uint8, M*K)
		b := make([]int8, K*N)
		c := make([]int32, M*N)
		for i := range a {
			a[i] = uint8(rng.IntN(256))
		}
		for i := range b {
			b[i] = int8(rng.IntN(255) - 127)
		}
		pb := simd.PackI8B(K, N, b, N, false)
		r.What, r.Kernel = "gemm-u8i8", pb.Kernel()
		r.Work = 2 * float64(M) * float64(N) * float64(K)
		r.MedMs, r.MinMs, r.CPUMs, r.Calls = measure(*budget, func() {
			parallel(T, func(p int) {
				j0, j1 := split(N, T, p, 64)
				if j1 > j0 {
					simd.GemmU8I8Cols(M, a, K, 0, pb, c, N, j0, j1)
				}
			})
		})
	default:
		return nil, fmt.Errorf("gemm: unknown kind %q", *kind)
	}
	return r, nil
}

// encoder is one goroutine's planned encoder: all buffers allocated once.
type encoder struct {
	wpt     *codec.WPT2D
	pr      *codec.Projection
	comp    codec.Compander
	x       []float32
	scratch []float32
	proj    []float32
	lat     []int8
	latent  int
}

func newEncoder(md *walloc.Model, x []float32, c, h, w int) (*encoder, error) {
	cfg := md.Config
	if md.Arch != walloc.LinearCodec2D && md.EncoderPadding != 0 {
		return nil, errors.New("encode: only 2D codecs without encoder padding")
	}
	wpt, err := codec.NewWPT2D(codec.Bior44, 1, c, h, w, cfg.J)
	if err != nil {
		return nil, err
	}
	lat := len(md.EncoderBias)
	// proj[o][p] = sum_i W[o][i] bands[i][p] + b[o], each row of bands
	// projected as the transform emits it.
	pr, err := wpt.NewProjection(md.EncoderWeight, md.EncoderBias, lat)
	if err != nil {
		return nil, err
	}
	comp, err := codec.NewCompander(cfg.LatentBits)
	if err != nil {
		return nil, err
	}
	n := wpt.ProjectLen(pr)
	return &encoder{
		wpt: wpt, pr: pr, comp: comp, x: x, latent: lat,
		scratch: make([]float32, wpt.ProjectScratchLen()),
		proj:    make([]float32, n),
		lat:     make([]int8, n),
	}, nil
}

func (e *encoder) run() {
	if err := e.wpt.ForwardProject(e.proj, e.x, e.pr, e.scratch); err != nil {
		panic(err)
	}
	e.comp.Quantize(e.lat, e.proj)
}

func encode(args []string) (*result, error) {
	fs := flag.NewFlagSet("encode", flag.ContinueOnError)
	pth := fs.String("pth", "", "WaLLoC checkpoint (.pth)")
	cfgPath := fs.String("config", "", "its JSON config")
	input := fs.String("input", "", "NCHW float32 .npy input (N=1)")
	out := fs.String("out", "", "write the int8 latents of the input here (.npy)")
	threads := fs.Int("threads", 1, "images encoded at once, one goroutine each")
	budget := fs.Duration("time", time.Second, "time budget")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if *threads <= 0 {
		return nil, errors.New("encode: threads must be positive")
	}
	md, err := walloc.Load(*pth, *cfgPath)
	if err != nil {
		return nil, err
	}
	arr, err := npy.ReadFile(*input)
	if err != nil {
		return nil, err
	}
	x, err := arr.Float32()
	if err != nil {
		return nil, err
	}
	if len(arr.Shape) != 4 || arr.Shape[0] != 1 {
		return nil, fmt.Errorf("encode: input shape %v, want [1,C,H,W]", arr.Shape)
	}
	c, h, w := arr.Shape[1], arr.Shape[2], arr.Shape[3]
	if c != md.Config.Channels {
		return nil, fmt.Errorf("encode: input has %d channels, codec %d", c, md.Config.Channels)
	}
	encs := make([]*encoder, *threads)
	for i := range encs {
		xi := append([]float32(nil), x...)
		if encs[i], err = newEncoder(md, xi, c, h, w); err != nil {
			return nil, err
		}
	}
	if *out != "" {
		encs[0].run()
		e := encs[0]
		_, _, oh, ow := e.wpt.OutShape()
		f, err := os.Create(*out)
		if err != nil {
			return nil, err
		}
		if err := npy.Write(f, npy.FromInt8(e.lat, 1, e.latent, oh, ow)); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
	}
	r := &result{What: "walloc-encode", Threads: *threads, Level: simd.Active().String(), Work: float64(h * w)}
	T := *threads
	r.MedMs, r.MinMs, r.CPUMs, r.Calls = measure(*budget, func() {
		parallel(T, func(p int) { encs[p].run() })
	})
	// Per image: T images per call.
	r.MedMs /= float64(T)
	r.MinMs /= float64(T)
	r.CPUMs /= float64(T)
	return r, nil
}

func model(args []string) (*result, error) {
	fs := flag.NewFlagSet("model", flag.ContinueOnError)
	path := fs.String("model", "", "edgerun model file")
	batch := fs.Int("batch", 1, "batch size")
	threads := fs.Int("threads", 1, "intra-op threads")
	budget := fs.Duration("time", time.Second, "time budget")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	t0 := time.Now()
	m, err := runtime.Open(*path)
	if err != nil {
		return nil, err
	}
	s, err := m.NewSession(runtime.WithBatch(*batch), runtime.WithThreads(*threads))
	if err != nil {
		return nil, err
	}
	load := float64(time.Since(t0)) / 1e6
	for i := 0; i < s.NumInputs(); i++ {
		in := s.Input(i)
		switch in.DType() {
		case runtime.F32:
			v := in.F32()
			for j := range v {
				v[j] = float32(uint32(j)*2654435761%1000)/1000 - 0.5
			}
		case runtime.S8:
			v := in.S8()
			for j := range v {
				v[j] = int8(j*37%255 - 127)
			}
		case runtime.U8:
			v := in.U8()
			for j := range v {
				v[j] = uint8(j * 37 % 256)
			}
		default:
			return nil, fmt.Errorf("model: input %d has type %v", i, in.DType())
		}
	}
	ctx := context.Background()
	var runErr error
	r := &result{What: "edgerun-model", Threads: *threads, Level: simd.Active().String(), LoadMs: load}
	r.MedMs, r.MinMs, r.CPUMs, r.Calls = measure(*budget, func() {
		if err := s.Run(ctx); err != nil && runErr == nil {
			runErr = err
		}
	})
	if runErr != nil {
		return nil, runErr
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		r.PeakRSS = int64(ru.Maxrss) * 1024
	}
	return r, nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: edgebench gemm|encode [flags]")
		os.Exit(2)
	}
	var r *result
	var err error
	switch os.Args[1] {
	case "gemm":
		r, err = gemm(os.Args[2:])
	case "encode":
		r, err = encode(os.Args[2:])
	case "model":
		r, err = model(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "edgebench:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, "edgebench:", err)
		os.Exit(1)
	}
}
