// Loads and stores of partial vectors shared by the Winograd kernels.

// LOAD2 loads four floats at P0 into the low half of Y/X, four at P1
// into its high half.
#define LOAD2(P0, P1, Y, X) \
	VMOVUPS     P0, X \
	VINSERTF128 $1, P1, Y, Y

// STORE8 writes the first W (0..8) floats of Y/X at P, in pieces of 8, 4,
// 2 and 1 (clobbering Y, P and W); L is a label prefix.
#define STORE8(Y, X, P, W, L8, L4, L2, L1) \
	CMPQ W, $8 \
	JLT  L8 \
	VMOVUPS Y, (P) \
	JMP  L1 \
L8: \
	CMPQ W, $4 \
	JLT  L4 \
	VMOVUPS X, (P) \
	ADDQ $16, P \
	SUBQ $4, W \
	VEXTRACTF128 $1, Y, X \
L4: \
	CMPQ W, $2 \
	JLT  L2 \
	VMOVSD X, (P) \
	ADDQ $8, P \
	SUBQ $2, W \
	VMOVHLPS X, X, X \
L2: \
	CMPQ W, $1 \
	JLT  L1 \
	VMOVSS X, (P) \
L1:
