package runtime

import (
	"bufio"
	"bytes"
	"context"
	"math/rand"
	"os"
	"path/filepath"
	goruntime "runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// bigFile is a ~50 MB model: conv2d (3→16, 3x3) → relu → flatten →
// dense (16·32·32 → 768, 50 MB of F32 weights) → softmax.
func bigFile(tb testing.TB) *File {
	rng := rand.New(rand.NewSource(3))
	return &File{
		Graph: &Graph{
			Inputs:  []ValueInfo{{Name: "image", DType: F32, Shape: Dims{Batch, 3, 32, 32}}},
			Outputs: []ValueInfo{{Name: "probs"}},
			Nodes: []Node{
				{Name: "conv", Op: "conv2d", Inputs: []string{"image", "conv.w", "conv.b"}, Outputs: []string{"c"}, Attrs: attrs(tb, map[string]any{"padding": 1})},
				{Name: "act", Op: "relu", Inputs: []string{"c"}, Outputs: []string{"r"}},
				{Name: "flat", Op: "flatten", Inputs: []string{"r"}, Outputs: []string{"f"}},
				{Name: "fc", Op: "dense", Inputs: []string{"f", "fc.w", "fc.b"}, Outputs: []string{"logits"}},
				{Name: "sm", Op: "softmax", Inputs: []string{"logits"}, Outputs: []string{"probs"}},
			},
		},
		Tensors: map[string]*Tensor{
			"conv.w": randTensor(tb, rng, 16, 3, 3, 3),
			"conv.b": randTensor(tb, rng, 16),
			"fc.w":   randTensor(tb, rng, 768, 16*32*32),
			"fc.b":   randTensor(tb, rng, 768),
		},
	}
}

// writeBig writes the big model once per benchmark and frees the copy the
// writer held, so it does not count towards the peak RSS measured later.
func writeBig(b *testing.B) string {
	path := filepath.Join(b.TempDir(), "big.edgerun")
	if err := bigFile(b).WriteFile(path); err != nil {
		b.Fatal(err)
	}
	goruntime.GC()
	debug.FreeOSMemory()
	return path
}

func BenchmarkOpen50MB(b *testing.B) {
	path := writeBig(b)
	st, _ := os.Stat(path)
	f := bigFile(b)
	f.Checksum = "crc32c"
	crcPath := filepath.Join(b.TempDir(), "big-crc32c.edgerun")
	if err := f.WriteFile(crcPath); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		opts       []Option
	}{
		{"mmap-deferred", path, []Option{WithDeferredChecksum()}},
		{"mmap-sha256", path, nil},
		{"mmap-crc32c", crcPath, nil},
		{"read-sha256", path, []Option{WithoutMmap()}},
	} {
		path := c.path
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(st.Size())
			for b.Loop() {
				m, err := Open(path, c.opts...)
				if err != nil {
					b.Fatal(err)
				}
				m.Close()
			}
			b.ReportMetric(float64(st.Size())/1e6, "file-MB")
		})
	}
}

// BenchmarkRun50MB reports run time with the peak RSS of opening and
// running the model (weights mapped, one arena), next to the weights' and
// the arena's sizes.
func BenchmarkRun50MB(b *testing.B) {
	path := writeBig(b)
	for _, batch := range []int{1, 8} {
		b.Run("batch="+strconv.Itoa(batch), func(b *testing.B) {
			resetPeakRSS()
			m, err := Open(path, WithDeferredChecksum())
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			s, err := m.NewSession(WithBatch(batch))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			fill(s.Input(0), 1)
			for b.Loop() {
				if err := s.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(m.WeightsBytes())/1e6, "weights-MB")
			b.ReportMetric(float64(s.ArenaBytes())/1e6, "arena-MB")
			if hwm := peakRSS(); hwm > 0 {
				b.ReportMetric(float64(hwm)/1e6, "peak-RSS-MB")
			}
		})
	}
}

// resetPeakRSS asks Linux to restart VmHWM from the current RSS (writing
// 5 to clear_refs); elsewhere it does nothing.
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads VmHWM from /proc/self/status, in bytes (0 if unknown).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			f := strings.Fields(v)
			if n, err := strconv.ParseInt(f[0], 10, 64); err == nil && len(f) == 2 && f[1] == "kB" {
				return n << 10
			}
		}
	}
	return 0
}
