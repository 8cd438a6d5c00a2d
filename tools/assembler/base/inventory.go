package base

import (
	"errors"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// candidate is an image a base offers, for one platform.
type candidate struct {
	platform v1.Platform
	// desc is the image manifest's descriptor; classic docker archives,
	// which hold no manifests, have a made-up one.
	desc v1.Descriptor
	// name is what the base calls the image, such as "example.com/base:v1".
	name string
	// madeUp marks a manifest the base does not have (classic docker
	// archives): its digest names nothing outside this build.
	madeUp bool
	// load reads the image; an inventory of files has read it already.
	load func() (v1.Image, error)
	// single marks an image the base holds by itself, not in an index.
	single bool
	// note is why the image serves a platform its config does not name.
	note string
}

// inventory is what a base holds: the images that can be used, and what it
// lists but lacks (engines with the containerd image store save every
// platform's manifest descriptor, but only the platforms they pulled).
type inventory struct {
	images []candidate
	// missing lists what the base lists but lacks: "linux/arm64", or
	// "image sha256:..." when its platform is unknown too.
	missing []string
	// lacks is why the first listed image that is missing a blob cannot be
	// read; it names the blob.
	lacks error
	// digest is the base's top-level manifest or index; zero for classic
	// docker archives, which have none.
	digest v1.Hash
	// lazy leaves images unread until they are picked: for a registry, where
	// each read is a request, and which holds every blob it lists.
	lazy bool
	// name is the name the base records for its image, for messages.
	name string
}

// addIndex takes the images of idx, walking nested indexes once each.
func (inv *inventory) addIndex(idx v1.ImageIndex) error {
	nodes, err := store.Walk(idx)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if err := inv.addNode(n); err != nil {
			return err
		}
	}
	return nil
}

func (inv *inventory) addNode(n store.Node) error {
	d := n.Descriptor
	if inv.name == "" {
		inv.name = recordedName(n.Top)
	}
	switch {
	case n.Missing != nil:
		inv.missing = append(inv.missing, "index "+d.Digest.String())
		inv.noteLack(n.Missing)
		return nil
	case store.KindOf(d) != store.KindImage:
		return nil // an SBOM, a signature, an attestation, or an index already walked
	}
	name := n.Top.Annotations[store.AnnotationImageName]
	load := func() (v1.Image, error) { return n.Parent.Image(d.Digest) }
	if inv.lazy && d.Platform != nil && d.Platform.OS != "" {
		inv.images = append(inv.images, candidate{platform: *d.Platform, desc: d, name: name, load: load, single: n.Depth == 0})
		return nil
	}
	img, err := load()
	if isMissing(err) {
		inv.missing = append(inv.missing, describeListed(d))
		inv.noteLack(err)
		return nil
	}
	if err != nil {
		return err
	}
	p, err := imagePlatform(img, d)
	if err != nil || p == nil {
		return err
	}
	inv.images = append(inv.images, candidate{platform: *p, desc: d, name: name, load: loaded(img), single: n.Depth == 0})
	return nil
}

func (inv *inventory) noteLack(err error) {
	if inv.lacks == nil {
		inv.lacks = err
	}
}

// describeListed names an image the base lists but lacks.
func describeListed(d v1.Descriptor) string {
	if d.Platform != nil && d.Platform.OS != "" {
		return platform.String(*d.Platform)
	}
	return "image " + d.Digest.String() + " (platform unknown)"
}

// imagePlatform is the platform of an image: its descriptor's, else its
// config's; nil for images that do not run (attestations: unknown/unknown).
func imagePlatform(img v1.Image, d v1.Descriptor) (*v1.Platform, error) {
	if d.Platform != nil && d.Platform.OS != "" {
		return d.Platform, nil
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading the config of image %s: %w", d.Digest, err)
	}
	if cf.OS == "unknown" {
		return nil, nil
	}
	p := cf.Platform()
	if p == nil {
		p = &v1.Platform{}
	}
	return p, nil
}

func isMissing(err error) bool {
	var m *store.MissingBlobError
	return errors.As(err, &m)
}

// present lists the platforms of the images the base has, complete.
func (inv *inventory) present() []string {
	var out []string
	for _, c := range inv.images {
		if c.platform.OS == "" || c.platform.Architecture == "" {
			out = append(out, "an image whose config names no os and architecture")
			continue
		}
		out = append(out, platform.String(c.platform))
	}
	return unique(out)
}

// loaded is the load function of an image already read.
func loaded(img v1.Image) func() (v1.Image, error) {
	return func() (v1.Image, error) { return img, nil }
}

// addImage takes a single image, not in an index: its config tells its
// platform.
func (inv *inventory) addImage(img v1.Image, d v1.Descriptor) error {
	p, err := imagePlatform(img, v1.Descriptor{Digest: d.Digest})
	if err != nil || p == nil {
		return err
	}
	inv.images = append(inv.images, candidate{platform: *p, desc: d, load: loaded(img), single: true})
	return nil
}
