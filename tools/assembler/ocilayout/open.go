// Package ocilayout opens the image or image index that an OCI image layout
// written by the assembler holds, for the verbs that hand it on (push, load).
//
// A layout's index.json lists its root once per name it carries (one
// descriptor per tag, as docker and containerd expect), so descriptors are
// grouped by digest. Referrers stored beside the root (an SBOM whose subject is
// the image) carry an artifactType and are not roots.
package ocilayout

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Root is the image or index that a layout holds: exactly one of Image and
// Index is set.
type Root struct {
	Image      v1.Image
	Index      v1.ImageIndex
	Descriptor v1.Descriptor
	// Names are the image references the layout names the root with
	// (the io.containerd.image.name annotations), sorted.
	Names []string
	// Referrers are the artifacts stored beside the root whose subject is
	// the root or one of its images (SBOMs), in the order index.json lists them.
	Referrers []v1.Image
}

// Digest is the digest of the root's manifest.
func (r *Root) Digest() v1.Hash { return r.Descriptor.Digest }

const annotationImageName = "io.containerd.image.name"

// Open reads the layout in dir and returns its root.
func Open(dir string) (*Root, error) {
	if _, err := os.Stat(filepath.Join(dir, "oci-layout")); err != nil {
		return nil, fmt.Errorf("%q is not an OCI image layout (no oci-layout file); pass the layout directory of an image", dir)
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("reading OCI layout %q: %w", dir, err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("reading index.json of %q: %w", dir, err)
	}
	desc, names, err := rootDescriptor(m.Manifests)
	if err != nil {
		return nil, fmt.Errorf("OCI layout %q: %w", dir, err)
	}
	root := &Root{Descriptor: desc, Names: names}
	if desc.MediaType.IsIndex() {
		root.Index, err = idx.ImageIndex(desc.Digest)
	} else {
		root.Image, err = idx.Image(desc.Digest)
	}
	if err != nil {
		return nil, fmt.Errorf("OCI layout %q: reading %s: %w", dir, desc.Digest, err)
	}
	for _, d := range m.Manifests {
		if isRoot(d) || !d.MediaType.IsImage() {
			continue
		}
		art, err := idx.Image(d.Digest)
		if err != nil {
			return nil, fmt.Errorf("OCI layout %q: reading artifact %s: %w", dir, d.Digest, err)
		}
		root.Referrers = append(root.Referrers, art)
	}
	return root, nil
}

// isRoot tells images and indexes from referrers: a referrer's artifactType
// names what it carries (application/spdx+json), an image's at most its config.
func isRoot(d v1.Descriptor) bool {
	if d.ArtifactType != "" && !types.MediaType(d.ArtifactType).IsConfig() {
		return false
	}
	return d.MediaType.IsImage() || d.MediaType.IsIndex()
}

func rootDescriptor(descs []v1.Descriptor) (v1.Descriptor, []string, error) {
	var roots []v1.Descriptor
	names := map[v1.Hash][]string{}
	for _, d := range descs {
		if !isRoot(d) {
			continue
		}
		if _, seen := names[d.Digest]; !seen {
			roots = append(roots, d)
			names[d.Digest] = []string{}
		}
		if n := d.Annotations[annotationImageName]; n != "" {
			names[d.Digest] = append(names[d.Digest], n)
		}
	}
	switch len(roots) {
	case 0:
		return v1.Descriptor{}, nil, fmt.Errorf("index.json lists no image or image index")
	case 1:
		n := names[roots[0].Digest]
		sort.Strings(n)
		return roots[0], n, nil
	}
	digests := make([]string, len(roots))
	for i, d := range roots {
		digests[i] = d.Digest.String()
	}
	return v1.Descriptor{}, nil, fmt.Errorf("index.json lists %d images (%s); a layout to push or load must hold one image or one image index",
		len(roots), strings.Join(digests, ", "))
}
