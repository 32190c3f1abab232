package main

import (
	"errors"

	"github.com/edgerun/edgerun/runtime"
)

// openDefaultModel opens the pipeline embedded in the binary.
func openDefaultModel() (*runtime.Model, string, error) {
	return nil, "", errors.New("no model given: pass --model FILE")
}
