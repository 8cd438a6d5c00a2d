package base

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// source is an opened base: what it holds, what it is called, and how to
// release it.
type source struct {
	inv *inventory
	// name is the base's own name for the annotation, when its images do
	// not carry one: the registry reference.
	name string
	// repository is the registry repository of a registry base.
	repository string
	// fsIndex reads the file system index an import wrote for an image;
	// nil for sources that have none.
	fsIndex func(v1.Hash) (*fsindex.Index, error)
	close   func() error
}

// openSource reads the base that spec names.
func openSource(ctx context.Context, spec string, o options) (*source, error) {
	if _, err := os.Stat(spec); err == nil {
		return openFileSource(spec, o)
	}
	if looksLikeReference(spec) {
		return openRemoteSource(ctx, spec, o)
	}
	return nil, fmt.Errorf("base %q: no such file or directory; a base is %q, an OCI layout directory, an OCI archive, a docker save or containerd export tarball, or a registry reference pinned by digest (registry/repo@sha256:...)", spec, Scratch)
}

// openFileSource opens a layout directory, an OCI archive or an image
// tarball. index.json wins over manifest.json when an archive has both
// (Docker 25+, containerd), since only it records platforms.
func openFileSource(path string, o options) (*source, error) {
	s, err := store.Open(path, o.storeOptions...)
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", o.named(path), err)
	}
	inv := &inventory{}
	switch {
	case s.HasOCIIndex():
		err = inv.fromLayout(s)
	case s.HasDockerManifest():
		err = inv.fromDockerArchive(s)
	default:
		err = fmt.Errorf("it has neither %s nor %s, so it is neither an OCI image layout nor an image archive (docker save, ctr export, crane, ko)", store.IndexFile, store.DockerManifestFile)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("base %s: %w", o.named(path), err)
	}
	return &source{inv: inv, close: s.Close, fsIndex: s.FSIndex}, nil
}

func (inv *inventory) fromLayout(s *store.Store) error {
	idx, err := s.Index()
	if err != nil {
		return err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	if roots := distinctDigests(m.Manifests); len(roots) == 1 {
		inv.digest = roots[0]
	}
	return inv.addIndex(idx)
}

func distinctDigests(descs []v1.Descriptor) []v1.Hash {
	var out []v1.Hash
	seen := map[v1.Hash]bool{}
	for _, d := range descs {
		if !seen[d.Digest] && store.KindOf(d) != store.KindArtifact {
			seen[d.Digest] = true
			out = append(out, d.Digest)
		}
	}
	return out
}

// fromDockerArchive takes the images of a manifest.json, whose images have
// no manifest of their own: each gets a made-up one.
func (inv *inventory) fromDockerArchive(s *store.Store) error {
	images, err := s.DockerImages()
	if isMissing(err) {
		return fmt.Errorf("%w; the archive is incomplete: save the image again (docker save IMAGE)", err)
	}
	if err != nil {
		return err
	}
	for _, di := range images {
		p, err := imagePlatform(di.Image, v1.Descriptor{})
		if err != nil || p == nil {
			return err
		}
		d, err := partial.Descriptor(di.Image)
		if err != nil {
			return err
		}
		c := candidate{platform: *p, desc: *d, load: loaded(di.Image), madeUp: true, single: true}
		if len(di.RepoTags) > 0 {
			c.name = di.RepoTags[0]
		}
		inv.images = append(inv.images, c)
	}
	return nil
}

// looksLikeReference tells a registry reference from a mistyped path.
func looksLikeReference(spec string) bool {
	_, err := name.ParseReference(spec)
	return err == nil && !strings.HasPrefix(spec, ".") && !strings.HasPrefix(spec, "/")
}
