package base

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// pick returns the one image of the inventory for want.
func (inv *inventory) pick(want v1.Platform) (*candidate, error) {
	var found []candidate
	for _, c := range inv.images {
		if platform.Satisfies(c.platform, want) {
			found = append(found, c)
		}
	}
	distinct := map[v1.Hash]bool{}
	for _, c := range found {
		distinct[c.desc.Digest] = true
	}
	switch {
	case len(distinct) == 1:
		return &found[0], nil
	case len(distinct) > 1:
		return nil, fmt.Errorf("it holds %d different %s images; keep one image per platform (save or copy just the one you want)", len(distinct), platform.String(want))
	}
	if c := inv.platformless(want); c != nil {
		return c, nil
	}
	return nil, inv.absent(want)
}

// platformless is the base's one image, for want, when it holds nothing
// but a single image (no index) whose config names no os and architecture,
// as `crane append --oci-empty-base` writes it: it can only have been meant
// for the platform asked for. Nil otherwise.
func (inv *inventory) platformless(want v1.Platform) *candidate {
	if len(inv.images) != 1 || len(inv.missing) > 0 {
		return nil
	}
	c := inv.images[0]
	if !c.single || c.platform.OS != "" || c.platform.Architecture != "" {
		return nil
	}
	c.platform = want
	c.note = fmt.Sprintf("the base image's config names no os and architecture; it is used as the %s image, and the image's config says %s",
		platform.String(want), platform.String(want))
	return &c
}

// pickAll returns the images for the platforms wanted, in that order, or
// every complete image when none is named.
func (inv *inventory) pickAll(wants []v1.Platform) ([]candidate, error) {
	if len(wants) == 0 {
		if len(inv.images) == 0 {
			return nil, inv.empty()
		}
		return inv.images, nil
	}
	var out []candidate
	seen := map[string]bool{}
	for _, w := range wants {
		c, err := inv.pick(w)
		if err != nil {
			return nil, err
		}
		// An image that names its platform is written once, however many
		// spellings of it are wanted; one that names none, once for each.
		key := c.desc.Digest.String()
		if c.note != "" {
			key += " " + platform.String(c.platform)
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, *c)
		}
	}
	return out, nil
}

// absent explains why the base has no image for want: it never had one, or
// it lists one but lacks its blobs.
func (inv *inventory) absent(want v1.Platform) error {
	have := listOrNone(inv.present())
	lists := false
	for _, m := range inv.missing {
		lists = lists || m == platform.String(want) || strings.Contains(m, "platform unknown") || strings.HasPrefix(m, "index ")
	}
	if !lists {
		err := fmt.Errorf("no image for platform %s (it has: %s); pick one of those platforms or use a base that includes %s", platform.String(want), have, platform.String(want))
		if len(inv.missing) > 0 {
			err = fmt.Errorf("%w. It also lists but lacks: %s", err, listOrNone(unique(inv.missing)))
		}
		return err
	}
	return &IncompleteError{Want: want, Name: inv.name, Cause: inv.lacks, Present: inv.present(), Missing: unique(inv.missing)}
}

// empty explains a base without a single complete image.
func (inv *inventory) empty() error {
	if len(inv.missing) > 0 {
		return &IncompleteError{Name: inv.name, Cause: inv.lacks, Missing: unique(inv.missing)}
	}
	return fmt.Errorf("it holds no image")
}

// IncompleteError reports a base that lists images whose blobs it lacks.
type IncompleteError struct {
	// Want is the platform asked for; empty when any would do.
	Want v1.Platform
	// Name is the name the base records for the image; empty when none.
	Name    string
	Cause   error
	Present []string
	Missing []string
}

func (e *IncompleteError) Error() string {
	image := e.Name
	if image == "" {
		image = "IMAGE"
	}
	what := "it lacks the blobs of every image it lists"
	want := "os/arch"
	if e.Want.OS != "" {
		what = fmt.Sprintf("its %s image is incomplete", platform.String(e.Want))
		want = platform.String(e.Want)
	}
	return fmt.Sprintf("%s: %v. Complete images in it: %s; listed but missing: %s. "+
		"`docker save` on engines that use the containerd image store (Docker 25+), like `ctr image export`, "+
		"lists every platform of an image but saves only the platforms that were pulled. "+
		"Fix: run `docker pull --platform %s %s` and save it again "+
		"(`docker save --platform %s %s` when the engine's own platform was not pulled: docker save fails without it then), "+
		"or use the registry reference %s@sha256:... as the base (goimage.pull)",
		what, e.Cause, listOrNone(e.Present), listOrNone(e.Missing), want, image, want, image, repository(image))
}

// recordedName is the name a layout's index.json gives an image:
// containerd's full name, or the reference name when it is a full one (not
// only a tag).
func recordedName(d v1.Descriptor) string {
	if n := d.Annotations[store.AnnotationImageName]; n != "" {
		return n
	}
	if n := d.Annotations["org.opencontainers.image.ref.name"]; strings.ContainsAny(n, "/:") {
		return n
	}
	return ""
}

// repository is image without its tag, to name a digest reference after.
func repository(image string) string {
	if t, err := name.NewTag(image); err == nil {
		return strings.TrimSuffix(image, ":"+t.TagStr())
	}
	return image
}

func (e *IncompleteError) Unwrap() error { return e.Cause }

func unique(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
