package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/edgerun/edgerun/models"
	"github.com/edgerun/edgerun/quant"
	"github.com/edgerun/edgerun/runtime"
)

func init() {
	register(&command{name: "compress", summary: "compress a model's weights by policy (f16, int8, int4, low rank, PQ, LR²VQ)", run: runCompress})
}

type compressReport struct {
	Input  string       `json:"input"`
	Output string       `json:"output"`
	Report quant.Report `json:"report"`
}

func runCompress(env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "compress", "[flags] -o OUT MODEL")
	out := fs.String("o", "", "output model file (written atomically)")
	encoding := fs.String("encoding", "", "encoding for every dense layer: f16, bf16, int8, int4, int4-asym, lowrank:rank=R|energy=E, pq:m=M,k=K, lr2vq:m=M,k=K,d=D")
	policyPath := fs.String("policy", "", "policy file: lines of 'PATTERN [min=N] ENCODING', first match wins")
	minWeights := fs.Int("min-weights", 0, "with --encoding: leave layers with fewer weights at f32")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	quiet := fs.Bool("q", false, "no progress bar")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one model file, got %d arguments", fs.NArg())
	}
	if *out == "" {
		return usagef("-o OUT is required")
	}
	if (*encoding == "") == (*policyPath == "") {
		return usagef("give exactly one of --encoding and --policy")
	}
	var pol quant.Policy
	if *encoding != "" {
		spec, err := quant.ParseSpec(*encoding)
		if err != nil {
			return usagef("--encoding: %v", err)
		}
		pol.Rules = []quant.Rule{{MinWeights: *minWeights, Spec: spec}}
	} else {
		fh, err := os.Open(*policyPath)
		if err != nil {
			return err
		}
		pol, err = quant.ParsePolicy(fh)
		fh.Close()
		if err != nil {
			return fmt.Errorf("%s: %v", *policyPath, err)
		}
	}
	m, err := runtime.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer m.Close()
	bar := newProgress(env, "compressing", *quiet || *asJSON)
	f, rep, err := models.Compress(m, pol, bar.update)
	bar.done()
	if err != nil {
		return err
	}
	f.Metadata["compression"] = compressionNote(rep)
	if err := f.WriteFile(*out); err != nil {
		return err
	}
	// Reopen what was written: a file that fails validation is reported
	// now, not on the device.
	check, err := runtime.Open(*out)
	if err != nil {
		return fmt.Errorf("written model does not open: %v", err)
	}
	check.Close()
	if *asJSON {
		return writeJSON(env, compressReport{Input: fs.Arg(0), Output: *out, Report: rep})
	}
	w := env.stdout
	fmt.Fprintf(w, "%-28s %-22s %11s %10s %10s %9s %12s\n", "layer", "encoding", "shape", "rel err", "max err", "bits/w", "bytes")
	for _, l := range rep.Layers {
		fmt.Fprintf(w, "%-28s %-22s %11s %10.2e %10.2e %9.3f %12d\n", l.Name, l.Encoding, fmt.Sprintf("%dx%d", l.Rows, l.Cols), l.RelError, l.MaxAbsError, l.BitsPerWeight, l.Bytes)
	}
	fmt.Fprintf(w, "total: %d -> %d bytes of dense weights (%.2fx); written to %s\n", rep.DenseBytes, rep.Bytes, rep.Ratio, *out)
	return nil
}

func compressionNote(r quant.Report) string {
	var parts []string
	for _, l := range r.Layers {
		parts = append(parts, l.Name+"="+l.Encoding)
	}
	return fmt.Sprintf("%s (%.2fx on dense weights)", strings.Join(parts, " "), r.Ratio)
}
