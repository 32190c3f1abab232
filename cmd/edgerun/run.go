package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/edgerun/edgerun/codec/signal"
	"github.com/edgerun/edgerun/internal/npy"
	"github.com/edgerun/edgerun/models"
	"github.com/edgerun/edgerun/runtime"
)

func init() {
	register(&command{name: "run", summary: "run a model on images, WAV or .npy inputs (default: the embedded pipeline on its sample images)", run: runRun})
}

// runOutput is one output tensor of one run, for --json.
type runOutput struct {
	Name  string `json:"name"`
	DType string `json:"dtype"`
	Shape []int  `json:"shape"`
	Bytes int    `json:"bytes"`
	// Values holds the output when it has at most 1024 elements.
	Values any `json:"values,omitempty"`
}

// runResult is the result for one input.
type runResult struct {
	Input      string      `json:"input"`
	Class      *int        `json:"class,omitempty"`
	Label      string      `json:"label,omitempty"`
	Score      *float64    `json:"score,omitempty"`
	Expected   string      `json:"expected,omitempty"`
	InputBytes int         `json:"input_bytes"`
	Latent     int         `json:"latent_bytes,omitempty"`
	Ms         float64     `json:"ms"`
	Outputs    []runOutput `json:"outputs"`
}

func runRun(env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "run", "[--model MODEL] [--json] [INPUT...]")
	modelPath := fs.String("model", "", "model file (default: the embedded default pipeline)")
	asJSON := fs.Bool("json", false, "print results as JSON")
	threads := fs.Int("threads", 1, "intra-op threads")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *threads < 1 || *threads > 1024 {
		return usagef("--threads must be in 1..1024")
	}
	m, name, err := openModel(*modelPath)
	if err != nil {
		return err
	}
	defer m.Close()
	if len(m.Inputs()) != 1 {
		return fmt.Errorf("%s has %d inputs; run feeds models with one", name, len(m.Inputs()))
	}
	type input struct {
		name, expected string
		data           []byte
	}
	var inputs []input
	if fs.NArg() == 0 {
		if *modelPath != "" {
			return usagef("give at least one input (image, .wav, .npy or -)")
		}
		samples, err := models.Samples()
		if err != nil {
			return err
		}
		for _, s := range samples {
			b, err := fsReadFile(models.SamplesDir + "/" + s.File)
			if err != nil {
				return err
			}
			inputs = append(inputs, input{"samples/" + s.File, s.Class, b})
		}
	}
	for _, a := range fs.Args() {
		b, err := readInput(env, a)
		if err != nil {
			return err
		}
		inputs = append(inputs, input{a, "", b})
	}
	s, err := m.NewSession(runtime.WithThreads(*threads))
	if err != nil {
		return err
	}
	defer s.Close()
	in := s.Input(0)
	var outNames []string
	for _, o := range m.Outputs() {
		outNames = append(outNames, o.Name)
	}
	var results []runResult
	for _, x := range inputs {
		n, err := feed(in, x.name, x.data)
		if err != nil {
			return fmt.Errorf("%s: %v", x.name, err)
		}
		t0 := time.Now()
		if err := s.Run(context.Background()); err != nil {
			return err
		}
		r := runResult{Input: x.name, Expected: x.expected, InputBytes: n, Ms: float64(time.Since(t0)) / 1e6}
		describe(s, outNames, *modelPath == "", &r)
		results = append(results, r)
	}
	if *asJSON {
		return writeJSON(env, results)
	}
	printRun(env, name, results)
	return nil
}

func fsReadFile(name string) ([]byte, error) { return fs.ReadFile(models.Default(), name) }

