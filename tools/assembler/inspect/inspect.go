// Package inspect describes an image saved as files (an OCI layout directory
// or archive, or a docker save tarball) for people: its names, platforms,
// layers with their sizes, config, and the artifacts attached to it. The
// manifests and configs it prints are verified against their digests.
package inspect

import (
	"errors"
	"fmt"
	"io"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// Describe writes a description of the image at path to w.
func Describe(w io.Writer, path string) error {
	s, err := store.Open(path)
	if err != nil {
		return fmt.Errorf("inspecting %s: %w", path, err)
	}
	defer s.Close()
	p := &printer{w: w}
	p.line(0, "%s", path)
	if s.HasOCIIndex() {
		err = p.layout(s)
	} else if s.HasDockerManifest() {
		err = p.dockerArchive(s)
	} else {
		err = fmt.Errorf("it has neither %s nor %s, so it is neither an OCI image layout nor a docker save tarball", store.IndexFile, store.DockerManifestFile)
	}
	if err != nil {
		return fmt.Errorf("inspecting %s: %w", path, err)
	}
	return p.err
}

func (p *printer) layout(s *store.Store) error {
	idx, err := s.Index()
	if err != nil {
		return err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	described := map[v1.Hash]bool{}
	for _, d := range m.Manifests {
		if names := tagsOf(m.Manifests, d.Digest); !described[d.Digest] && len(names) > 0 {
			p.line(1, "names       %s", strings.Join(names, ", "))
			p.name = names[0]
		}
		if described[d.Digest] {
			continue
		}
		described[d.Digest] = true
		if err := p.manifest(idx, d, 1); err != nil {
			return err
		}
	}
	return nil
}

// tagsOf lists the names index.json gives to digest.
func tagsOf(descs []v1.Descriptor, digest v1.Hash) []string {
	var names []string
	for _, d := range descs {
		if d.Digest != digest {
			continue
		}
		if n := d.Annotations["io.containerd.image.name"]; n != "" {
			names = append(names, n)
		} else if n := d.Annotations["org.opencontainers.image.ref.name"]; n != "" {
			names = append(names, n)
		}
	}
	return names
}

func (p *printer) manifest(idx v1.ImageIndex, d v1.Descriptor, depth int) error {
	switch store.KindOf(d) {
	case store.KindArtifact:
		return p.artifact(idx, d, depth)
	case store.KindAttestation:
		return p.attestation(idx, d, depth)
	case store.KindIndex:
		return p.index(idx, d, depth)
	case store.KindImage:
		img, err := idx.Image(d.Digest)
		var missing *store.MissingBlobError
		if errors.As(err, &missing) {
			// As engines with the containerd image store save them: listed, not
			// there. docker save needs --platform when the engine's own is one.
			want := platformOrArch(d)
			p.line(depth, "image       %s %s: not in the archive (it lacks %s); to add it: docker pull --platform %s %s, then save again (docker save --platform %s %s when the engine's own platform was not pulled)",
				d.Digest, describePlatform(d), missing.Digest, want, p.nameOr("IMAGE"), want, p.nameOr("IMAGE"))
			return nil
		}
		if err != nil {
			return err
		}
		return p.image(img, depth)
	}
	p.line(depth, "%s %s (not an image)", d.MediaType, d.Digest)
	return nil
}

func describePlatform(d v1.Descriptor) string {
	if d.Platform == nil {
		return "(platform unknown)"
	}
	return "for " + platform.String(*d.Platform)
}

// index prints a nested index and what it leads to, each manifest once
// (store.Walk): an index that lists the same child twice, level after level,
// is printed in time linear in its distinct manifests.
func (p *printer) index(idx v1.ImageIndex, d v1.Descriptor, depth int) error {
	child, err := idx.ImageIndex(d.Digest)
	if err != nil {
		return err
	}
	m, err := child.IndexManifest()
	if err != nil {
		return err
	}
	p.line(depth, "index       %s (%d manifests)", d.Digest, len(m.Manifests))
	nodes, err := store.Walk(child)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		switch {
		case n.Missing != nil:
			p.line(depth+1+n.Depth, "index       %s (not in the archive)", n.Descriptor.Digest)
		case store.KindOf(n.Descriptor) == store.KindIndex:
			p.line(depth+1+n.Depth, "index       %s", n.Descriptor.Digest)
		default:
			if err := p.manifest(n.Parent, n.Descriptor, depth+1+n.Depth); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *printer) artifact(idx v1.ImageIndex, d v1.Descriptor, depth int) error {
	if d.MediaType.IsIndex() {
		p.line(depth, "artifact    %s %s (an index)", d.Digest, d.ArtifactType)
		return nil
	}
	img, err := idx.Image(d.Digest)
	if err != nil {
		return err
	}
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	subject := "nothing"
	if m.Subject != nil {
		subject = m.Subject.Digest.String()
	}
	p.line(depth, "artifact    %s %s, refers to %s", d.Digest, m.ArtifactType, subject)
	for _, l := range m.Layers {
		p.line(depth+1, "blob %s  %s  %s", l.Digest, humanSize(l.Size), l.MediaType)
	}
	return nil
}

func (p *printer) dockerArchive(s *store.Store) error {
	images, err := s.DockerImages()
	if err != nil {
		return err
	}
	for _, di := range images {
		if len(di.RepoTags) > 0 {
			p.line(1, "names       %s", strings.Join(di.RepoTags, ", "))
		}
		if err := p.image(di.Image, 1); err != nil {
			return err
		}
	}
	return nil
}
