package codec

import "fmt"

// Padding is WaLLoC's compute_padding along one axis: it grows n to the next
// multiple of m (for a J-level transform, m = 2^J) and centres the signal,
// putting the odd sample of padding after it.
func Padding(n, m int) (before, after int) {
	if n < 1 || m < 1 {
		return 0, 0
	}
	out := (n + m - 1) / m * m
	before = (out - n) / 2
	return before, out - n - before
}

// reflectIndex maps i (possibly outside [0, n)) into the signal by mirror
// reflection about the first and last samples without repeating them
// (PyTorch's "reflect", NumPy's "reflect"): -1 → 1, n → n-2. PyTorch
// rejects padding of n or more; here the reflection simply continues
// (period 2n-2), and a single sample repeats.
func reflectIndex(i, n int) int {
	if n == 1 {
		return 0
	}
	p := 2 * (n - 1)
	i = mod(i, p)
	if i >= n {
		i = p - i
	}
	return i
}

// PadReflect2D writes the n×c×h×w tensor src into dst, of shape
// n×c×(top+h+bottom)×(left+w+right), reflect-padded as WaLLoC's pad does
// (torch.nn.functional.pad with mode "reflect").
func PadReflect2D(dst, src []float32, n, c, h, w, top, bottom, left, right int) error {
	if n < 1 || c < 1 || h < 1 || w < 1 || top < 0 || bottom < 0 || left < 0 || right < 0 {
		return fmt.Errorf("%w: PadReflect2D of %dx%dx%dx%d by %d,%d,%d,%d", ErrShape, n, c, h, w, top, bottom, left, right)
	}
	ho, wo := top+h+bottom, left+w+right
	planes := n * c
	if len(src) < planes*h*w || len(dst) < planes*ho*wo {
		return fmt.Errorf("%w: PadReflect2D needs src %d and dst %d floats, have %d and %d",
			ErrShape, planes*h*w, planes*ho*wo, len(src), len(dst))
	}
	for pl := 0; pl < planes; pl++ {
		in := src[pl*h*w : (pl+1)*h*w]
		out := dst[pl*ho*wo : (pl+1)*ho*wo]
		for r := 0; r < ho; r++ {
			sr := in[reflectIndex(r-top, h)*w:][:w]
			dr := out[r*wo : (r+1)*wo]
			padRow(dr, sr, left)
		}
	}
	return nil
}

// padRow copies src into dst at offset left and reflects the rest of dst.
func padRow(dst, src []float32, left int) {
	w := len(src)
	copy(dst[left:], src)
	for i := 0; i < left; i++ {
		dst[i] = src[reflectIndex(i-left, w)]
	}
	for i := left + w; i < len(dst); i++ {
		dst[i] = src[reflectIndex(i-left, w)]
	}
}

// PadReflect1D is PadReflect2D for n×c×l signals: dst is
// n×c×(before+l+after).
func PadReflect1D(dst, src []float32, n, c, l, before, after int) error {
	if n < 1 || c < 1 || l < 1 || before < 0 || after < 0 {
		return fmt.Errorf("%w: PadReflect1D of %dx%dx%d by %d,%d", ErrShape, n, c, l, before, after)
	}
	lo := before + l + after
	rows := n * c
	if len(src) < rows*l || len(dst) < rows*lo {
		return fmt.Errorf("%w: PadReflect1D needs src %d and dst %d floats, have %d and %d",
			ErrShape, rows*l, rows*lo, len(src), len(dst))
	}
	for r := 0; r < rows; r++ {
		padRow(dst[r*lo:(r+1)*lo], src[r*l:(r+1)*l], before)
	}
	return nil
}

// Crop2D undoes PadReflect2D (WaLLoC's crop): from the n×c×h×w tensor src it
// writes the oh×ow window at (top, left) to dst.
func Crop2D(dst, src []float32, n, c, h, w, top, left, oh, ow int) error {
	if n < 1 || c < 1 || oh < 1 || ow < 1 || top < 0 || left < 0 || top+oh > h || left+ow > w {
		return fmt.Errorf("%w: Crop2D of %dx%d at %d,%d from %dx%dx%dx%d", ErrShape, oh, ow, top, left, n, c, h, w)
	}
	planes := n * c
	if len(src) < planes*h*w || len(dst) < planes*oh*ow {
		return fmt.Errorf("%w: Crop2D needs src %d and dst %d floats, have %d and %d",
			ErrShape, planes*h*w, planes*oh*ow, len(src), len(dst))
	}
	for pl := 0; pl < planes; pl++ {
		for r := 0; r < oh; r++ {
			copy(dst[(pl*oh+r)*ow:][:ow], src[(pl*h+top+r)*w+left:][:ow])
		}
	}
	return nil
}

// Crop1D undoes PadReflect1D: the length-ol window at offset before of every
// row of the n×c×l signal src goes to dst.
func Crop1D(dst, src []float32, n, c, l, before, ol int) error {
	if n < 1 || c < 1 || ol < 1 || before < 0 || before+ol > l {
		return fmt.Errorf("%w: Crop1D of %d at %d from %dx%dx%d", ErrShape, ol, before, n, c, l)
	}
	rows := n * c
	if len(src) < rows*l || len(dst) < rows*ol {
		return fmt.Errorf("%w: Crop1D needs src %d and dst %d floats, have %d and %d",
			ErrShape, rows*l, rows*ol, len(src), len(dst))
	}
	for r := 0; r < rows; r++ {
		copy(dst[r*ol:(r+1)*ol], src[r*l+before:][:ol])
	}
	return nil
}
