// Package kern holds the compute kernels of edgerun's op set: plain
// functions over float32 (and int8) slices that the runtime's op wrappers
// call.
//
// Conventions shared by every kernel:
//   - Tensors are dense, row-major, batch first: NCHW for images, NCL for
//     sequences, Outer×Len×Inner around an axis (see Axis).
//   - Each op has a parameter struct with explicit sizes. Its Validate
//     method (or constructor, e.g. NewBroadcast) returns an error for
//     parameters that cannot be computed or whose sizes overflow; the
//     runtime calls it once at load. Kernels trust validated parameters and
//     do not check them again.
//   - Outputs go to a caller-provided dst. Kernels that need working memory
//     take a scratch slice whose length the op's XxxScratch(params)
//     function gives, so a planner can place it in the session arena.
//   - Kernels never allocate and never panic on validated parameters with
//     buffers of the documented lengths.
//   - Float kernels are compared against PyTorch 1.13 float32 results
//     (testdata/torchref, written by gen_torchref.py) with a tolerance
//     stated in each test; integer kernels are bit-exact.
//
// The float kernels are built on one matrix multiply, the package variable
// gemm (GemmFunc: BLAS sgemm semantics, row-major), which is simd's SGEMM:
// the CPU's microkernel chosen at startup, with workspaces from a free list
// that, unlike a sync.Pool, is never emptied (allocation-free once warm,
// also after garbage collections and under the race detector). GemmGeneric
// is the pure-Go version of the same contract. The activations and softmax's exponentials
// run simd's elementwise kernels (within 1 ulp of float32 at every level).
// Tests run every simd-backed kernel at each level simd.Supported() lists.
//
// Load-time packing (the runtime does it once per model, sessions share the
// result):
//
//	dense              PackDense(&p, w) (or PackDenseInto an arena buffer of
//	                   PackedDenseLen(&p) floats) → DensePacked(&p, dst, x, packed, bias):
//	                   no repacking per call, bias fused into the GEMM
//	float conv         NewConvGemm(&p, w, bias) (when p.GemmPath(): all but
//	                   depthwise) packs the weights, bias folded in, as
//	                   simd.PackedA; Run then gathers the im2col panels
//	                   straight from the input (Pad first writes it padded
//	                   and split into stride phases, GemmPadLen floats), with
//	                   the batch folded into the product's columns; over one
//	                   input channel at stride 1 (Direct), RunDirect computes
//	                   the same sums straight from the input; ReluInput folds
//	                   a preceding ReLU into Pad. 3×3 stride-1 layers with
//	                   enough channels and tiles (Winograd) run F(2×2, 3×3)
//	                   instead: weights transformed and packed once as sixteen
//	                   PackedA, RunWino pads each image into its worker's
//	                   scratch (GemmScratchLen), transforms tiles eight at a
//	                   time (simd.WinogradIn), multiplies them in place
//	                   (simd.SgemmPackedAStrided) and transforms back with the
//	                   bias (simd.WinogradOut); within float32 rounding of
//	                   the product, not its bits
//	int8 conv, dense   QConv2DParams.Pack(w), QDenseParams.Pack(w) set the
//	                   params' Packed field; QConv2D/QDense then run simd's
//	                   int8 GEMM (VNNI, SDOT, SMMLA, ...) and, for dense,
//	                   simd's requantisation, with the same bytes out
//	                   (their scratch comes from simd's sync.Pools, so under
//	                   -race those two can allocate)
//
// Float convolutions whose weights are not constant run Conv2D: im2col
// tiles (or Winograd on large 3×3 maps) and a GEMM that packs the weights
// on every call.
//
// Ops and their entry points:
//
//	conv2d, conv1d     ConvGemm (above), or Conv2D(&Conv2DParams, dst, x, w, bias, scratch), Conv2DScratch;
//	                   Conv1D(&Conv1DParams, ...), Conv1DScratch
//	dense (Linear)     Dense(&DenseParams, dst, x, w, bias); DensePacked(&DenseParams, dst, x, packed, bias)
//	gemm (ONNX)        Gemm(&GemmParams, dst, a, b, bias)
//	batched matmul     MatMul(&MatMulParams, dst, a, b)
//	add/sub/mul/div    NewBroadcast(shapeA, shapeB) → Broadcast; Binary(op, &bc, dst, a, b);
//	                   AddRelu(dst, a, b) for a same-shape add with a folded ReLU
//	activations        Relu, Gelu, Silu, Sigmoid, Tanh (dst, x); Clip(dst, x, lo, hi)
//	softmax            AxisOf(shape, axis) → Axis; Softmax(&ax, dst, x)
//	batchnorm          BatchNorm(&BatchNormParams, dst, x, mean, variance, gamma, beta);
//	                   FoldBatchNorm(w, bias, outC, mean, variance, gamma, beta, eps) at load
//	group/layer norm   GroupNorm(&GroupNormParams, dst, x, gamma, beta); LayerNorm(&LayerNormParams, ...)
//	pooling            MaxPool2D / AvgPool2D(&Pool2DParams, dst, x) (Relu folds a ReLU into a
//	                   max pool); GlobalAvgPool(dst, x, rows, spatial)
//	upsample           UpsampleNearest(&UpsampleParams, dst, x)
//	flatten/reshape    no kernel: the data is unchanged
//	transpose          NewPermute(shape, perm) → Permutation; Permute(&p, dst, x)
//	concat             Concat(&ConcatParams, dst, srcs)
//	slice              NewSlice(shape, starts, ends, steps) → Slicing; Slice(&s, dst, x)
//	pad                NewPad(shape, before, after, mode, value) → Padding; Pad(&p, dst, x)
//	argmax, top-k      ArgMax(&ax, dst []int32, x); TopK(&TopKParams, values, indices, x)
//	self-attention     Attention(&AttentionParams, dst, x, &AttentionWeights, scratch), AttentionScratch
//	k-means assign     NearestCentroid(&NearestCentroidParams, dst []int32, x, centroids)
//	int8               Quantize[T], Dequantize[T], CheckQuant[T], CheckZeroPoints[T], RequantMultiplier;
//	                   QConv2D[T](&QConv2DParams, dst, x, w, bias, patches, acc), QConv2DScratch;
//	                   QDense[T](&QDenseParams, dst, x, w, bias, acc), QDenseScratch  (T is uint8 or int8)
//
// Accuracy against PyTorch (max |got - ref| / max(1, max|ref|) per test
// case; the observed errors are 10 to 100 times smaller):
//
//	conv1d/conv2d (all paths, Winograd included), dense, gemm, matmul,
//	attention                                              1e-5
//	group/layer/batch norm                                 2e-6
//	gelu, silu, sigmoid, tanh, softmax, avg pooling        1e-6
//	add/sub/mul/div, relu, clip, max pooling, upsample,
//	permute, concat, slice, pad, argmax, top-k            exact
//	quantize, dequantize, int8 conv/dense, k-means assign exact (vs NumPy)
//
// Int8 layers: activations T with a zero point, symmetric int8 weights,
// int32 bias in units of inScale·weightScale[o], int32 accumulation, then
// requantisation dst = clamp(roundHalfEven(float32(acc)·Mult[o]) + YZero)
// with one float32 product, so all paths and architectures agree bit for
// bit. The int32 products come from simd's int8 GEMM when the weights were
// packed (Pack), otherwise from qgemmRef, which has the same contract
// (C = (A - aZero)·B, A = activations or im2row patches positions × K,
// C positions × outputs).
// A 1-D int8 convolution is QConv2D with Conv1DParams.As2D() geometry.
package kern
