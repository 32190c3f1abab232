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
// Transforms are planned once for a shape (NewWPT2D, NewWPT1D) and then run
// on caller-provided destination and scratch buffers, so a runtime can plan
// all memory up front and a steady-state call allocates nothing.
package codec
