package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/edgerun/edgerun/models/builder"
	"github.com/edgerun/edgerun/models/onnx"
	"github.com/edgerun/edgerun/models/pth"
	"github.com/edgerun/edgerun/models/safetensors"
	"github.com/edgerun/edgerun/models/walloc"
	"github.com/edgerun/edgerun/runtime"
)

func init() {
	register(&command{name: "convert", summary: "convert ONNX or WaLLoC (.pth + .json) models into an edgerun file", run: runConvert})
}

func runConvert(env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "convert", "[flags] -o OUT.edgerun MODEL.onnx | CODEC.pth (CODEC.json beside it) | CODEC.safetensors")
	out := fs.String("o", "", "output edgerun file (written atomically)")
	size := fs.String("size", "", "WaLLoC: signal size the graph is built for, HxW for images or L for audio")
	part := fs.String("part", "encoder", "WaLLoC: encoder or decoder (LinearCodec2D only)")
	var shapes multiFlag
	fs.Var(&shapes, "input-shape", "ONNX: fix an input's shape, NAME=D0,D1,... (repeatable)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *out == "" {
		return usagef("want -o OUT and exactly one model")
	}
	in := fs.Arg(0)
	var f *runtime.File
	var err error
	switch strings.ToLower(filepath.Ext(in)) {
	case ".onnx":
		opts := []onnx.Option{onnx.WithProvenance("converted from " + filepath.Base(in) + " by edgerun convert")}
		for _, s := range shapes {
			name, dims, err := parseInputShape(s)
			if err != nil {
				return err
			}
			opts = append(opts, onnx.WithInputShape(name, dims...))
		}
		f, err = onnx.ConvertFile(in, opts...)
	case ".pth":
		// The config JSON sits beside the checkpoint, as WaLLoC ships them.
		dims, perr := parseSize(*size)
		if perr != nil {
			return perr
		}
		c, lerr := loadCodec(strings.TrimSuffix(in, filepath.Ext(in)))
		if lerr != nil {
			return lerr
		}
		switch *part {
		case "encoder":
			f, err = builder.WaLLoCEncoder(c.m, dims...)
		case "decoder":
			f, err = builder.WaLLoCDecoder(c.m, dims...)
		default:
			return usagef("--part must be encoder or decoder")
		}
	case ".safetensors":
		// A WaLLoC codec's state dict: its config in the file's metadata
		// ("config", as edgerun's training scripts write it) or beside it.
		dims, perr := parseSize(*size)
		if perr != nil {
			return perr
		}
		m, lerr := loadSafetensorsCodec(in)
		if lerr != nil {
			return lerr
		}
		switch *part {
		case "encoder":
			f, err = builder.WaLLoCEncoder(m, dims...)
		case "decoder":
			f, err = builder.WaLLoCDecoder(m, dims...)
		default:
			return usagef("--part must be encoder or decoder")
		}
	default:
		return usagef("%s: convert reads .onnx, WaLLoC .pth (+ .json) and WaLLoC .safetensors models", in)
	}
	if err != nil {
		return err
	}
	if err := f.WriteFile(*out); err != nil {
		return err
	}
	m, err := runtime.Open(*out)
	if err != nil {
		return fmt.Errorf("written model does not open: %v", err)
	}
	defer m.Close()
	fmt.Fprintf(env.stdout, "%s -> %s: %d nodes, %d bytes of weights\n", in, *out, len(m.Graph().Nodes), m.WeightsBytes())
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func parseInputShape(s string) (string, []int, error) {
	name, dims, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return "", nil, usagef("--input-shape %q: want NAME=D0,D1,...", s)
	}
	var out []int
	for _, d := range strings.Split(dims, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(d))
		if err != nil || n < 1 || n > 1<<24 {
			return "", nil, usagef("--input-shape %q: bad dimension %q", s, d)
		}
		out = append(out, n)
	}
	return name, out, nil
}

func parseSize(s string) ([]int, error) {
	if s == "" {
		return nil, usagef("--size is required for WaLLoC codecs (e.g. 512x768 or 4096)")
	}
	var out []int
	for _, d := range strings.Split(strings.ToLower(s), "x") {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 1<<24 {
			return nil, usagef("--size %q: bad dimension %q", s, d)
		}
		out = append(out, n)
	}
	return out, nil
}

// loadSafetensorsCodec reads a WaLLoC state dict in safetensors form, with
// its config in the metadata or in NAME.json beside the file.
func loadSafetensorsCodec(path string) (*walloc.Model, error) {
	st, err := safetensors.ReadFile(path, 1<<30)
	if err != nil {
		return nil, err
	}
	cfgText := []byte(st.Metadata["config"])
	if len(cfgText) == 0 {
		if cfgText, err = readLimited(strings.TrimSuffix(path, filepath.Ext(path))+".json", 1<<16); err != nil {
			return nil, fmt.Errorf("%s: no WaLLoC config in its metadata, and none beside it: %v", path, err)
		}
	}
	cfg, err := walloc.ParseConfig(cfgText)
	if err != nil {
		return nil, err
	}
	return walloc.FromCheckpoint(cfg, &pth.Checkpoint{Names: st.Names, Tensors: st.Tensors})
}
