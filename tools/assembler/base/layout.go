package base

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

func openLayout(dir string, platform v1.Platform) (*Base, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("reading OCI layout %q: %w", dir, err)
	}
	img, desc, err := pickPlatform(idx, platform)
	if err != nil {
		return nil, fmt.Errorf("base %q: %w", dir, err)
	}
	return &Base{Image: img, Name: dir, Digest: desc.Digest}, nil
}

// pickPlatform walks an index (and nested indexes) for the image whose
// platform matches. An image descriptor without a platform is matched by
// reading its config.
func pickPlatform(idx v1.ImageIndex, want v1.Platform) (v1.Image, v1.Descriptor, error) {
	var seen []string
	img, desc, err := findPlatform(idx, want, &seen)
	if err != nil || img != nil {
		return img, desc, err
	}
	have := "none"
	if len(seen) > 0 {
		have = strings.Join(seen, ", ")
	}
	return nil, v1.Descriptor{}, fmt.Errorf("no image for platform %s (it has: %s); pick one of those platforms or use a base that includes %s", want.String(), have, want.String())
}

func findPlatform(idx v1.ImageIndex, want v1.Platform, seen *[]string) (v1.Image, v1.Descriptor, error) {
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, v1.Descriptor{}, err
	}
	for _, desc := range m.Manifests {
		if desc.MediaType.IsIndex() {
			child, err := idx.ImageIndex(desc.Digest)
			if err != nil {
				return nil, v1.Descriptor{}, fmt.Errorf("reading index %s: %w", desc.Digest, err)
			}
			if img, d, err := findPlatform(child, want, seen); err != nil || img != nil {
				return img, d, err
			}
			continue
		}
		if !desc.MediaType.IsImage() {
			continue
		}
		p, err := descriptorPlatform(idx, desc)
		if err != nil {
			return nil, v1.Descriptor{}, err
		}
		*seen = append(*seen, p.String())
		if p.Satisfies(want) {
			img, err := idx.Image(desc.Digest)
			return img, desc, err
		}
	}
	return nil, v1.Descriptor{}, nil
}

func descriptorPlatform(idx v1.ImageIndex, desc v1.Descriptor) (v1.Platform, error) {
	if desc.Platform != nil {
		return *desc.Platform, nil
	}
	img, err := idx.Image(desc.Digest)
	if err != nil {
		return v1.Platform{}, fmt.Errorf("reading image %s: %w", desc.Digest, err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return v1.Platform{}, fmt.Errorf("reading config of image %s: %w", desc.Digest, err)
	}
	if p := cf.Platform(); p != nil {
		return *p, nil
	}
	return v1.Platform{}, nil
}
