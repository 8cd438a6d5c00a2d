package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
)

// foldLayerIndexes is the index of the image whose manifest is h, made of
// the indexes of its layers (WithLayerIndexes) applied bottom first. Every
// layer must have one: an index that misses a layer would let a check pass
// on files the image does not have.
func (s *Store) foldLayerIndexes(h v1.Hash) (*fsindex.Index, error) {
	raw, err := s.ReadBlob(h, -1, "manifest")
	if err != nil {
		return nil, err
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parsing manifest %s in %s: %w", h, s.path, err)
	}
	x := fsindex.New()
	for n, l := range m.Layers {
		file, ok := s.layerIndexes[l.Digest]
		if !ok {
			return nil, fmt.Errorf("no index of the files of layer %d of %d (%s) of image %s in %s, though the indexes of other layers are given", n+1, len(m.Layers), l.Digest, h, s.path)
		}
		layer, err := ReadLayerIndex(file)
		if err != nil {
			return nil, err
		}
		x.Apply(layer)
	}
	return x, nil
}

// ReadLayerIndex reads the index of one layer's files that `assembler
// index-layer` wrote.
func ReadLayerIndex(file string) (*fsindex.Layer, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading the index of a layer's files: %w", err)
	}
	l := &fsindex.Layer{}
	if err := json.Unmarshal(b, l); err != nil {
		return nil, fmt.Errorf("%s is not the index of a layer's files: %w", file, err)
	}
	return l, nil
}
