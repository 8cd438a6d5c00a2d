package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Index returns the image index that the layout's index.json holds. The
// layout must declare the one layout version there is, 1.0.0, in its
// oci-layout file.
func (s *Store) Index() (v1.ImageIndex, error) {
	if !s.files.exists(IndexFile) {
		return nil, fmt.Errorf("%s has no %s, so it is not an OCI image layout", s.path, IndexFile)
	}
	if err := s.checkLayoutVersion(); err != nil {
		return nil, err
	}
	raw, err := s.readFile(IndexFile)
	if err != nil {
		return nil, err
	}
	return s.newIndex(raw, IndexFile)
}

// checkLayoutVersion reads the oci-layout file, which tells the layout's
// format: engines refuse a layout without it.
func (s *Store) checkLayoutVersion() error {
	if !s.files.exists(OCILayoutFile) {
		return fmt.Errorf("%s has an %s but no %s file, so it is not a complete OCI image layout; write it again with the tool that made it, or add the file: {\"imageLayoutVersion\":\"1.0.0\"}", s.path, IndexFile, OCILayoutFile)
	}
	raw, err := s.readFile(OCILayoutFile)
	if err != nil {
		return err
	}
	var l struct {
		Version string `json:"imageLayoutVersion"`
	}
	if err := json.Unmarshal(raw, &l); err != nil || l.Version != "1.0.0" {
		return fmt.Errorf("%s: its %s file does not declare imageLayoutVersion 1.0.0 (it holds %.60q); only that version of the OCI image layout exists", s.path, OCILayoutFile, raw)
	}
	return nil
}

// storeIndex is an image index whose children are read from the store.
type storeIndex struct {
	store    *Store
	raw      []byte
	manifest *v1.IndexManifest
}

var _ v1.ImageIndex = (*storeIndex)(nil)

func (s *Store) newIndex(raw []byte, what string) (*storeIndex, error) {
	m, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parsing %s in %s: %w", what, s.path, err)
	}
	return &storeIndex{store: s, raw: raw, manifest: m}, nil
}

func (x *storeIndex) MediaType() (types.MediaType, error) {
	if x.manifest.MediaType == "" {
		return types.OCIImageIndex, nil
	}
	return x.manifest.MediaType, nil
}

func (x *storeIndex) Digest() (v1.Hash, error) {
	h, _, err := v1.SHA256(bytes.NewReader(x.raw))
	return h, err
}

func (x *storeIndex) Size() (int64, error)         { return int64(len(x.raw)), nil }
func (x *storeIndex) RawManifest() ([]byte, error) { return x.raw, nil }

func (x *storeIndex) IndexManifest() (*v1.IndexManifest, error) { return x.manifest.DeepCopy(), nil }

func (x *storeIndex) Image(h v1.Hash) (v1.Image, error) {
	desc, err := x.child(h)
	if err != nil {
		return nil, err
	}
	return x.store.Image(desc)
}

func (x *storeIndex) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	desc, err := x.child(h)
	if err != nil {
		return nil, err
	}
	raw, err := x.store.ReadBlob(desc.Digest, desc.Size, "image index")
	if err != nil {
		return nil, err
	}
	return x.store.newIndex(raw, "index "+h.String())
}

func (x *storeIndex) child(h v1.Hash) (v1.Descriptor, error) {
	for _, d := range x.manifest.Manifests {
		if d.Digest == h {
			return d, nil
		}
	}
	return v1.Descriptor{}, fmt.Errorf("%s: the index lists no manifest %s", x.store.path, h)
}

// ManifestRole describes the manifest a descriptor points at, for messages.
func ManifestRole(d v1.Descriptor) string {
	if d.Platform != nil {
		return "the " + d.Platform.String() + " image manifest"
	}
	return "the image manifest"
}
