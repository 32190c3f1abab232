package runtime

import "fmt"

// DType is the element type of a tensor. The names match safetensors' dtype
// strings so every tensor in a model file is readable by standard tools.
type DType uint8

// Element types. S8 and S32 are signed integers (safetensors "I8", "I32").
const (
	DTypeInvalid DType = iota
	F32
	F16
	BF16
	S8
	U8
	S32
)

var dtypeNames = [...]string{DTypeInvalid: "invalid", F32: "F32", F16: "F16", BF16: "BF16", S8: "I8", U8: "U8", S32: "I32"}
var dtypeSizes = [...]int{DTypeInvalid: 0, F32: 4, F16: 2, BF16: 2, S8: 1, U8: 1, S32: 4}

// String returns the safetensors name of the type ("F32", "I8", ...).
func (d DType) String() string {
	if int(d) < len(dtypeNames) {
		return dtypeNames[d]
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}

// Size returns the size of one element in bytes, 0 for an invalid type.
func (d DType) Size() int {
	if int(d) < len(dtypeSizes) {
		return dtypeSizes[d]
	}
	return 0
}

// Valid reports whether d is one of the known element types.
func (d DType) Valid() bool { return d > DTypeInvalid && int(d) < len(dtypeNames) }

// ParseDType maps a safetensors dtype name to a DType.
func ParseDType(s string) (DType, error) {
	for i := F32; int(i) < len(dtypeNames); i++ {
		if dtypeNames[i] == s {
			return i, nil
		}
	}
	return DTypeInvalid, fmt.Errorf("unknown dtype %q", s)
}

// MarshalText writes the safetensors name.
func (d DType) MarshalText() ([]byte, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("invalid dtype %d", uint8(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses a safetensors name.
func (d *DType) UnmarshalText(b []byte) error {
	v, err := ParseDType(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
