package base

import (
	"fmt"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// toOCI returns img with OCI media types. Docker gzip layers are the same
// bytes as OCI gzip layers and keep their digests; uncompressed layers are
// compressed into workDir.
func toOCI(img v1.Image, workDir string) (v1.Image, error) {
	config, err := img.RawConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading the base config: %w", err)
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("reading the base layers: %w", err)
	}
	out := make([]v1.Layer, 0, len(layers))
	for n, l := range layers {
		converted, err := ociLayer(l, workDir)
		if err != nil {
			return nil, fmt.Errorf("base layer %d of %d: %w", n+1, len(layers), err)
		}
		out = append(out, converted)
	}
	return newOCIImage(config, out)
}

func ociLayer(l v1.Layer, workDir string) (v1.Layer, error) {
	mt, err := l.MediaType()
	if err != nil {
		return nil, err
	}
	switch mt {
	case types.OCILayer, types.OCILayerZStd:
		return l, nil
	case types.DockerLayer:
		return &mediaTypeLayer{Layer: l, mediaType: types.OCILayer}, nil
	case types.OCIUncompressedLayer, types.DockerUncompressedLayer:
		return compress(l, workDir)
	}
	return nil, fmt.Errorf("has media type %q, which a Linux image for a Go binary does not use; pick a base without foreign or non-distributable layers", mt)
}

// compress gzips an uncompressed layer. The blob is verified as it is read
// (its digest is its diff_id), so the result's diff_id is trustworthy.
func compress(l v1.Layer, workDir string) (v1.Layer, error) {
	rc, err := l.Compressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	f, err := os.CreateTemp(workDir, "base-layer-*.tar.gz")
	if err != nil {
		return nil, fmt.Errorf("creating a file for the compressed layer: %w", err)
	}
	f.Close()
	return layer.Compress(rc, f.Name())
}

// mediaTypeLayer is a layer under another media type for the same bytes.
type mediaTypeLayer struct {
	v1.Layer
	mediaType types.MediaType
}

func (l *mediaTypeLayer) MediaType() (types.MediaType, error) { return l.mediaType, nil }
