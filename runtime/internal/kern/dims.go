package kern

import (
	"errors"
	"fmt"
)

// ErrTooLarge is wrapped by Validate errors of parameters whose buffer sizes
// would not fit in an int.
var ErrTooLarge = errors.New("kern: size overflows")

// maxElems bounds every element count and size a kernel handles (2 GiB of
// float32): sums of a few sizes, paddings and strides then stay far from
// int overflow on 32-bit targets as well.
const maxElems = 1 << 29

// checkDims reports an error unless every dimension is non-negative and
// their product is at most maxElems.
func checkDims(dims ...int) error {
	n := 1
	for _, d := range dims {
		if d < 0 {
			return fmt.Errorf("negative dimension %d", d)
		}
		if d == 0 {
			n = 0
			continue
		}
		if n > maxElems/d {
			return fmt.Errorf("%w: %v", ErrTooLarge, dims)
		}
		n *= d
	}
	return nil
}
