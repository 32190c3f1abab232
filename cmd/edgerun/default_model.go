package main

import (
	"io/fs"

	"github.com/edgerun/edgerun/models"

	"github.com/edgerun/edgerun/runtime"
)

// openDefaultModel opens the pipeline embedded in the binary.
func openDefaultModel() (*runtime.Model, string, error) {
	m, err := models.OpenDefault()
	return m, "default (embedded Fashion-MNIST codec + latent classifier)", err
}

// defaultCodecFiles returns the embedded codec checkpoint and config.
func defaultCodecFiles() (pthBytes, cfgBytes []byte, err error) {
	fsys := models.Default()
	if pthBytes, err = fs.ReadFile(fsys, "codec.pth"); err != nil {
		return nil, nil, err
	}
	cfgBytes, err = fs.ReadFile(fsys, "codec.json")
	return pthBytes, cfgBytes, err
}
