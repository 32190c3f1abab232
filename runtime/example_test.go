package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/edgerun/edgerun/runtime"
)

// writeClassifier writes a two-class linear classifier over 3 features:
// dense → softmax, with a dynamic batch dimension.
func writeClassifier(path string) error {
	w, _ := runtime.F32Tensor([]float32{
		1, 0, -1, // class 0 likes feature 0
		-1, 0, 1, // class 1 likes feature 2
	}, 2, 3)
	b, _ := runtime.F32Tensor([]float32{0, 0}, 2)
	f := &runtime.File{
		Graph: &runtime.Graph{
			Inputs:  []runtime.ValueInfo{{Name: "features", DType: runtime.F32, Shape: runtime.Dims{runtime.Batch, 3}}},
			Outputs: []runtime.ValueInfo{{Name: "probs"}},
			Nodes: []runtime.Node{
				{Name: "fc", Op: "dense", Inputs: []string{"features", "fc.w", "fc.b"}, Outputs: []string{"logits"}},
				{Name: "sm", Op: "softmax", Inputs: []string{"logits"}, Outputs: []string{"probs"}, Attrs: json.RawMessage(`{"axis": -1}`)},
			},
		},
		Tensors:  map[string]*runtime.Tensor{"fc.w": w, "fc.b": b},
		Metadata: map[string]string{runtime.MetaProvenance: "example"},
	}
	return f.WriteFile(path)
}

// Write a model file, open it, and classify a batch of two feature vectors.
// The session's input and output tensors live in its arena: write the
// input in place, Run, read the output in place.
func Example() {
	dir, _ := os.MkdirTemp("", "edgerun-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "classifier.edgerun")
	if err := writeClassifier(path); err != nil {
		log.Fatal(err)
	}

	model, err := runtime.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer model.Close()
	sess, err := model.NewSession(runtime.WithBatch(2))
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()

	copy(sess.Input(0).F32(), []float32{
		2, 0, 0, // looks like class 0
		0, 0, 3, // looks like class 1
	})
	if err := sess.Run(context.Background()); err != nil {
		log.Fatal(err)
	}
	probs := sess.Output(0)
	fmt.Println(probs.Shape())
	for i := 0; i < 2; i++ {
		fmt.Printf("%.3f\n", probs.F32()[2*i:2*i+2])
	}
	// Output:
	// [2 2]
	// [0.982 0.018]
	// [0.002 0.998]
}

// Profile each node of a session's runs, as "edgerun bench" does.
func ExampleWithProfile() {
	dir, _ := os.MkdirTemp("", "edgerun-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "classifier.edgerun")
	if err := writeClassifier(path); err != nil {
		log.Fatal(err)
	}
	model, err := runtime.Open(path, runtime.WithDeferredChecksum())
	if err != nil {
		log.Fatal(err)
	}
	defer model.Close()
	var prof runtime.Profile
	sess, err := model.NewSession(runtime.WithProfile(&prof))
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	for i := 0; i < 10; i++ {
		sess.Run(context.Background())
	}
	for _, n := range prof.Nodes {
		fmt.Println(n.Name, n.Op, n.Calls)
	}
	// The checksum skipped at open can be checked later.
	fmt.Println(model.VerifyChecksum())
	// Output:
	// fc dense 10
	// sm softmax 10
	// <nil>
}
