package runtime

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/edgerun/edgerun/simd"
)

func TestWriteOpenRoundTrip(t *testing.T) {
	f := cnnFile(t)
	path := writeModel(t, f)
	for _, opts := range [][]Option{nil, {WithoutMmap()}, {WithDeferredChecksum()}} {
		m, err := Open(path, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if len(opts) == 0 && !m.Mapped() {
			t.Error("default open did not map the file")
		}
		for name, want := range f.Tensors {
			got := m.Tensor(name)
			if got == nil || got.dtype != want.dtype || !shapeEqual(got.shape, want.shape) || !bytes.Equal(got.data, want.data) {
				t.Fatalf("tensor %s: got %v, want %v", name, got, want)
			}
			if p := uintptr(ptrOf(got.data)); p%Alignment != 0 {
				t.Errorf("tensor %s at %#x is not %d-byte aligned", name, p, Alignment)
			}
		}
		if got := m.Metadata(MetaProvenance); got != "test: cnnFile" {
			t.Errorf("provenance %q", got)
		}
		if m.FoldedBatchNorms() != 1 {
			t.Errorf("folded %d batchnorms, want 1", m.FoldedBatchNorms())
		}
		if err := m.VerifyChecksum(); err != nil {
			t.Error(err)
		}
		if out := m.Outputs(); len(out) != 1 || !shapeEqual(out[0].Shape, []int{1, 10}) {
			t.Errorf("outputs %+v", out)
		}
		m.Close()
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenBytes(raw[1:]); err == nil {
		t.Error("OpenBytes accepted a shifted file")
	}
	m, err := OpenBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.WeightsBytes() != int64(len(raw))-m.c.dataOff {
		t.Error("weights bytes")
	}
}

func TestDeferredChecksumCatchesCorruption(t *testing.T) {
	path := writeModel(t, cnnFile(t))
	raw, _ := os.ReadFile(path)
	raw[len(raw)-1] ^= 1
	os.WriteFile(path, raw, 0o644)
	m, err := Open(path, WithDeferredChecksum())
	if err != nil {
		t.Fatalf("deferred open: %v", err)
	}
	defer m.Close()
	if err := m.VerifyChecksum(); !errors.Is(err, ErrChecksum) || !errors.Is(err, ErrCorruptModel) {
		t.Fatalf("VerifyChecksum = %v", err)
	}
	if _, err := Open(path); !errors.Is(err, ErrChecksum) {
		t.Fatalf("Open = %v", err)
	}
}

// reference computes the cnnFile graph with plain loops and no folding.
func cnnReference(f *File, x []float32, batch int) []float32 {
	T := func(n string) []float32 { return f.Tensors[n].F32() }
	w, cb := T("conv.w"), T("conv.b")
	sc, bb, mu, va := T("bn.scale"), T("bn.bias"), T("bn.mean"), T("bn.var")
	fw, fb := T("fc.w"), T("fc.b")
	out := make([]float32, 0, batch*10)
	for n := 0; n < batch; n++ {
		feat := make([]float64, 128)
		for oc := 0; oc < 8; oc++ {
			for oy := 0; oy < 4; oy++ {
				for ox := 0; ox < 4; ox++ {
					s := float64(cb[oc])
					for c := 0; c < 3; c++ {
						for ky := 0; ky < 3; ky++ {
							for kx := 0; kx < 3; kx++ {
								iy, ix := oy*2-1+ky, ox*2-1+kx
								if iy < 0 || iy >= 8 || ix < 0 || ix >= 8 {
									continue
								}
								s += float64(w[((oc*3+c)*3+ky)*3+kx]) * float64(x[((n*3+c)*8+iy)*8+ix])
							}
						}
					}
					s = (s-float64(mu[oc]))/math.Sqrt(float64(va[oc])+1e-5)*float64(sc[oc]) + float64(bb[oc])
					feat[(oc*4+oy)*4+ox] = math.Max(s, 0)
				}
			}
		}
		logits := make([]float64, 10)
		mx := math.Inf(-1)
		for j := range logits {
			s := float64(fb[j])
			for k := range feat {
				s += feat[k] * float64(fw[j*128+k])
			}
			logits[j] = s
			mx = math.Max(mx, s)
		}
		var sum float64
		for j := range logits {
			logits[j] = math.Exp(logits[j] - mx)
			sum += logits[j]
		}
		for j := range logits {
			out = append(out, float32(logits[j]/sum))
		}
	}
	return out
}

func closeTo(t *testing.T, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("len %d, want %d", len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > tol || math.IsNaN(float64(got[i])) {
			t.Fatalf("[%d] = %v, want %v (tolerance %g)", i, got[i], want[i], tol)
		}
	}
}

func TestRunMatchesReference(t *testing.T) {
	f := cnnFile(t)
	m := openModel(t, f)
	for _, batch := range []int{1, 3} {
		for _, threads := range []int{1, 3} {
			s := newSession(t, m, WithBatch(batch), WithThreads(threads))
			fill(s.Input(0), int64(batch))
			if err := s.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := s.Output(0).Shape(); !shapeEqual(got, []int{batch, 10}) {
				t.Fatalf("output shape %v", got)
			}
			closeTo(t, s.Output(0).F32(), cnnReference(f, s.Input(0).F32(), batch), 1e-5)
		}
	}
}

func TestRunAllocatesNothing(t *testing.T) {
	m := openModel(t, cnnFile(t))
	var prof Profile
	for _, opts := range [][]SessionOption{{WithBatch(2)}, {WithBatch(2), WithThreads(2)}, {WithProfile(&prof)}} {
		s := newSession(t, m, opts...)
		fill(s.Input(0), 1)
		ctx, cancel := context.WithCancel(context.Background())
		if n := testing.AllocsPerRun(50, func() {
			if err := s.Run(ctx); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("Run with %d options allocates %v times", len(opts), n)
		}
		cancel()
	}
	if len(prof.Nodes) != 5 || prof.Nodes[0].Calls < 50 || prof.Nodes[0].Op != "conv2d" {
		t.Errorf("profile %+v", prof.Nodes)
	}
}

func TestCancellation(t *testing.T) {
	m := openModel(t, cnnFile(t))
	s := newSession(t, m)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run on a cancelled context = %v", err)
	}
}

func TestConcurrentSessions(t *testing.T) {
	f := cnnFile(t)
	m := openModel(t, f)
	const workers = 12
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := m.NewSession(WithBatch(1+w%3), WithThreads(1+w%2))
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			for it := 0; it < 5; it++ {
				fill(s.Input(0), int64(w*100+it))
				if err := s.Run(context.Background()); err != nil {
					errs <- err
					return
				}
				want := cnnReference(f, s.Input(0).F32(), s.Batch())
				for i, v := range s.Output(0).F32() {
					if math.Abs(float64(v-want[i])) > 1e-5 {
						errs <- errors.New("concurrent session result differs from reference")
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCloseWaitsForSessions(t *testing.T) {
	m := openModel(t, cnnFile(t))
	s := newSession(t, m)
	m.Close()
	if _, err := m.NewSession(); err == nil {
		t.Error("NewSession after Close succeeded")
	}
	// The mapping is still there for the open session.
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if !m.closed {
		t.Error("closing the last session did not release the model")
	}
	if err := s.Run(context.Background()); err == nil {
		t.Error("Run on a closed session succeeded")
	}
}

// A chain of elementwise ops needs two buffers however long it is.
func TestPlannerReusesMemory(t *testing.T) {
	g := &Graph{Inputs: []ValueInfo{{Name: "x", DType: F32, Shape: Dims{Batch, 1000}}}}
	prev := "x"
	for i := 0; i < 10; i++ {
		out := string(rune('a' + i))
		g.Nodes = append(g.Nodes, Node{Name: "n" + out, Op: "relu", Inputs: []string{prev}, Outputs: []string{out}})
		prev = out
	}
	g.Outputs = []ValueInfo{{Name: prev}}
	m := openModel(t, &File{Graph: g})
	s := newSession(t, m, WithBatch(4))
	if want := 3 * alignUp(4*1000*4); s.ArenaBytes() != want {
		t.Errorf("arena %d bytes, want %d (input, output and one scratch buffer)", s.ArenaBytes(), want)
	}
	x := s.Input(0).F32()
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, v := range s.Output(0).F32() {
		if v != max(x[i], 0) {
			t.Fatalf("out[%d] = %v", i, v)
		}
	}
	if _, err := m.NewSession(WithArenaLimit(1000)); err == nil {
		t.Error("arena limit ignored")
	}
}

func TestBatchNormFoldingMatchesUnfolded(t *testing.T) {
	f := cnnFile(t)
	// Also exposing the conv output keeps the batchnorm from folding.
	f.Graph.Outputs = append(f.Graph.Outputs, ValueInfo{Name: "c"})
	unfolded := openModel(t, f)
	folded := openModel(t, cnnFile(t))
	if unfolded.FoldedBatchNorms() != 0 || folded.FoldedBatchNorms() != 1 {
		t.Fatalf("folded %d and %d", unfolded.FoldedBatchNorms(), folded.FoldedBatchNorms())
	}
	a, b := newSession(t, unfolded, WithBatch(2)), newSession(t, folded, WithBatch(2))
	fill(a.Input(0), 5)
	copy(b.Input(0).F32(), a.Input(0).F32())
	a.Run(context.Background())
	b.Run(context.Background())
	closeTo(t, a.Output(0).F32(), b.Output(0).F32(), 1e-5)
}

// Splitting a dense layer over threads (by rows, or by output features
// for one row) and a convolution (by image) gives the single-thread result.
func TestThreadsMatchSingleThread(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	f := &File{
		Graph: &Graph{
			Inputs:  []ValueInfo{{Name: "x", DType: F32, Shape: Dims{Batch, 4, 9, 9}}},
			Outputs: []ValueInfo{{Name: "y"}},
			Nodes: []Node{
				{Name: "conv", Op: "conv2d", Inputs: []string{"x", "cw", ""}, Outputs: []string{"c"}, Attrs: attrs(t, map[string]any{"padding": 1})},
				{Name: "flat", Op: "flatten", Inputs: []string{"c"}, Outputs: []string{"f"}},
				{Name: "fc", Op: "dense", Inputs: []string{"f", "w", "b"}, Outputs: []string{"y"}},
			},
		},
		Tensors: map[string]*Tensor{"cw": randTensor(t, rng, 19, 4, 3, 3), "w": randTensor(t, rng, 301, 19*81), "b": randTensor(t, rng, 301)},
	}
	m := openModel(t, f)
	for _, batch := range []int{1, 5} {
		one, many := newSession(t, m, WithBatch(batch)), newSession(t, m, WithBatch(batch), WithThreads(3))
		fill(one.Input(0), 4)
		copy(many.Input(0).F32(), one.Input(0).F32())
		one.Run(context.Background())
		many.Run(context.Background())
		// Splits may change the summation order of the pure-Go kernels:
		// the bound is relative to the outputs, sums of 1539 products.
		var big float64
		for _, v := range one.Output(0).F32() {
			big = math.Max(big, math.Abs(float64(v)))
		}
		closeTo(t, many.Output(0).F32(), one.Output(0).F32(), 1e-5*big+1e-6)
		if n := testing.AllocsPerRun(5, func() { many.Run(context.Background()) }); n != 0 {
			t.Errorf("threaded Run at batch %d allocates %v times", batch, n)
		}
	}
}

func TestDescribe(t *testing.T) {
	m := openModel(t, cnnFile(t))
	d := m.Describe()
	for _, want := range []string{"input  image F32[-1 3 8 8]", "node   conv conv2d -> cb F32[1 8 4 4]", "output probs F32[1 10]"} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe lacks %q:\n%s", want, d)
		}
	}
	if got := strings.Join(m.MetadataKeys(), " "); got != "checksum format format_version graph provenance" {
		t.Errorf("MetadataKeys = %s", got)
	}
	if got := m.TensorNames(); len(got) != 8 || got[0] != "bn.bias" {
		t.Errorf("TensorNames = %v", got)
	}
	if st, err := os.Stat(writeModel(t, cnnFile(t))); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("written file mode %v, %v", st.Mode(), err)
	}
}

// flatten and reshape share their input's buffer instead of copying it,
// unless the view is a graph output.
func TestViewsShareBuffers(t *testing.T) {
	g := &Graph{
		Inputs: []ValueInfo{{Name: "x", DType: F32, Shape: Dims{Batch, 4, 5}}},
		Nodes: []Node{
			{Name: "r", Op: "relu", Inputs: []string{"x"}, Outputs: []string{"a"}},
			{Name: "f", Op: "flatten", Inputs: []string{"a"}, Outputs: []string{"b"}},
			{Name: "v", Op: "reshape", Inputs: []string{"b"}, Outputs: []string{"c"}, Attrs: attrs(t, map[string]any{"shape": []int{0, 2, 10}})},
			{Name: "s", Op: "sigmoid", Inputs: []string{"c"}, Outputs: []string{"d"}},
			{Name: "o", Op: "flatten", Inputs: []string{"d"}, Outputs: []string{"e"}},
		},
		Outputs: []ValueInfo{{Name: "e"}, {Name: "b"}},
	}
	// "b" and "e" are graph outputs, so they get buffers of their own;
	// "c" is a view of "b".
	m := openModel(t, &File{Graph: g})
	s := newSession(t, m, WithBatch(3))
	a, b, c := s.vals[m.valueID["a"]], s.vals[m.valueID["b"]], s.vals[m.valueID["c"]]
	d, e := s.vals[m.valueID["d"]], s.vals[m.valueID["e"]]
	if &b.data[0] == &a.data[0] || &c.data[0] != &b.data[0] || &e.data[0] == &d.data[0] {
		t.Errorf("views: a %p b %p c %p d %p e %p", &a.data[0], &b.data[0], &c.data[0], &d.data[0], &e.data[0])
	}
	fill(s.Input(0), 2)
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, v := range s.Input(0).F32() {
		r := float64(max(v, 0))
		if want := float32(1 / (1 + math.Exp(-r))); math.Abs(float64(s.Output(0).F32()[i]-want)) > 1e-6 || s.Output(1).F32()[i] != float32(r) {
			t.Fatalf("[%d]: %v, %v for input %v", i, s.Output(0).F32()[i], s.Output(1).F32()[i], v)
		}
	}
}

// A ReLU read only by a max pool is folded into it, and one that is the
// only reader of a same-shape addition into the addition: the ReLU's
// output shares its input's buffer and the pool or the addition rectifies,
// with the same numbers as the ops run apart. A ReLU whose output is also
// read elsewhere (a graph output here), that feeds an average pool, or
// whose addition broadcasts or has another reader, is not folded.
func TestReluFolds(t *testing.T) {
	pool := attrs(t, map[string]any{"kernel": 2, "stride": 2})
	g := &Graph{
		Inputs: []ValueInfo{{Name: "x", DType: F32, Shape: Dims{Batch, 3, 10, 12}}},
		Nodes: []Node{
			{Name: "s", Op: "sigmoid", Inputs: []string{"x"}, Outputs: []string{"x0"}},
			{Name: "sub", Op: "add", Inputs: []string{"x0", "half"}, Outputs: []string{"xs"}},
			{Name: "r1", Op: "relu", Inputs: []string{"xs"}, Outputs: []string{"a"}},
			{Name: "p1", Op: "maxpool2d", Inputs: []string{"a"}, Outputs: []string{"y1"}, Attrs: pool},
			{Name: "r2", Op: "relu", Inputs: []string{"xs"}, Outputs: []string{"b"}},
			{Name: "p2", Op: "maxpool2d", Inputs: []string{"b"}, Outputs: []string{"y2"}, Attrs: pool},
			{Name: "r3", Op: "relu", Inputs: []string{"xs"}, Outputs: []string{"c"}},
			{Name: "p3", Op: "avgpool2d", Inputs: []string{"c"}, Outputs: []string{"y3"}, Attrs: pool},
			{Name: "sum", Op: "add", Inputs: []string{"x", "xs"}, Outputs: []string{"d"}},
			{Name: "r4", Op: "relu", Inputs: []string{"d"}, Outputs: []string{"e"}},
			{Name: "sum2", Op: "add", Inputs: []string{"x", "xs"}, Outputs: []string{"f"}},
			{Name: "r5", Op: "relu", Inputs: []string{"f"}, Outputs: []string{"y5"}},
		},
		Outputs: []ValueInfo{{Name: "y1"}, {Name: "y2"}, {Name: "b"}, {Name: "y3"}, {Name: "e"}, {Name: "f"}, {Name: "y5"}},
	}
	half, _ := NewTensor(F32, 1)
	half.F32()[0] = -0.5
	m := openModel(t, &File{Graph: g, Tensors: map[string]*Tensor{"half": half}})
	types, err := m.infer(2)
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]int{}
	for i, n := range m.nodes {
		index[n.name] = i
	}
	folds := m.reluFolds(types)
	for i, n := range m.nodes {
		want := -1
		switch n.name {
		case "r1":
			want = index["p1"]
		}
		if folds[i] != want {
			t.Errorf("node %s folds into %d, want %d", n.name, folds[i], want)
		}
	}
	s := newSession(t, m, WithBatch(2))
	if xs, a := s.vals[m.valueID["xs"]], s.vals[m.valueID["a"]]; &a.data[0] != &xs.data[0] {
		t.Errorf("folded ReLU's output has a buffer of its own")
	}
	fill(s.Input(0), 5)
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Values centred on zero: some windows are all negative.
	zeros := 0
	for i, v := range s.Output(0).F32() {
		if v != s.Output(1).F32()[i] || v < 0 {
			t.Fatalf("folded [%d] = %v, unfolded %v", i, v, s.Output(1).F32()[i])
		}
		if v == 0 {
			zeros++
		}
	}
	if n := len(s.Output(0).F32()); zeros == 0 || zeros > n/2 {
		t.Errorf("%d of %d pooled values are zero", zeros, n)
	}
	// "e" is a graph output: r4 keeps its pass; r5's sum is an output too.
	for i, v := range s.Output(4).F32() {
		if want := max(s.Output(5).F32()[i], 0); v != want || s.Output(6).F32()[i] != want {
			t.Fatalf("ReLU of sum [%d] = %v and %v, want %v", i, v, s.Output(6).F32()[i], want)
		}
	}
}

// The residual add of a ResNet block and the ReLU after it run as one
// pass, with the numbers of the two ops run apart.
func TestReluFoldsIntoAdd(t *testing.T) {
	g := &Graph{
		Inputs: []ValueInfo{{Name: "x", DType: F32, Shape: Dims{Batch, 4, 6, 6}}, {Name: "y", DType: F32, Shape: Dims{Batch, 4, 6, 6}}},
		Nodes: []Node{
			{Name: "sum", Op: "add", Inputs: []string{"x", "y"}, Outputs: []string{"s"}},
			{Name: "r", Op: "relu", Inputs: []string{"s"}, Outputs: []string{"a"}},
			{Name: "t", Op: "tanh", Inputs: []string{"a"}, Outputs: []string{"out"}},
		},
		Outputs: []ValueInfo{{Name: "out"}},
	}
	m := openModel(t, &File{Graph: g})
	types, err := m.infer(3)
	if err != nil {
		t.Fatal(err)
	}
	folds := m.reluFolds(types)
	if folds[1] != 0 {
		t.Fatalf("folds %v, want the ReLU in the add", folds)
	}
	s := newSession(t, m, WithBatch(3))
	fill(s.Input(0), 6)
	fill(s.Input(1), 7)
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, v := range s.Output(0).F32() {
		want := float32(math.Tanh(float64(max(s.Input(0).F32()[i]+s.Input(1).F32()[i], 0))))
		if math.Abs(float64(v-want)) > 1e-6 {
			t.Fatalf("[%d] = %v, want %v", i, v, want)
		}
	}
}

func TestCRC32CChecksum(t *testing.T) {
	f := cnnFile(t)
	f.Checksum = "crc32c"
	raw := encodeFile(t, f)
	m, err := OpenBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	if sum := m.Metadata(MetaChecksum); !strings.HasPrefix(sum, "crc32c:") || len(sum) != len("crc32c:")+8 {
		t.Errorf("checksum %q", sum)
	}
	raw[len(raw)-5] ^= 0x10
	if _, err := OpenBytes(raw); !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "file hashes to crc32c:") {
		t.Errorf("corrupted crc32c file: %v", err)
	}
	f.Checksum = "md5"
	if err := f.Encode(new(bytes.Buffer)); err == nil {
		t.Error("unknown checksum algorithm accepted by the writer")
	}
}

// A ReLU between two convolutions folds into the second one's padded copy
// of its input, with the numbers of the ReLU run apart (the same graph
// with the ReLU's output also a graph output, which keeps the pass); a
// strided or unpadded consumer does not take it.
func TestReluFoldsIntoConv(t *testing.T) {
	graph := func(extraOut bool, stride int, pad int) *File {
		g := &Graph{
			Inputs: []ValueInfo{{Name: "x", DType: F32, Shape: Dims{Batch, 3, 10, 10}}},
			Nodes: []Node{
				{Name: "c1", Op: "conv2d", Inputs: []string{"x", "w1", "b1"}, Outputs: []string{"a"}, Attrs: attrs(t, map[string]any{"padding": 1})},
				{Name: "r", Op: "relu", Inputs: []string{"a"}, Outputs: []string{"ra"}},
				{Name: "c2", Op: "conv2d", Inputs: []string{"ra", "w2", "b2"}, Outputs: []string{"y"}, Attrs: attrs(t, map[string]any{"padding": pad, "stride": stride})},
			},
			Outputs: []ValueInfo{{Name: "y"}},
		}
		if extraOut {
			g.Outputs = append(g.Outputs, ValueInfo{Name: "ra"})
		}
		r := rand.New(rand.NewSource(4))
		return &File{Graph: g, Tensors: map[string]*Tensor{
			"w1": randTensor(t, r, 8, 3, 3, 3), "b1": randTensor(t, r, 8),
			"w2": randTensor(t, r, 4, 8, 3, 3), "b2": randTensor(t, r, 4),
		}}
	}
	run := func(f *File) ([]int, []float32) {
		m := openModel(t, f)
		types, err := m.infer(2)
		if err != nil {
			t.Fatal(err)
		}
		s := newSession(t, m, WithBatch(2))
		x := s.Input(0).F32()
		r := rand.New(rand.NewSource(5))
		for i := range x {
			x[i] = r.Float32()*2 - 1
		}
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return m.reluFolds(types), append([]float32(nil), s.Output(0).F32()...)
	}
	folds, got := run(graph(false, 1, 1))
	if folds[1] != 2 {
		t.Fatalf("folds %v, want the ReLU in the second convolution", folds)
	}
	apart, want := run(graph(true, 1, 1))
	if apart[1] != -1 {
		t.Fatalf("folds %v with the ReLU's output a graph output", apart)
	}
	for i := range want {
		if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
			t.Fatalf("[%d] folded %v, apart %v", i, got[i], want[i])
		}
	}
	if f, _ := run(graph(false, 2, 1)); f[1] != -1 {
		t.Errorf("folds %v into a strided convolution", f)
	}
	if f, _ := run(graph(false, 1, 0)); f[1] != -1 {
		t.Errorf("folds %v into an unpadded convolution", f)
	}
}

