package output

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// Content is what an output holds.
type Content struct {
	// Image or Index (exactly one) is what index.json names with the tags.
	Image v1.Image
	Index v1.ImageIndex
	// Tags are full image references such as "example.com/app:v1".
	Tags []string
	// Referrers are artifacts, such as an SBOM, whose subject is the image or
	// an image of the index. index.json lists them after the image, so tools
	// reading the layout (oras, for one) find them.
	Referrers []v1.Image
	// Thin leaves out the images' layer blobs: the output holds index.json,
	// the manifests, the configs and the referrers, and the layers stay
	// where they are (a base's in its repository, the others beside their
	// descriptors). Bazel actions write thin layouts, so an image costs no
	// copy of its base; pack, push and load read them with the layers' files.
	Thin bool
	// FSIndexes are the file system indexes of the images, by manifest
	// digest, which a thin layout keeps (fsindex.LayoutFile) for the checks
	// of images built on it.
	FSIndexes map[v1.Hash]*fsindex.Index
	// DockerPlatform selects the image of an index that manifest.json names.
	// Docker's classic loader reads only manifest.json and loads all it
	// lists, so it names one image, which `docker load` then tags; the
	// default is the index's first image.
	DockerPlatform *v1.Platform
}

func (c Content) root() (partial.Describable, error) {
	switch {
	case c.Image != nil && c.Index == nil:
		return c.Image, nil
	case c.Index != nil && c.Image == nil:
		return c.Index, nil
	}
	return nil, fmt.Errorf("an output holds an image or an index")
}

// dockerImage is the image that manifest.json names.
func (c Content) dockerImage() (v1.Image, error) {
	if c.Image != nil {
		return c.Image, nil
	}
	m, err := c.Index.IndexManifest()
	if err != nil {
		return nil, err
	}
	for _, d := range m.Manifests {
		if store.KindOf(d) == store.KindImage && (c.DockerPlatform == nil || (d.Platform != nil && d.Platform.Satisfies(*c.DockerPlatform))) {
			return c.Index.Image(d.Digest)
		}
	}
	if c.DockerPlatform != nil {
		return nil, fmt.Errorf("the index has no %s image for manifest.json; pick one of its platforms", c.DockerPlatform.String())
	}
	return nil, fmt.Errorf("the index has no image")
}

func parseTags(tags []string) ([]name.Tag, error) {
	refs := make([]name.Tag, 0, len(tags))
	for _, t := range tags {
		ref, err := name.NewTag(t)
		if err != nil {
			return nil, fmt.Errorf("tag %q is not a valid image reference such as \"app:v1\": %w", t, err)
		}
		refs = append(refs, ref)
	}
	return refs, nil
}
