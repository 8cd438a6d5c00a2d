package image

import (
	"bytes"
	"encoding/json"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// emptyConfig is the OCI 1.1 empty descriptor's content, the config of
// artifacts that have no config of their own.
const (
	emptyConfig          = "{}"
	emptyConfigMediaType = types.MediaType("application/vnd.oci.empty.v1+json")
)

// Artifact returns an OCI 1.1 artifact manifest that carries content, of
// type artifactType, and refers to subject: what the referrers API of a
// registry, and tools reading an OCI layout, list for the subject.
func Artifact(subject v1.Image, artifactType types.MediaType, content []byte, annotations map[string]string) (v1.Image, error) {
	sd, err := partial.Descriptor(subject)
	if err != nil {
		return nil, fmt.Errorf("describing the artifact's subject: %w", err)
	}
	blob := static.NewLayer(content, artifactType)
	bd, err := partial.Descriptor(blob)
	if err != nil {
		return nil, err
	}
	config, _ := EmptyConfig()
	config.Data = []byte(emptyConfig)
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		ArtifactType:  string(artifactType),
		Config:        config,
		Layers:        []v1.Descriptor{{MediaType: bd.MediaType, Digest: bd.Digest, Size: bd.Size}},
		Subject:       &v1.Descriptor{MediaType: sd.MediaType, Digest: sd.Digest, Size: sd.Size},
		Annotations:   annotations,
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return partial.CompressedToImage(&artifact{raw: raw, blob: blob, blobDigest: bd.Digest})
}

// EmptyConfig is the OCI 1.1 empty descriptor and its content, "{}": the
// config of artifacts that have no config of their own.
func EmptyConfig() (v1.Descriptor, []byte) {
	h, size, _ := v1.SHA256(bytes.NewReader([]byte(emptyConfig)))
	return v1.Descriptor{MediaType: emptyConfigMediaType, Digest: h, Size: size}, []byte(emptyConfig)
}

// artifact is the minimal image core of an artifact manifest.
type artifact struct {
	raw        []byte
	blob       v1.Layer
	blobDigest v1.Hash
}

func (a *artifact) RawConfigFile() ([]byte, error)      { return []byte(emptyConfig), nil }
func (a *artifact) RawManifest() ([]byte, error)        { return a.raw, nil }
func (a *artifact) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }

func (a *artifact) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if h == a.blobDigest {
		return a.blob, nil
	}
	return nil, fmt.Errorf("the artifact has no blob %s", h)
}
