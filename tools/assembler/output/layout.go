package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

const (
	annotationRefName    = "org.opencontainers.image.ref.name"
	annotationImageName  = "io.containerd.image.name"
	ociLayoutFileContent = `{"imageLayoutVersion":"1.0.0"}`
)

// writeContent writes c as an OCI layout with a Docker manifest.json beside
// it: oci-layout, index.json, the blobs, then manifest.json.
func writeContent(s sink, c Content) error {
	refs, err := parseTags(c.Tags)
	if err != nil {
		return err
	}
	root, err := c.root()
	if err != nil {
		return err
	}
	index, err := ociIndex(root, refs, c.Referrers)
	if err != nil {
		return err
	}
	if err := writeLayoutFiles(s, index); err != nil {
		return err
	}
	w := newBlobWriter(s)
	w.withoutLayers = c.Thin
	if err := writeAllBlobs(w, c); err != nil {
		return err
	}
	if c.Thin {
		if err := writeFSIndexes(s, c.FSIndexes); err != nil {
			return err
		}
	}
	// A thin layout keeps manifest.json too: engines with the classic image
	// store read only it.
	return writeDockerManifest(s, c, refs)
}

// ociIndex lists the root once per tag, each entry named by its tag, then
// the referrers. Engines that read index.json (Docker 25+ with the
// containerd image store, podman) name an image with each entry's
// annotations, so one entry per tag has them apply every tag; the entries
// are the same descriptor, so tools that take a layout's one image (skopeo's
// oci-archive:, crane) still find one. docker load on engines with the
// classic image store takes every tag from manifest.json.
func ociIndex(root partial.Describable, refs []name.Tag, referrers []v1.Image) (*v1.IndexManifest, error) {
	desc, err := partial.Descriptor(root)
	if err != nil {
		return nil, err
	}
	idx := newIndexManifest()
	rootDesc := v1.Descriptor{MediaType: desc.MediaType, Digest: desc.Digest, Size: desc.Size}
	if len(refs) == 0 {
		idx.Manifests = append(idx.Manifests, rootDesc)
	}
	for _, ref := range refs {
		named := rootDesc
		named.Annotations = map[string]string{annotationImageName: containerdName(ref), annotationRefName: ref.TagStr()}
		idx.Manifests = append(idx.Manifests, named)
	}
	for _, ref := range referrers {
		d, err := referrerDescriptor(ref)
		if err != nil {
			return nil, err
		}
		idx.Manifests = append(idx.Manifests, *d)
	}
	return idx, nil
}

func newIndexManifest() *v1.IndexManifest {
	return &v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{}}
}

// writeLayoutFiles writes the two files that make a folder an OCI image
// layout, which only this package writes: oci-layout and index.json.
func writeLayoutFiles(s sink, index *v1.IndexManifest) error {
	if err := addBytes(s, store.OCILayoutFile, []byte(ociLayoutFileContent)); err != nil {
		return err
	}
	return addJSON(s, store.IndexFile, index)
}

// containerdName is the full name that containerd and Docker 25+ record:
// Docker Hub is "docker.io", as they spell it, not "index.docker.io".
func containerdName(t name.Tag) string {
	if t.RegistryStr() == name.DefaultRegistry {
		return "docker.io/" + t.RepositoryStr() + ":" + t.TagStr()
	}
	return t.Name()
}

func referrerDescriptor(ref v1.Image) (*v1.Descriptor, error) {
	d, err := partial.Descriptor(ref)
	if err != nil {
		return nil, err
	}
	m, err := ref.Manifest()
	if err != nil {
		return nil, err
	}
	return &v1.Descriptor{MediaType: d.MediaType, Digest: d.Digest, Size: d.Size, ArtifactType: m.ArtifactType}, nil
}

func writeAllBlobs(w *blobWriter, c Content) error {
	if err := w.start(); err != nil {
		return err
	}
	if c.Image != nil {
		if err := w.image(c.Image); err != nil {
			return err
		}
	} else if err := w.index(c.Index); err != nil {
		return err
	}
	for _, r := range c.Referrers {
		if err := w.image(r); err != nil {
			return fmt.Errorf("writing a referrer: %w", err)
		}
	}
	return nil
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

// writeFSIndexes writes the file system indexes, in digest order.
func writeFSIndexes(s sink, indexes map[v1.Hash]*fsindex.Index) error {
	if len(indexes) == 0 {
		return nil
	}
	digests := make([]v1.Hash, 0, len(indexes))
	for d := range indexes {
		digests = append(digests, d)
	}
	sort.Slice(digests, func(i, j int) bool { return digests[i].String() < digests[j].String() })
	if err := s.addDir(fsindex.LayoutDir); err != nil {
		return err
	}
	for _, d := range digests {
		if err := addJSON(s, fsindex.LayoutFile(d), indexes[d]); err != nil {
			return err
		}
	}
	return nil
}
