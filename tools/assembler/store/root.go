package store

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
)

// Root is the image or index that a layout holds, as the verbs that hand
// an image on (push, load, pack, index) take it: exactly one of Image and
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

// AnnotationImageName is where containerd and Docker 25+ record the full
// name of an image in index.json.
const AnnotationImageName = "io.containerd.image.name"

// Root returns the one image or index that index.json lists (once per name
// it carries, as containerd writes it), with the artifacts beside it.
func (s *Store) Root() (*Root, error) {
	idx, err := s.Index()
	if err != nil {
		return nil, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	desc, names, err := rootDescriptor(m.Manifests)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.path, err)
	}
	root := &Root{Descriptor: desc, Names: s.withDockerNames(names)}
	if desc.MediaType.IsIndex() {
		root.Index, err = idx.ImageIndex(desc.Digest)
	} else {
		root.Image, err = idx.Image(desc.Digest)
	}
	if err != nil {
		return nil, err
	}
	for _, d := range m.Manifests {
		// An artifact index has no v1.Image to hand on; it stays behind.
		if KindOf(d) != KindArtifact || !d.MediaType.IsImage() {
			continue
		}
		art, err := s.Image(d)
		if err != nil {
			return nil, fmt.Errorf("reading artifact %s: %w", d.Digest, err)
		}
		root.Referrers = append(root.Referrers, art)
	}
	return root, nil
}

func rootDescriptor(descs []v1.Descriptor) (v1.Descriptor, []string, error) {
	var roots []v1.Descriptor
	names := map[v1.Hash][]string{}
	for _, d := range descs {
		if k := KindOf(d); k != KindImage && k != KindIndex {
			continue
		}
		if _, seen := names[d.Digest]; !seen {
			roots = append(roots, d)
			names[d.Digest] = []string{}
		}
		if n := d.Annotations[AnnotationImageName]; n != "" {
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
	return v1.Descriptor{}, nil, fmt.Errorf("index.json lists %d images (%s); give a layout that holds one image or one image index",
		len(roots), strings.Join(digests, ", "))
}

// withDockerNames adds the names manifest.json gives (RepoTags), when there
// is one: index.json names an image once, manifest.json with every tag.
func (s *Store) withDockerNames(names []string) []string {
	if !s.HasDockerManifest() {
		return names
	}
	raw, err := s.readFile(DockerManifestFile)
	if err != nil {
		return names
	}
	var entries []dockerManifestEntry
	if json.Unmarshal(raw, &entries) != nil {
		return names
	}
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		key := n
		if t, err := name.NewTag(n); err == nil {
			key = t.Name()
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, n)
		}
	}
	for _, n := range names {
		add(n)
	}
	for _, e := range entries {
		for _, n := range e.RepoTags {
			add(n)
		}
	}
	sort.Strings(out)
	return out
}

// FSIndex reads the index of the file system of the image whose manifest
// has digest h, which an import or a build wrote beside the layout
// (fsindex.LayoutFile), or else the indexes of its layers folded
// (WithLayerIndexes); nil when there is none.
func (s *Store) FSIndex(h v1.Hash) (*fsindex.Index, error) {
	name := fsindex.LayoutFile(h)
	if !s.files.exists(name) && len(s.layerIndexes) > 0 {
		return s.foldLayerIndexes(h)
	}
	if !s.files.exists(name) {
		return nil, nil
	}
	b, err := s.readFile(name)
	if err != nil {
		return nil, err
	}
	x := fsindex.New()
	if err := json.Unmarshal(b, x); err != nil {
		return nil, fmt.Errorf("%s: reading %s: %w", s.path, name, err)
	}
	return x, nil
}
