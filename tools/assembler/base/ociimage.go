package base

import (
	"bytes"
	"encoding/json"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// ociImage is an image made of a config and layers, with an OCI manifest
// written for them.
type ociImage struct {
	config   []byte
	manifest []byte
	layers   map[v1.Hash]v1.Layer
}

var _ partial.CompressedImageCore = (*ociImage)(nil)

func newOCIImage(config []byte, layers []v1.Layer) (v1.Image, error) {
	m := v1.Manifest{SchemaVersion: 2, MediaType: types.OCIManifestSchema1, Layers: []v1.Descriptor{}}
	cd, _, err := v1.SHA256(bytes.NewReader(config))
	if err != nil {
		return nil, err
	}
	m.Config = v1.Descriptor{MediaType: types.OCIConfigJSON, Digest: cd, Size: int64(len(config))}
	img := &ociImage{config: config, layers: map[v1.Hash]v1.Layer{}}
	for _, l := range layers {
		d, err := partial.Descriptor(l)
		if err != nil {
			return nil, fmt.Errorf("describing a base layer: %w", err)
		}
		m.Layers = append(m.Layers, *d)
		img.layers[d.Digest] = l
	}
	if img.manifest, err = json.Marshal(m); err != nil {
		return nil, err
	}
	return partial.CompressedToImage(img)
}

func (i *ociImage) RawConfigFile() ([]byte, error)      { return i.config, nil }
func (i *ociImage) RawManifest() ([]byte, error)        { return i.manifest, nil }
func (i *ociImage) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }

func (i *ociImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if l, ok := i.layers[h]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("the base has no layer %s", h)
}
