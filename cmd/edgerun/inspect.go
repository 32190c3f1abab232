package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/edgerun/edgerun/runtime"
)

func init() {
	register(&command{name: "inspect", summary: "print a model file: metadata, inputs, outputs, graph, tensors, checksum", run: runInspect})
}

type inspectTensor struct {
	Name     string `json:"name"`
	DType    string `json:"dtype"`
	Shape    []int  `json:"shape"`
	Bytes    int    `json:"bytes"`
	Encoding string `json:"encoding"`
}

type inspectValue struct {
	Name  string `json:"name"`
	DType string `json:"dtype"`
	Shape []int  `json:"shape"`
}

type inspectNode struct {
	Name    string          `json:"name"`
	Op      string          `json:"op"`
	Inputs  []string        `json:"inputs"`
	Outputs []string        `json:"outputs"`
	Attrs   json.RawMessage `json:"attrs,omitempty"`
}

type inspectReport struct {
	Path         string            `json:"path"`
	Metadata     map[string]string `json:"metadata"`
	Checksum     string            `json:"checksum"`
	ChecksumOK   bool              `json:"checksum_ok"`
	Inputs       []inspectValue    `json:"inputs"`
	Outputs      []inspectValue    `json:"outputs"`
	Nodes        []inspectNode     `json:"nodes"`
	Tensors      []inspectTensor   `json:"tensors"`
	WeightsBytes int64             `json:"weights_bytes"`
	ArenaBytes   int               `json:"arena_bytes_batch1"`
}

func runInspect(env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "inspect", "[--json] MODEL")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one model file, got %d arguments", fs.NArg())
	}
	path := fs.Arg(0)
	// Open without verifying so a damaged file can still be described;
	// the checksum is then checked and reported on its own line.
	m, err := runtime.Open(path, runtime.WithDeferredChecksum())
	if err != nil {
		return err
	}
	defer m.Close()
	r := inspectReport{Path: path, Metadata: map[string]string{}, WeightsBytes: m.WeightsBytes()}
	for _, k := range m.MetadataKeys() {
		if k == runtime.MetaGraph {
			continue // printed as the graph below
		}
		r.Metadata[k] = m.Metadata(k)
	}
	r.Checksum = m.Metadata(runtime.MetaChecksum)
	cerr := m.VerifyChecksum()
	r.ChecksumOK = cerr == nil
	g := m.Graph()
	for _, v := range m.Inputs() {
		r.Inputs = append(r.Inputs, inspectValue{v.Name, v.DType.String(), v.Shape})
	}
	for _, v := range m.Outputs() {
		r.Outputs = append(r.Outputs, inspectValue{v.Name, v.DType.String(), v.Shape})
	}
	for _, n := range g.Nodes {
		r.Nodes = append(r.Nodes, inspectNode{n.Name, n.Op, n.Inputs, n.Outputs, n.Attrs})
	}
	for _, name := range m.TensorNames() {
		t := m.Tensor(name)
		if t == nil {
			continue
		}
		enc := "plain"
		if ti, ok := g.Tensors[name]; ok {
			enc = ti.Encoding
		}
		r.Tensors = append(r.Tensors, inspectTensor{name, t.DType().String(), t.Shape(), len(t.Bytes()), enc})
	}
	if s, err := m.NewSession(); err == nil {
		r.ArenaBytes = s.ArenaBytes()
		s.Close()
	}
	if *asJSON {
		if err := writeJSON(env, r); err != nil {
			return err
		}
	} else {
		printInspect(env, &r)
	}
	if cerr != nil {
		return fmt.Errorf("%s: %v", path, cerr)
	}
	return nil
}

func printInspect(env *cmdEnv, r *inspectReport) {
	w := env.stdout
	fmt.Fprintf(w, "model     %s\n", r.Path)
	status := "ok"
	if !r.ChecksumOK {
		status = "MISMATCH"
	}
	fmt.Fprintf(w, "checksum  %s (%s)\n", r.Checksum, status)
	for _, k := range sortedKeys(r.Metadata) {
		if k == runtime.MetaChecksum {
			continue
		}
		fmt.Fprintf(w, "meta      %s = %s\n", k, oneLine(r.Metadata[k], 100))
	}
	for _, v := range r.Inputs {
		fmt.Fprintf(w, "input     %s %s%v\n", v.Name, v.DType, v.Shape)
	}
	for _, v := range r.Outputs {
		fmt.Fprintf(w, "output    %s %s%v\n", v.Name, v.DType, v.Shape)
	}
	fmt.Fprintf(w, "graph     %d nodes, arena %d bytes at batch 1\n", len(r.Nodes), r.ArenaBytes)
	for _, n := range r.Nodes {
		attrs := ""
		if len(n.Attrs) > 0 {
			attrs = " " + string(n.Attrs)
		}
		fmt.Fprintf(w, "  %-20s %-16s %s -> %s%s\n", n.Name, n.Op, strings.Join(n.Inputs, ","), strings.Join(n.Outputs, ","), attrs)
	}
	fmt.Fprintf(w, "tensors   %d, %d bytes of weights\n", len(r.Tensors), r.WeightsBytes)
	for _, t := range r.Tensors {
		fmt.Fprintf(w, "  %-28s %-5s %-16v %10d bytes  %s\n", t.Name, t.DType, t.Shape, t.Bytes, t.Encoding)
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func writeJSON(env *cmdEnv, v any) error {
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
