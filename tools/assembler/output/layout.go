package output

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	annotationRefName    = "org.opencontainers.image.ref.name"
	annotationImageName  = "io.containerd.image.name"
	ociLayoutFileContent = `{"imageLayoutVersion":"1.0.0"}`
)

// dockerManifestEntry is one image in a Docker archive's manifest.json.
type dockerManifestEntry struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// writeImage writes img as an OCI layout with a Docker manifest.json beside
// it, naming it with tags (each a full image reference such as "app:v1").
func writeImage(s sink, img v1.Image, tags []string) error {
	refs, err := parseTags(tags)
	if err != nil {
		return err
	}
	desc, err := imageDescriptor(img)
	if err != nil {
		return err
	}
	if err := addBytes(s, "oci-layout", []byte(ociLayoutFileContent)); err != nil {
		return err
	}
	if err := addJSON(s, "index.json", ociIndex(*desc, refs)); err != nil {
		return err
	}
	entry, err := writeBlobs(s, img)
	if err != nil {
		return err
	}
	for _, r := range refs {
		entry.RepoTags = append(entry.RepoTags, r.String())
	}
	return addJSON(s, "manifest.json", []dockerManifestEntry{*entry})
}

func parseTags(tags []string) ([]name.Tag, error) {
	refs := make([]name.Tag, 0, len(tags))
	for _, t := range tags {
		ref, err := name.NewTag(t)
		if err != nil {
			return nil, fmt.Errorf("tag %q is not a valid image reference such as \"app:v1\": %w", t, err)
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

func imageDescriptor(img v1.Image) (*v1.Descriptor, error) {
	mt, err := img.MediaType()
	if err != nil {
		return nil, err
	}
	digest, err := img.Digest()
	if err != nil {
		return nil, err
	}
	size, err := img.Size()
	if err != nil {
		return nil, err
	}
	return &v1.Descriptor{MediaType: mt, Digest: digest, Size: size}, nil
}

// ociIndex lists the image once per tag, as docker and containerd expect, or
// once without a name when there are no tags.
func ociIndex(desc v1.Descriptor, refs []name.Tag) v1.IndexManifest {
	idx := v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex}
	if len(refs) == 0 {
		idx.Manifests = []v1.Descriptor{desc}
	}
	for _, r := range refs {
		d := desc
		d.Annotations = map[string]string{
			annotationImageName: r.Name(),
			annotationRefName:   r.TagStr(),
		}
		idx.Manifests = append(idx.Manifests, d)
	}
	return idx
}

// writeBlobs writes the layers, config and manifest of img under blobs/ and
// returns the Docker manifest entry that points at them.
func writeBlobs(s sink, img v1.Image) (*dockerManifestEntry, error) {
	if err := s.addDir("blobs"); err != nil {
		return nil, err
	}
	if err := s.addDir("blobs/sha256"); err != nil {
		return nil, err
	}
	entry := &dockerManifestEntry{}
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("reading layers: %w", err)
	}
	written := map[v1.Hash]bool{}
	for _, l := range layers {
		digest, err := l.Digest()
		if err != nil {
			return nil, err
		}
		entry.Layers = append(entry.Layers, blobPath(digest))
		if written[digest] {
			continue
		}
		written[digest] = true
		if err := addLayer(s, l, digest); err != nil {
			return nil, err
		}
	}
	configName, err := img.ConfigName()
	if err != nil {
		return nil, err
	}
	entry.Config = blobPath(configName)
	config, err := img.RawConfigFile()
	if err != nil {
		return nil, err
	}
	if err := addBytes(s, blobPath(configName), config); err != nil {
		return nil, err
	}
	digest, err := img.Digest()
	if err != nil {
		return nil, err
	}
	manifest, err := img.RawManifest()
	if err != nil {
		return nil, err
	}
	return entry, addBytes(s, blobPath(digest), manifest)
}

func addLayer(s sink, l v1.Layer, digest v1.Hash) error {
	size, err := l.Size()
	if err != nil {
		return err
	}
	rc, err := l.Compressed()
	if err != nil {
		return fmt.Errorf("reading layer %s: %w", digest, err)
	}
	defer rc.Close()
	return s.addFile(blobPath(digest), size, rc)
}

func blobPath(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

func addBytes(s sink, name string, b []byte) error {
	return s.addFile(name, int64(len(b)), bytes.NewReader(b))
}

func addJSON(s sink, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return addBytes(s, name, b)
}
