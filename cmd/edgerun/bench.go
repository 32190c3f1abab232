package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/edgerun/edgerun/runtime"
	"github.com/edgerun/edgerun/simd"
)

func init() {
	register(&command{name: "bench", summary: "measure a model's latency, throughput, load time and memory on this device", run: runBench})
}

// benchResult is one row of "edgerun bench": a model at one SIMD level.
// Every field is documented in the README.
type benchResult struct {
	Model        string        `json:"model"`
	Level        string        `json:"simd_level"`
	Threads      int           `json:"threads"`
	Batch        int           `json:"batch"`
	Warmup       int           `json:"warmup"`
	LoadMs       float64       `json:"load_ms"`
	Latency      latencyStats  `json:"latency"`
	Throughput   float64       `json:"throughput_per_s"`
	WeightsBytes int64         `json:"weights_bytes"`
	ArenaBytes   int           `json:"arena_bytes"`
	PeakRSS      int64         `json:"peak_rss_bytes"`
	Nodes        []benchNode   `json:"nodes,omitempty"`
	CPU          string        `json:"cpu"`
	Arch         string        `json:"arch"`
	Version      string        `json:"version"`
	Kernels      []simd.Kernel `json:"kernels,omitempty"`
}

type benchNode struct {
	Name   string  `json:"name"`
	Op     string  `json:"op"`
	MeanMs float64 `json:"mean_ms"`
	Share  float64 `json:"share"`
	// FoldedInto is the node whose time includes this one's.
	FoldedInto string `json:"folded_into,omitempty"`
}

func runBench(env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "bench", "[flags] [--model MODEL]")
	modelPath := fs.String("model", "", "model file (default: the embedded default pipeline)")
	runs := fs.Int("runs", 0, "number of timed runs (default: as many as fit in --time)")
	budget := fs.Duration("time", 2*time.Second, "time budget for the timed runs when --runs is not given")
	warmup := fs.Int("warmup", 3, "untimed runs before timing")
	threads := fs.Int("threads", 1, "intra-op threads")
	batch := fs.Int("batch", 1, "batch size")
	level := fs.String("simd", "", "SIMD level to run at, or 'all' to compare every level this CPU supports (default: the level in force)")
	asJSON := fs.Bool("json", false, "print results as JSON")
	asCSV := fs.Bool("csv", false, "print results as CSV")
	profile := fs.Bool("profile", true, "measure time per node")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (the model is given with --model)", fs.Arg(0))
	}
	switch {
	case *runs < 0:
		return usagef("--runs must not be negative")
	case *warmup < 0:
		return usagef("--warmup must not be negative")
	case *threads < 1 || *threads > 1024:
		return usagef("--threads must be in 1..1024")
	case *batch < 1 || *batch > 1<<16:
		return usagef("--batch must be in 1..65536")
	case *budget <= 0:
		return usagef("--time must be positive")
	case *asJSON && *asCSV:
		return usagef("--json and --csv are exclusive")
	}
	levels, err := benchLevels(*level)
	if err != nil {
		return err
	}
	prev := simd.Active()
	defer simd.SetLevel(prev)

	var results []benchResult
	for _, l := range levels {
		if err := simd.SetLevel(l); err != nil {
			return err
		}
		r, err := benchOnce(*modelPath, *runs, *budget, *warmup, *threads, *batch, *profile)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	switch {
	case *asJSON:
		if len(results) == 1 {
			return writeJSON(env, results[0])
		}
		return writeJSON(env, results)
	case *asCSV:
		return writeBenchCSV(env, results)
	}
	printBench(env, results)
	return nil
}

func benchLevels(s string) ([]simd.Level, error) {
	switch s {
	case "":
		return []simd.Level{simd.Active()}, nil
	case "all":
		return simd.Supported(), nil
	}
	l, err := simd.ParseLevel(s)
	if err != nil {
		return nil, usagef("--simd: %v", err)
	}
	for _, x := range simd.Supported() {
		if x == l {
			return []simd.Level{l}, nil
		}
	}
	return nil, usagef("--simd %s: this CPU supports %v", s, simd.Supported())
}

