package image

import (
	"bytes"
	"encoding/json"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Layer is a layer to append together with the history line describing it.
type Layer struct {
	Layer     v1.Layer
	CreatedBy string
}

// Assemble appends layers to base and applies cfg. The manifest and config
// are computed once, here, and every layer is found by digest in constant
// time afterwards: a base of ten thousand layers costs ten thousand steps,
// not their square. Layer blobs are not read.
func Assemble(base v1.Image, layers []Layer, cfg Config) (v1.Image, error) {
	m, err := base.Manifest()
	if err != nil {
		return nil, fmt.Errorf("reading the base manifest: %w", err)
	}
	manifest := m.DeepCopy()
	cf, err := base.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading the base config: %w", err)
	}
	cf = cf.DeepCopy()
	if cfg.Healthcheck == nil {
		// Kept whole, so that its StartInterval, which cf lacks, is written.
		if raw, err := base.RawConfigFile(); err == nil {
			cfg.Healthcheck = baseHealthcheck(raw)
		}
	}
	img := &assembled{layers: map[v1.Hash]v1.Layer{}}
	if err := img.indexBase(base, manifest); err != nil {
		return nil, err
	}
	if err := img.append(manifest, cf, layers, cfg); err != nil {
		return nil, err
	}
	if err := cfg.apply(cf); err != nil {
		return nil, err
	}
	if err := img.finish(manifest, cf, cfg); err != nil {
		return nil, err
	}
	return partial.CompressedToImage(img)
}

// assembled is the minimal image core of an assembled image; package partial
// derives the rest of v1.Image from it.
type assembled struct {
	config, manifest []byte
	mediaType        types.MediaType
	layers           map[v1.Hash]v1.Layer
}

var _ partial.CompressedImageCore = (*assembled)(nil)

// indexBase maps the base's layers by digest.
func (a *assembled) indexBase(base v1.Image, m *v1.Manifest) error {
	layers, err := base.Layers()
	if err != nil {
		return fmt.Errorf("reading the base layers: %w", err)
	}
	if len(layers) != len(m.Layers) {
		return fmt.Errorf("the base lists %d layers in its manifest but has %d", len(m.Layers), len(layers))
	}
	for n, l := range layers {
		a.layers[m.Layers[n].Digest] = l
	}
	return nil
}

// append adds layers to the manifest and the config, with a history line each.
func (a *assembled) append(m *v1.Manifest, cf *v1.ConfigFile, layers []Layer, cfg Config) error {
	for _, l := range layers {
		desc, err := partial.Descriptor(l.Layer)
		if err != nil {
			return fmt.Errorf("describing a layer: %w", err)
		}
		diffID, err := l.Layer.DiffID()
		if err != nil {
			return err
		}
		m.Layers = append(m.Layers, v1.Descriptor{MediaType: desc.MediaType, Digest: desc.Digest, Size: desc.Size})
		cf.RootFS.DiffIDs = append(cf.RootFS.DiffIDs, diffID)
		cf.History = append(cf.History, v1.History{
			Author:    "rules_goimage",
			CreatedBy: l.CreatedBy,
			Created:   v1.Time{Time: cfg.created()},
		})
		a.layers[desc.Digest] = l.Layer
	}
	return nil
}

// finish writes the config and the manifest that names it.
func (a *assembled) finish(m *v1.Manifest, cf *v1.ConfigFile, cfg Config) error {
	config, err := json.Marshal(cf)
	if err != nil {
		return err
	}
	if a.config, err = cfg.Healthcheck.withStartInterval(config, cf); err != nil {
		return err
	}
	annotations := cfg.annotations()
	d, size, err := v1.SHA256(bytes.NewReader(a.config))
	if err != nil {
		return err
	}
	m.Config.Digest, m.Config.Size = d, size
	if m.Config.Data != nil {
		m.Config.Data = a.config
	}
	if len(annotations) > 0 && m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	for k, v := range annotations {
		m.Annotations[k] = v
	}
	a.mediaType = m.MediaType
	if a.mediaType == "" {
		a.mediaType = types.OCIManifestSchema1
	}
	a.manifest, err = json.Marshal(m)
	return err
}

func (a *assembled) RawConfigFile() ([]byte, error) { return a.config, nil }
func (a *assembled) RawManifest() ([]byte, error)   { return a.manifest, nil }

func (a *assembled) MediaType() (types.MediaType, error) { return a.mediaType, nil }

func (a *assembled) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if l, ok := a.layers[h]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("the image has no layer %s", h)
}
