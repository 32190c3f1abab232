// Package runtime is edgerun's inference engine: it loads a deployment
// file, checks it completely, and runs its graph with no allocation per
// inference.
//
// A model file (see FORMAT.md) is a safetensors container whose metadata
// holds the graph, op attributes, provenance and a SHA-256 (or CRC-32C)
// checksum. Open maps it read-only and validates every offset, size, name,
// op, attribute and shape before anything runs; a bad file is an error
// wrapping ErrCorruptModel that names the tensor or node, never a panic.
// Batch norms that follow a convolution or dense layer are folded into it
// at load.
//
// A Session binds the model at one batch size. At creation it infers every
// shape, plans all activations and per-op working memory into one arena by
// liveness (buffers whose lifetimes do not overlap share memory), and binds
// each node to its kernel, so Run is a loop of direct calls that allocates
// nothing. Weights stay in the mapped file: peak memory is the touched
// weights plus the arena. Sessions on one Model may run concurrently, one
// per goroutine; each may split large ops over a few threads of its own.
//
//	m, err := runtime.Open("model.edgerun")
//	s, err := m.NewSession(runtime.WithBatch(4))
//	copy(s.Input(0).F32(), frames)
//	err = s.Run(ctx)
//	probs := s.Output(0).F32()
//
// File writes the same format atomically, for importers and tests.
package runtime