// feed writes one input into the session's input tensor (batch 1) and
// returns the size of the signal in bytes as the sensor would send it.
func feed(t *runtime.Tensor, name string, data []byte) (int, error) {
	shape := t.Shape()
	switch {
	case strings.EqualFold(path.Ext(name), ".npy"):
		a, err := npy.Read(bytes.NewReader(data), int64(len(t.Bytes())))
		if err != nil {
			return 0, err
		}
		if a.Len() != t.Len() {
			return 0, fmt.Errorf("array of shape %v for input %s%v", a.Shape, t.DType(), shape)
		}
		want := map[runtime.DType]string{runtime.F32: "f4", runtime.U8: "u1", runtime.S8: "i1", runtime.S32: "i4"}[t.DType()]
		if a.Dtype != want {
			return 0, fmt.Errorf("array of dtype %s for input %s (want %s)", a.Dtype, t.DType(), want)
		}
		copy(t.Bytes(), a.Data)
		return len(a.Data), nil
	case isWAV(name, data):
		a, err := signal.ReadWAV(bytes.NewReader(data), signal.Limits{})
		if err != nil {
			return 0, err
		}
		if t.DType() != runtime.F32 || len(shape) != 3 || shape[1] != len(a.Samples) || shape[2] != len(a.Samples[0]) {
			return 0, fmt.Errorf("%d channels × %d samples for input %s%v", len(a.Samples), len(a.Samples[0]), t.DType(), shape)
		}
		x := t.F32()
		for c, s := range a.Samples {
			copy(x[c*shape[2]:], s)
		}
		return 2 * len(a.Samples) * len(a.Samples[0]), nil
	}
	img, err := signal.ReadImage(bytes.NewReader(data), signal.Limits{})
	if err != nil {
		return 0, err
	}
	if len(shape) != 4 || shape[1] != img.C || shape[2] != img.H || shape[3] != img.W {
		return 0, fmt.Errorf("image of %d×%d×%d for input %s%v (channels, height, width)", img.C, img.H, img.W, t.DType(), shape)
	}
	switch t.DType() {
	case runtime.U8:
		copy(t.U8(), img.Pix)
	case runtime.F32:
		// The convention of WaLLoC and of edgerun's models: x/255 − 0.5.
		x := t.F32()
		for i, p := range img.Pix {
			x[i] = float32(p)/255 - 0.5
		}
	default:
		return 0, fmt.Errorf("images feed U8 or F32 inputs, not %s", t.DType())
	}
	return len(img.Pix), nil
}

// describe reads the outputs: a "class"/"probs" pair gives the answer, an
// S8 output named like a latent gives the compressed size. Class names are
// the Fashion-MNIST ones only for the default pipeline.
func describe(s *runtime.Session, names []string, fashion bool, r *runResult) {
	for i := 0; i < s.NumOutputs(); i++ {
		o := s.Output(i)
		name := names[i]
		ro := runOutput{Name: name, DType: o.DType().String(), Shape: o.Shape(), Bytes: len(o.Bytes())}
		if o.Len() <= 1024 {
			switch o.DType() {
			case runtime.F32:
				ro.Values = append([]float32(nil), o.F32()...)
			case runtime.S32:
				ro.Values = append([]int32(nil), o.S32()...)
			case runtime.S8:
				ro.Values = append([]int8(nil), o.S8()...)
			case runtime.U8:
				ro.Values = append([]int(nil), bytesToInts(o.U8())...)
			}
		}
		r.Outputs = append(r.Outputs, ro)
		switch {
		case name == "class" && o.DType() == runtime.S32 && o.Len() >= 1:
			c := int(o.S32()[0])
			r.Class = &c
			if fashion && c >= 0 && c < len(models.Classes) {
				r.Label = models.Classes[c]
			}
		case name == "probs" && o.DType() == runtime.F32 && o.Len() >= 1:
			best := 0
			p := o.F32()
			for j := range p {
				if p[j] > p[best] {
					best = j
				}
			}
			v := float64(p[best])
			r.Score = &v
		case strings.Contains(name, "latent") && o.DType() == runtime.S8:
			r.Latent = len(o.Bytes())
		}
	}
}

func bytesToInts(b []uint8) []int {
	out := make([]int, len(b))
	for i, v := range b {
		out[i] = int(v)
	}
	return out
}

func printRun(env *cmdEnv, model string, rs []runResult) {
	w := env.stdout
	fmt.Fprintf(w, "model %s\n", model)
	right := 0
	for _, r := range rs {
		fmt.Fprintf(w, "%-22s", filepath.Base(r.Input))
		if r.Class != nil {
			label := r.Label
			if label == "" {
				label = fmt.Sprint(*r.Class)
			}
			fmt.Fprintf(w, " %-12s", label)
		}
		if r.Score != nil {
			fmt.Fprintf(w, " %5.1f%%", 100**r.Score)
		}
		if r.Expected != "" {
			mark := "✗"
			if r.Expected == r.Label {
				mark = "✓"
				right++
			}
			fmt.Fprintf(w, "  %s %-12s", mark, r.Expected)
		}
		if r.Latent > 0 {
			fmt.Fprintf(w, "  latent %d B of %d B (%.1fx)", r.Latent, r.InputBytes, float64(r.InputBytes)/float64(r.Latent))
		}
		fmt.Fprintf(w, "  %.3f ms\n", r.Ms)
	}
	if rs[0].Expected != "" {
		fmt.Fprintf(w, "%d of %d sample images classified as labelled\n", right, len(rs))
	}
}
