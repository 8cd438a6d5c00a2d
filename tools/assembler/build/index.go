package build

import (
	"context"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// IndexRequest is an image index of images built for one platform each,
// and the outputs to write it to.
type IndexRequest struct {
	// Images are layout directories or image archives that hold one
	// platform's image each, with the artifacts that refer to it (its SBOM,
	// its provenance), which come along; the index lists them in order.
	Images []string
	// Tags name the index in the outputs.
	Tags []string
	// DockerPlatform selects the image the tarball's manifest.json names
	// (default: the first); Docker's classic loader reads only that file.
	DockerPlatform *v1.Platform
	// Thin says the images are thin layouts: their layers are not read,
	// and only a ThinLayout can be written.
	Thin bool
	// FollowSymlinks follows symlinks that lead out of a layout directory.
	FollowSymlinks bool
	// Open opens an image of Images with the store options the request
	// needs (default store.Open): a caller that names images otherwise,
	// such as by the image.json of the Bazel rules, reads them its way.
	Open    func(path string, opts ...store.Option) (*store.Store, error)
	Outputs Outputs
}

// Index combines the images r names into one image index and writes it to
// the outputs, all of them or none; it returns the index.
func Index(ctx context.Context, r *IndexRequest) (v1.ImageIndex, error) {
	c := output.Content{Tags: r.Tags, DockerPlatform: r.DockerPlatform}
	images, closeAll, err := r.readImages(&c)
	defer closeAll()
	if err != nil {
		return nil, err
	}
	if c.Index, err = image.Index(images); err != nil {
		return nil, err
	}
	return c.Index, r.Outputs.Write(ctx, c)
}

// readImages opens each image of the request, adds its artifacts and file
// system index to c, and returns the images and how to close their stores.
func (r *IndexRequest) readImages(c *output.Content) ([]v1.Image, func(), error) {
	var stores []*store.Store
	closeAll := func() {
		for _, s := range stores {
			s.Close()
		}
	}
	var images []v1.Image
	for _, p := range r.Images {
		open := r.Open
		if open == nil {
			open = store.Open
		}
		s, err := open(p, r.storeOptions()...)
		if err != nil {
			return nil, closeAll, fmt.Errorf("--image %s: %w", p, err)
		}
		stores = append(stores, s)
		img, refs, err := singleImage(s)
		if err == nil {
			err = addFSIndex(c, s, img)
		}
		if err != nil {
			return nil, closeAll, fmt.Errorf("--image %s: %w", p, err)
		}
		images = append(images, img)
		c.Referrers = append(c.Referrers, refs...)
	}
	return images, closeAll, nil
}

func (r *IndexRequest) storeOptions() []store.Option {
	var opts []store.Option
	if r.Thin {
		opts = append(opts, store.WithLayersElsewhere())
	}
	if r.FollowSymlinks {
		opts = append(opts, store.WithFollowSymlinks())
	}
	return opts
}

// singleImage returns the one image of a layout and the artifacts that
// refer to it.
func singleImage(s *store.Store) (v1.Image, []v1.Image, error) {
	root, err := s.Root()
	if err != nil {
		return nil, nil, err
	}
	if root.Index != nil {
		return nil, nil, fmt.Errorf("it holds an image index; give images for one platform each")
	}
	return root.Image, root.Referrers, nil
}

// addFSIndex carries an image's file system index into the index's layout,
// for the checks of images built on one of its platforms.
func addFSIndex(c *output.Content, s *store.Store, img v1.Image) error {
	d, err := img.Digest()
	if err != nil {
		return err
	}
	idx, err := s.FSIndex(d)
	if err != nil || idx == nil {
		return err
	}
	if c.FSIndexes == nil {
		c.FSIndexes = map[v1.Hash]*fsindex.Index{}
	}
	c.FSIndexes[d] = idx
	return nil
}
