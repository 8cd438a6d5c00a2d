package base

import (
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
	"github.com/rules-goimage/rules_goimage/tools/assembler/verify"
)

// IndexLayer reads the layer h of an image of s (the layer of a base that
// was imported without its layers, read from where WithRemoteBlobs says)
// and returns the index of its files, as an import makes it: checked in the
// same pass against its digest, its media type and its diff_id.
func IndexLayer(s *store.Store, h v1.Hash) (*fsindex.Layer, error) {
	l, err := findLayer(s, h)
	if err != nil {
		return nil, err
	}
	d, err := partial.Descriptor(l)
	if err != nil {
		return nil, err
	}
	diffID, err := l.DiffID()
	if err != nil {
		return nil, err
	}
	entries := &fsindex.Layer{}
	check, err := verify.NewLayerChecker(d.MediaType, diffID, "layer "+h.String(), entries.Add)
	if err != nil {
		return nil, err
	}
	rc, err := l.Compressed()
	if err != nil {
		check.Close()
		return nil, err
	}
	defer rc.Close()
	_, err = io.Copy(check, rc)
	if cerr := check.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return entries, nil
}

// findLayer finds the layer h in an image that s holds.
func findLayer(s *store.Store, h v1.Hash) (v1.Layer, error) {
	root, err := s.Root()
	if err != nil {
		return nil, err
	}
	images := []v1.Image{root.Image}
	if root.Index != nil {
		nodes, err := store.Walk(root.Index)
		if err != nil {
			return nil, err
		}
		images = images[:0]
		for _, n := range nodes {
			if store.KindOf(n.Descriptor) != store.KindImage {
				continue
			}
			img, err := n.Parent.Image(n.Descriptor.Digest)
			if err != nil {
				return nil, err
			}
			images = append(images, img)
		}
	}
	for _, img := range images {
		if l, err := img.LayerByDigest(h); err == nil {
			return l, nil
		}
	}
	return nil, fmt.Errorf("no image in %s has the layer %s", s.Path(), h)
}