// A 2×2 max pool after a Winograd convolution (and the ReLU between them)
// folds into the convolution's output transform, with the bits of the ops
// run apart (the same graph with the convolution's output also a graph
// output, which keeps every pass); the map between them gets no bytes.
// A 3×3 pool, a strided convolution and a pool with a second reader of
// its input do not fold.
func TestPoolFoldsIntoConv(t *testing.T) {
	var hw int
	graph := func(relu, extraOut bool, pool map[string]any, stride int) *File {
		src := "a"
		nodes := []Node{{Name: "c", Op: "conv2d", Inputs: []string{"x", "w", "b"}, Outputs: []string{"a"},
			Attrs: attrs(t, map[string]any{"padding": 1, "stride": stride})}}
		if relu {
			nodes = append(nodes, Node{Name: "r", Op: "relu", Inputs: []string{"a"}, Outputs: []string{"ra"}})
			src = "ra"
		}
		nodes = append(nodes, Node{Name: "p", Op: "maxpool2d", Inputs: []string{src}, Outputs: []string{"y"}, Attrs: attrs(t, pool)})
		g := &Graph{
			Inputs:  []ValueInfo{{Name: "x", DType: F32, Shape: Dims{Batch, 32, hw, hw}}},
			Nodes:   nodes,
			Outputs: []ValueInfo{{Name: "y"}},
		}
		if extraOut {
			g.Outputs = append(g.Outputs, ValueInfo{Name: "a"})
		}
		r := rand.New(rand.NewSource(8))
		return &File{Graph: g, Tensors: map[string]*Tensor{"w": randTensor(t, r, 64, 32, 3, 3), "b": randTensor(t, r, 64)}}
	}
	run := func(f *File) (pools []int, dead bool, y []float32) {
		m := openModel(t, f)
		types, err := m.infer(3)
		if err != nil {
			t.Fatal(err)
		}
		s := newSession(t, m, WithBatch(3))
		x := s.Input(0).F32()
		r := rand.New(rand.NewSource(9))
		for i := range x {
			x[i] = r.Float32()*2 - 1
		}
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return m.poolFolds(types, m.reluFolds(types)), s.vals[m.valueID["a"]].data == nil, append([]float32(nil), s.Output(0).F32()...)
	}
	two := map[string]any{"kernel": 2, "stride": 2}
	fold := simd.WinogradVectorised()
	// 2×2 tiles (11×11: the pool leaves the last row and column out), and
	// 4×4 ones two rows of tiles at a time (14×14).
	for _, hw = range []int{11, 14} {
		for _, relu := range []bool{false, true} {
			pools, dead, got := run(graph(relu, false, two, 1))
			p := len(pools) - 1
			if want := map[bool]int{true: 0, false: -1}[fold]; pools[p] != want || dead != fold {
				t.Fatalf("%d×%d relu %v: pool folds into %d (no bytes for the map: %v), want %d", hw, hw, relu, pools[p], dead, want)
			}
			apart, _, want := run(graph(relu, true, two, 1))
			if apart[len(apart)-1] != -1 {
				t.Fatalf("relu %v: folds %v with the convolution's output a graph output", relu, apart)
			}
			zeros := 0
			for i := range want {
				if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
					t.Fatalf("relu %v: [%d] folded %v, apart %v", relu, i, got[i], want[i])
				}
				if got[i] == 0 {
					zeros++
				}
			}
			if relu && zeros == 0 {
				t.Errorf("no window of the rectified pool is all negative")
			}
		}
	}
	for _, c := range []struct {
		pool   map[string]any
		stride int
	}{{map[string]any{"kernel": 3, "stride": 2}, 1}, {two, 2}, {map[string]any{"kernel": 2, "stride": 2, "padding": 1}, 1}} {
		if pools, dead, _ := run(graph(true, false, c.pool, c.stride)); pools[len(pools)-1] != -1 || dead {
			t.Errorf("pool %v after a stride-%d convolution folds into %d", c.pool, c.stride, pools[len(pools)-1])
		}
	}
}
