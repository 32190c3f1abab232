// MAXNAN sets dst to Max(a, b) of MaxPool2x2 (NaN kept from either
// argument), with m as scratch: MAXPS returns b when either is NaN, the
// blend puts a back where a is NaN.
#define MAXNAN(a, b, dst, m) \
	VMAXPS    b, a, dst; \
	VCMPPS    $3, a, a, m; \
	VBLENDVPS m, a, dst, dst
