// Package base opens the image that layers are stacked onto.
//
// A base is named by a string: "scratch" for an empty image, or the path of an
// OCI image layout directory. Multi-platform bases are narrowed to the
// manifest for the requested platform; a base that lacks it is an error that
// lists the platforms it has.
package base

import (
	"fmt"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Scratch names the empty base image.
const Scratch = "scratch"

// Base is an opened base image together with what identifies it.
type Base struct {
	Image v1.Image
	// Name is how the user named the base; empty for scratch.
	Name string
	// Digest is the digest of the base manifest; empty for scratch.
	Digest v1.Hash
}

// Open opens the base named by spec for the given platform.
func Open(spec string, platform v1.Platform) (*Base, error) {
	if spec == "" || spec == Scratch {
		return scratch(platform)
	}
	if _, err := os.Stat(filepath.Join(spec, "oci-layout")); err == nil {
		return openLayout(spec, platform)
	}
	return nil, fmt.Errorf("base %q is neither %q nor an OCI image layout directory (a folder with an oci-layout file)", spec, Scratch)
}

func scratch(platform v1.Platform) (*Base, error) {
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS = platform.OS
	cf.Architecture = platform.Architecture
	cf.Variant = platform.Variant
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, err
	}
	return &Base{Image: img}, nil
}