func benchOnce(path string, runs int, budget time.Duration, warmup, threads, batch int, withProfile bool) (benchResult, error) {
	r := benchResult{Level: simd.Active().String(), Threads: threads, Batch: batch, Warmup: warmup,
		CPU: simd.CPU().Brand, Arch: archString(), Version: versionString(), Kernels: simd.Kernels()}
	t0 := time.Now()
	m, name, err := openModel(path)
	if err != nil {
		return r, err
	}
	defer m.Close()
	r.Model = name
	opts := []runtime.SessionOption{runtime.WithBatch(batch), runtime.WithThreads(threads)}
	var prof runtime.Profile
	if withProfile {
		opts = append(opts, runtime.WithProfile(&prof))
	}
	s, err := m.NewSession(opts...)
	if err != nil {
		return r, err
	}
	defer s.Close()
	r.LoadMs = float64(time.Since(t0)) / 1e6
	r.WeightsBytes = m.WeightsBytes()
	r.ArenaBytes = s.ArenaBytes()
	for i := 0; i < s.NumInputs(); i++ {
		fillInput(s.Input(i), uint64(i))
	}
	ctx := context.Background()
	for i := 0; i < warmup; i++ {
		if err := s.Run(ctx); err != nil {
			return r, err
		}
	}
	prof.Reset()
	// Collections during timing would be charged to whichever run they
	// hit; Run allocates nothing, so turning the collector off costs no
	// memory and removes that noise.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	times := make([]time.Duration, 0, max(runs, 64))
	start := time.Now()
	for i := 0; runs > 0 && i < runs || runs == 0 && (i < 1 || time.Since(start) < budget); i++ {
		a := time.Now()
		if err := s.Run(ctx); err != nil {
			return r, err
		}
		times = append(times, time.Since(a))
	}
	total := time.Since(start)
	r.Latency = summarize(times)
	r.Throughput = float64(batch*len(times)) / total.Seconds()
	r.PeakRSS = peakRSS()
	var sum time.Duration
	for _, n := range prof.Nodes {
		sum += n.Total
	}
	for _, n := range prof.Nodes {
		bn := benchNode{Name: n.Name, Op: n.Op, FoldedInto: n.FoldedInto}
		if n.Calls > 0 {
			bn.MeanMs = float64(n.Total) / float64(n.Calls) / 1e6
		}
		if sum > 0 {
			bn.Share = float64(n.Total) / float64(sum)
		}
		r.Nodes = append(r.Nodes, bn)
	}
	return r, nil
}

// fillInput writes a fixed pseudo-random pattern so runs are repeatable
// and no kernel sees the special case of all zeros.
func fillInput(t *runtime.Tensor, seed uint64) {
	x := seed*0x9e3779b97f4a7c15 + 1
	next := func() uint64 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return x
	}
	switch t.DType() {
	case runtime.F32:
		f := t.F32()
		for i := range f {
			f[i] = float32(next()>>40)/(1<<24) - 0.5
		}
	default:
		b := t.Bytes()
		for i := range b {
			b[i] = byte(next())
		}
	}
}

func printBench(env *cmdEnv, rs []benchResult) {
	w := env.stdout
	r0 := rs[0]
	fmt.Fprintf(w, "model     %s\n", r0.Model)
	fmt.Fprintf(w, "device    %s (%s), %s\n", orUnknown(r0.CPU), r0.Arch, r0.Version)
	fmt.Fprintf(w, "setup     batch %d, %d thread(s), %d warm-up runs\n", r0.Batch, r0.Threads, r0.Warmup)
	fmt.Fprintf(w, "memory    weights %s, arena %s, peak RSS %s\n\n", human(r0.WeightsBytes), human(int64(r0.ArenaBytes)), human(r0.PeakRSS))
	fmt.Fprintf(w, "%-8s %6s %9s %9s %9s %9s %9s %9s %11s\n", "simd", "runs", "load ms", "min ms", "p50 ms", "p90 ms", "p99 ms", "max ms", "per second")
	for _, r := range rs {
		l := r.Latency
		fmt.Fprintf(w, "%-8s %6d %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %11.1f\n", r.Level, l.Runs, r.LoadMs, l.MinMs, l.P50Ms, l.P90Ms, l.P99Ms, l.MaxMs, r.Throughput)
	}
	last := rs[len(rs)-1]
	if len(last.Nodes) == 0 {
		return
	}
	nodes := append([]benchNode(nil), last.Nodes...)
	sort.SliceStable(nodes, func(i, j int) bool { return nodes[i].Share > nodes[j].Share })
	fmt.Fprintf(w, "\nper node at %s (mean per run):\n", last.Level)
	for _, n := range nodes {
		if n.FoldedInto != "" {
			fmt.Fprintf(w, "  %-24s %-16s folded into %s\n", n.Name, n.Op, n.FoldedInto)
			continue
		}
		fmt.Fprintf(w, "  %-24s %-16s %9.3f ms %5.1f%%\n", n.Name, n.Op, n.MeanMs, 100*n.Share)
	}
}

func writeBenchCSV(env *cmdEnv, rs []benchResult) error {
	cw := csv.NewWriter(env.stdout)
	cw.Write([]string{"model", "simd_level", "threads", "batch", "runs", "load_ms", "min_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms", "throughput_per_s", "weights_bytes", "arena_bytes", "peak_rss_bytes", "cpu", "arch", "version"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	for _, r := range rs {
		l := r.Latency
		cw.Write([]string{r.Model, r.Level, strconv.Itoa(r.Threads), strconv.Itoa(r.Batch), strconv.Itoa(l.Runs),
			f(r.LoadMs), f(l.MinMs), f(l.P50Ms), f(l.P90Ms), f(l.P99Ms), f(l.MaxMs), f(l.Mean), f(r.Throughput),
			strconv.FormatInt(r.WeightsBytes, 10), strconv.Itoa(r.ArenaBytes), strconv.FormatInt(r.PeakRSS, 10), r.CPU, r.Arch, r.Version})
	}
	cw.Flush()
	return cw.Error()
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "unknown CPU"
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	k := make([]string, 0, len(m))
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

// openModel opens the model a subcommand was given, or the embedded
// default pipeline when path is empty.
func openModel(path string) (*runtime.Model, string, error) {
	if path == "" {
		return openDefaultModel()
	}
	if _, err := os.Stat(path); err != nil {
		return nil, "", err
	}
	m, err := runtime.Open(path)
	if err != nil {
		return nil, "", err
	}
	return m, path, nil
}
