// Package codec holds the signal-processing half of the WaLLoC codec: wavelet
// filters, the one-level DWT and the J-level wavelet packet transform in 1D
// and 2D with periodization, WaLLoC's centred reflect padding, the
// Gaussian-CDF companding that maps projected coefficients to int8 latents
// and back, and the bitstream that carries them.
//
// Every transform agrees with the reference implementation users compare
// against (WaLLoC on top of pytorch_wavelets) to float32 rounding; the
// package's tests check that against recorded reference vectors.
//
// # Transforms
//
// NewWPT2D and NewWPT1D plan a packet transform for one tensor shape (NCHW
// or NCL float32, any batch). The plan reports the output shape, the element
// counts and ScratchLen; Forward and Inverse then run on caller-provided
// destination and scratch buffers and allocate nothing, so a runtime can
// plan all memory up front. J = 1 is the ordinary one-level DWT. Channel
// c·4+f of each level holds band f ∈ {LL, LH, HL, HH} of channel c of the
// previous level (c·2+f with f ∈ {L, H} in 1D), which is WaLLoC's order.
//
// Filters are Bior44 (the wavelet WaLLoC uses), Haar, or any PyWavelets-style
// bank from NewFilter. bior4.4 runs as CDF 9/7 lifting (about half the
// arithmetic of the convolution, same result to float32 rounding) in simd's
// lifting kernels, and where every level's size is even, all levels of a
// plane stream in one pass: each row a level emits goes straight to the
// next level's transforms, so only the input and the last level's bands
// leave the cache. ForwardProject adds WaLLoC's 1×1 projection to the
// stream: each row of coefficients is projected as soon as it exists, and
// the coefficients are never stored.
//
// Companding's Quantize looks each value up among the float32 points where
// the latent steps, found once per bit depth with the reference
// computation itself: the reference's bits without evaluating erf.
//
// The reversible integer CDF 5/3 (JPEG 2000) has its own int32 API:
// CDF53Forward, CDF53Inverse and their 2D forms.
//
// # Padding
//
// Padding gives WaLLoC's compute_padding for one axis (grow to a multiple of
// 2^J, centred); PadReflect2D, PadReflect1D, Crop2D and Crop1D apply and undo
// it.
//
// # Companding
//
// Compander implements WaLLoC's ToUniform / round / ToNormal for latent bit
// depths 2..8: Quantize turns projected coefficients into int8 latents,
// Dequantize turns latents back into coefficients for the decoder.
package codec
