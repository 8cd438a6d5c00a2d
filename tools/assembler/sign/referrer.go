package sign

import (
	"encoding/json"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
)

// referrer is the OCI 1.1 referrer of subject that holds the layers of a
// signature image, shaped as cosign writes it: for signatures, the
// signature image's manifest with the artifactType as its config's media
// type (WriteSignaturesExperimentalOCI); for attestations, the layers
// with the empty config (WriteAttestationsReferrer). Pushing it through
// go-containerregistry also records it in the fallback tag
// (sha256-<hex>) of registries without the referrers API.
func referrer(sigs v1.Image, subject v1.Descriptor, k kind) (v1.Image, error) {
	m, err := sigs.Manifest()
	if err != nil {
		return nil, err
	}
	config, err := sigs.RawConfigFile()
	if err != nil {
		return nil, err
	}
	rm := m.DeepCopy()
	rm.MediaType = types.OCIManifestSchema1
	rm.ArtifactType = k.artifactType
	rm.Config.MediaType = types.MediaType(k.artifactType)
	if k.emptyConfig {
		rm.Config, config = image.EmptyConfig()
	}
	rm.Subject = &v1.Descriptor{MediaType: subject.MediaType, Digest: subject.Digest, Size: subject.Size}
	raw, err := json.Marshal(rm)
	if err != nil {
		return nil, err
	}
	return partial.CompressedToImage(&referrerImage{raw: raw, config: config, sigs: sigs})
}

// referrerImage is the minimal image core of a referrer manifest.
type referrerImage struct {
	raw, config []byte
	sigs        v1.Image
}

func (r *referrerImage) RawConfigFile() ([]byte, error)      { return r.config, nil }
func (r *referrerImage) RawManifest() ([]byte, error)        { return r.raw, nil }
func (r *referrerImage) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }

func (r *referrerImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	l, err := r.sigs.LayerByDigest(h)
	if err != nil {
		return nil, fmt.Errorf("the referrer has no blob %s: %w", h, err)
	}
	return l, nil
}
