package push

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// mountable returns root with every layer marked as mountable from the
// repository from, when from is on the destination's registry. The registry
// then links the blobs it already holds there instead of receiving them; a
// layer that from lacks (the Go binary's) is uploaded as usual after the
// registry declines the mount.
func mountable(root *store.Root, from string, dest name.Repository, opts []name.Option) (*store.Root, error) {
	src, err := name.NewRepository(from, opts...)
	if err != nil {
		return nil, fmt.Errorf("--mount-from %q is not a repository such as registry.example.com/base/static: %w", from, err)
	}
	if src.RegistryStr() != dest.RegistryStr() || src.String() == dest.String() {
		return root, nil
	}
	// A reference inside the source repository; only its repository is used.
	ref := src.Tag("latest")
	out := *root
	if root.Index != nil {
		out.Index = &mountableIndex{innerIndex: root.Index, from: ref}
	} else {
		out.Image = &mountableImage{Image: root.Image, from: ref}
	}
	return &out, nil
}

type mountableImage struct {
	v1.Image
	from name.Reference
}

func (i *mountableImage) Layers() ([]v1.Layer, error) {
	layers, err := i.Image.Layers()
	if err != nil {
		return nil, err
	}
	out := make([]v1.Layer, len(layers))
	for n, l := range layers {
		out[n] = &remote.MountableLayer{Layer: l, Reference: i.from}
	}
	return out, nil
}

func (i *mountableImage) LayerByDigest(h v1.Hash) (v1.Layer, error) {
	l, err := i.Image.LayerByDigest(h)
	if err != nil {
		return nil, err
	}
	return &remote.MountableLayer{Layer: l, Reference: i.from}, nil
}

// innerIndex lets mountableIndex embed an index and still define the
// index's ImageIndex method.
type innerIndex = v1.ImageIndex

type mountableIndex struct {
	innerIndex
	from name.Reference
}

func (i *mountableIndex) Image(h v1.Hash) (v1.Image, error) {
	img, err := i.innerIndex.Image(h)
	if err != nil {
		return nil, err
	}
	return &mountableImage{Image: img, from: i.from}, nil
}

func (i *mountableIndex) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	idx, err := i.innerIndex.ImageIndex(h)
	if err != nil {
		return nil, err
	}
	return &mountableIndex{innerIndex: idx, from: i.from}, nil
}

var (
	_ v1.Image      = (*mountableImage)(nil)
	_ v1.ImageIndex = (*mountableIndex)(nil)
)
