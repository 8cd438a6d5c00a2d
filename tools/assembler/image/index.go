package image

import (
	"bytes"
	"encoding/json"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Index returns an OCI image index over images, in the order given, each
// described with the platform its config declares. Two images for the same
// platform are an error.
func Index(images []v1.Image) (v1.ImageIndex, error) {
	m := v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{}}
	byDigest := map[v1.Hash]v1.Image{}
	seen := map[string]v1.Hash{}
	for _, img := range images {
		d, err := platformDescriptor(img)
		if err != nil {
			return nil, err
		}
		p := d.Platform.String()
		if prev, ok := seen[p]; ok && prev != d.Digest {
			return nil, fmt.Errorf("two images are for %s (%s and %s); give one image per platform", p, prev, d.Digest)
		}
		if _, ok := seen[p]; ok {
			continue
		}
		seen[p] = d.Digest
		byDigest[d.Digest] = img
		m.Manifests = append(m.Manifests, *d)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return &index{raw: raw, manifest: &m, images: byDigest}, nil
}

func platformDescriptor(img v1.Image) (*v1.Descriptor, error) {
	d, err := partial.Descriptor(img)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading the config of image %s: %w", d.Digest, err)
	}
	if cf.OS == "" || cf.Architecture == "" {
		return nil, fmt.Errorf("image %s does not say its platform (config os/architecture are empty); build it with --platform", d.Digest)
	}
	return &v1.Descriptor{MediaType: d.MediaType, Digest: d.Digest, Size: d.Size, Platform: cf.Platform()}, nil
}

// index is an image index over images held in memory.
type index struct {
	raw      []byte
	manifest *v1.IndexManifest
	images   map[v1.Hash]v1.Image
}

var _ v1.ImageIndex = (*index)(nil)

func (x *index) MediaType() (types.MediaType, error)       { return types.OCIImageIndex, nil }
func (x *index) Size() (int64, error)                      { return int64(len(x.raw)), nil }
func (x *index) RawManifest() ([]byte, error)              { return x.raw, nil }
func (x *index) IndexManifest() (*v1.IndexManifest, error) { return x.manifest.DeepCopy(), nil }

func (x *index) Digest() (v1.Hash, error) {
	h, _, err := v1.SHA256(bytes.NewReader(x.raw))
	return h, err
}

func (x *index) Image(h v1.Hash) (v1.Image, error) {
	if img, ok := x.images[h]; ok {
		return img, nil
	}
	return nil, fmt.Errorf("the index has no image %s", h)
}

func (x *index) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	return nil, fmt.Errorf("the index has no nested index %s", h)
}
