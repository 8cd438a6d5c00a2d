package base

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// match is an image of the wanted platform, with the descriptor chain's
// top-level descriptor (whose annotations name the image).
type match struct {
	image v1.Image
	desc  v1.Descriptor
	top   v1.Descriptor
}

// picker walks an index for the images of one platform, noting which
// platforms are present and which are listed but missing.
type picker struct {
	want    v1.Platform
	present []string
	missing []string
	matches []match
	// failed is why a listed image of the wanted platform could not be read.
	failed error
}

// pickPlatform returns the one image in idx for want.
func pickPlatform(idx v1.ImageIndex, want v1.Platform) (*match, error) {
	p := &picker{want: want}
	if err := p.walk(idx, nil); err != nil {
		return nil, err
	}
	return p.result()
}

func (p *picker) walk(idx v1.ImageIndex, top *v1.Descriptor) error {
	m, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, d := range m.Manifests {
		t := top
		if t == nil {
			t = &d
		}
		if err := p.visit(idx, d, *t); err != nil {
			return err
		}
	}
	return nil
}

func (p *picker) visit(idx v1.ImageIndex, d, top v1.Descriptor) error {
	switch {
	case store.IsArtifact(d):
		return nil // an SBOM or signature, not an image
	case d.MediaType.IsIndex():
		child, err := idx.ImageIndex(d.Digest)
		if isMissing(err) {
			p.missing = append(p.missing, "index "+d.Digest.String())
			return nil
		}
		if err != nil {
			return err
		}
		return p.walk(child, &top)
	case d.MediaType.IsImage():
		return p.image(idx, d, top)
	}
	return nil
}

func (p *picker) image(idx v1.ImageIndex, d, top v1.Descriptor) error {
	plat, img, err := descriptorPlatform(idx, d)
	if isMissing(err) {
		// Its platform is unknown, so it may be the one wanted.
		p.missing = append(p.missing, "image "+d.Digest.String()+" (platform unknown)")
		p.failed = err
		return nil
	}
	if err != nil || plat == nil {
		return err
	}
	if !satisfies(*plat, p.want) {
		p.present = append(p.present, plat.String())
		return nil
	}
	if img == nil {
		img, err = idx.Image(d.Digest)
	}
	if err != nil {
		if !isMissing(err) {
			return err
		}
		p.missing = append(p.missing, plat.String())
		p.failed = err
		return nil
	}
	p.present = append(p.present, plat.String())
	p.matches = append(p.matches, match{image: img, desc: d, top: top})
	return nil
}

// descriptorPlatform is the platform of the image d points at; images that
// do not run (attestations: unknown/unknown) have none. The image is returned
// when it had to be read to find out.
func descriptorPlatform(idx v1.ImageIndex, d v1.Descriptor) (*v1.Platform, v1.Image, error) {
	if d.Platform != nil {
		if d.Platform.OS == "unknown" {
			return nil, nil, nil
		}
		return d.Platform, nil, nil
	}
	img, err := idx.Image(d.Digest)
	if err != nil {
		return nil, nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the config of image %s: %w", d.Digest, err)
	}
	if cf.OS == "" || cf.OS == "unknown" {
		return nil, nil, nil
	}
	return cf.Platform(), img, nil
}

// satisfies is v1.Platform.Satisfies, with arm64 and arm64/v8 taken as the
// same platform: registries and engines write either.
func satisfies(have, want v1.Platform) bool {
	return normalize(have).Satisfies(normalize(want))
}

func normalize(p v1.Platform) v1.Platform {
	if p.Architecture == "arm64" && p.Variant == "v8" {
		p.Variant = ""
	}
	return p
}

func isMissing(err error) bool {
	var m *store.MissingBlobError
	return errors.As(err, &m)
}

func (p *picker) result() (*match, error) {
	distinct := map[v1.Hash]match{}
	for _, m := range p.matches {
		distinct[m.desc.Digest] = m
	}
	switch {
	case len(distinct) == 1:
		return &p.matches[0], nil
	case len(distinct) > 1:
		return nil, fmt.Errorf("it holds %d different %s images; keep one image per base (save or copy just the one you want)", len(distinct), p.want.String())
	case p.failed != nil:
		return nil, &incompleteError{want: p.want, cause: p.failed, present: unique(p.present), missing: unique(p.missing)}
	}
	err := fmt.Errorf("no image for platform %s (it has: %s); pick one of those platforms or use a base that includes %s",
		p.want.String(), listOrNone(unique(p.present)), p.want.String())
	if len(p.missing) > 0 {
		err = fmt.Errorf("%w. It lists but lacks: %s. %s", err, listOrNone(unique(p.missing)), missingBlobHint(p.want))
	}
	return nil, err
}

// incompleteError reports a base that lists the wanted platform's image but
// lacks some of its blobs.
type incompleteError struct {
	want    v1.Platform
	cause   error
	present []string
	missing []string
}

func (e *incompleteError) Error() string {
	return fmt.Sprintf("its %s image is incomplete: %v. Complete images in it: %s; listed but missing: %s. %s",
		e.want.String(), e.cause, listOrNone(e.present), listOrNone(e.missing), missingBlobHint(e.want))
}

func (e *incompleteError) Unwrap() error { return e.cause }

// missingBlobHint explains where archives with missing blobs come from and
// how to get a complete one.
func missingBlobHint(want v1.Platform) string {
	return fmt.Sprintf("`docker save` on engines that use the containerd image store (Docker 25+) lists every platform of an image "+
		"but saves only the platforms that were pulled. Fix: run `docker pull --platform %s IMAGE` and save it again, "+
		"or use the registry reference IMAGE@sha256:... as the base", want.String())
}

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
