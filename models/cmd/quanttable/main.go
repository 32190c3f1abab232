// Command quanttable measures edgerun's weight encodings on a real trained
// model: the default pipeline's dense layers (the latent classifier's
// 1024→128 and 128→10) compressed with each encoding, then run by edgerun
// over the full Fashion-MNIST test set. It prints a Markdown table of dense
// weight bytes, bits per weight, file size and top-1 accuracy.
//
// Low rank is stored once at rank 64 and run at three rank budgets from
// that one file, as a fleet of devices of different sizes would.
//
//	go run ./models/cmd/quanttable [-model models/pretrained/default.edgerun] [-data /usr/share/datasets/fashion-mnist]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/edgerun/edgerun/models"
	"github.com/edgerun/edgerun/models/builder"
	"github.com/edgerun/edgerun/models/idx"
	"github.com/edgerun/edgerun/quant"
	"github.com/edgerun/edgerun/runtime"
)

func main() {
	model := flag.String("model", "models/pretrained/default.edgerun", "model whose dense layers are compressed")
	data := flag.String("data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST directory (t10k-*-ubyte.gz)")
	flag.Parse()
	if err := run(*model, *data); err != nil {
		fmt.Fprintln(os.Stderr, "quanttable:", err)
		os.Exit(1)
	}
}

type row struct {
	spec string
	rank int // run-time rank budget for low rank, 0 otherwise
}

func run(path, data string) error {
	d, err := idx.LoadDataset(filepath.Join(data, "t10k-images-idx3-ubyte.gz"), filepath.Join(data, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		return err
	}
	src, err := runtime.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	rows := []row{{"f32", 0}, {"f16", 0}, {"bf16", 0}, {"int8", 0}, {"int4", 0}, {"int4-asym", 0},
		{"lowrank:rank=64", 64}, {"lowrank:rank=64", 32}, {"lowrank:rank=64", 16},
		{"pq:m=4,k=16", 0}, {"pq:m=4,k=256", 0}, {"lr2vq:m=8,k=16,d=4", 0}, {"lr2vq:m=8,k=256,d=4", 0}}
	fmt.Println("| encoding | dense weight bytes | bits / weight | file bytes | top-1 |")
	fmt.Println("|---|---|---|---|---|")
	for _, r := range rows {
		spec, err := quant.ParseSpec(r.spec)
		if err != nil {
			return err
		}
		f, rep, err := models.Compress(src, quant.Policy{Rules: []quant.Rule{{Spec: spec}}}, nil)
		if err != nil {
			return err
		}
		name := r.spec
		if r.rank > 0 {
			name = fmt.Sprintf("lowrank, rank %d of the stored 64", r.rank)
			if err := setRank(f, r.rank); err != nil {
				return err
			}
			// The bytes a device touches at this budget.
			rep.Bytes = 0
			for i := range rep.Layers {
				l := &rep.Layers[i]
				k := min(r.rank, l.Rows, l.Cols)
				l.Bytes = 4 * k * (l.Rows + l.Cols)
				rep.Bytes += l.Bytes
			}
		}
		var buf bytes.Buffer
		if err := f.Encode(&buf); err != nil {
			return err
		}
		m, err := runtime.OpenBytes(buf.Bytes())
		if err != nil {
			return err
		}
		pred, _, err := builder.Predict(context.Background(), m, d, 100, "class", nil)
		m.Close()
		if err != nil {
			return err
		}
		var weights int
		for _, l := range rep.Layers {
			weights += l.Rows * l.Cols
		}
		fmt.Printf("| %s | %d | %.2f | %d | %.2f%% |\n", name, rep.Bytes, float64(8*rep.Bytes)/float64(weights), buf.Len(), 100*builder.Top1(pred, d.Labels))
	}
	return nil
}

// setRank gives every low-rank layer a run-time rank budget.
func setRank(f *runtime.File, rank int) error {
	for i := range f.Graph.Nodes {
		n := &f.Graph.Nodes[i]
		if n.Op != "dense_encoded" {
			continue
		}
		var a map[string]any
		if err := json.Unmarshal(n.Attrs, &a); err != nil {
			return err
		}
		a["rank"] = rank
		b, err := json.Marshal(a)
		if err != nil {
			return err
		}
		n.Attrs = b
	}
	return nil
}
