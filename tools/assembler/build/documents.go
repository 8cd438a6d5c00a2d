package build

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
	"github.com/rules-goimage/rules_goimage/tools/assembler/provenance"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sbom"
	"github.com/rules-goimage/rules_goimage/tools/assembler/stamp"
)

// writeImage writes the image, its documents and their artifacts to every
// output of the request, or to none.
func writeImage(ctx context.Context, r *Request, a *assembled) error {
	c := output.Content{Image: a.image, Tags: r.Tags}
	if a.fsIndex != nil {
		d, err := a.image.Digest()
		if err != nil {
			return err
		}
		c.FSIndexes = map[v1.Hash]*fsindex.Index{d: a.fsIndex}
	}
	var files []File
	for _, doc := range r.documents() {
		if doc.file == "" {
			continue
		}
		ref, content, err := doc.make(r, a)
		if err != nil {
			return err
		}
		c.Referrers = append(c.Referrers, ref)
		files = append(files, File{Path: doc.file, Content: content})
	}
	return r.Outputs.Write(ctx, c, files...)
}

// document is a document about the image that a build writes to a file
// and attaches to the image in its outputs, as an OCI 1.1 referrer.
type document struct {
	file string
	make func(*Request, *assembled) (artifact v1.Image, content []byte, err error)
}

// documents are the documents a build can attach, in the order the
// outputs list them.
func (r *Request) documents() []document {
	return []document{{r.Documents.SBOM, sbomArtifact}, {r.Documents.Provenance, provenanceArtifact}}
}

// sbomArtifact returns the SBOM of the binary, and the same as an artifact
// that refers to the image.
func sbomArtifact(r *Request, a *assembled) (v1.Image, []byte, error) {
	name := filepath.Base(r.describedBinary())
	if len(r.Tags) > 0 {
		name = r.Tags[0]
	}
	modules, err := r.sbomModules()
	if err != nil {
		return nil, nil, err
	}
	doc, err := sbom.FromBinary(r.describedBinary(), name, r.epoch(), modules)
	if err != nil {
		return nil, nil, err
	}
	art, err := r.attach(a.image, sbom.MediaType, doc)
	return art, doc, err
}

// sbomModules are the modules of the Packages listing (and GoMod), or nil
// to take the binary's build info alone.
func (r *Request) sbomModules() (*sbom.Modules, error) {
	d := r.Documents
	if d.Packages == "" {
		return nil, nil
	}
	modules, err := sbom.ModulesOfPackages(d.Packages, d.GoMod)
	if err != nil {
		return nil, fmt.Errorf("finding the modules of the packages in --sbom-packages %s: %w", d.Packages, err)
	}
	return modules, nil
}

// The provenance is made by a build, not by a step of its own, for three
// reasons. Its subject is the image manifest's digest, which is known only
// once the build has assembled the image. It is attached to the image as a
// referrer in the very layout the build writes, as the SBOM is, and a later
// action could not add it to that layout (Bazel's outputs do not change)
// without a second copy of the image. And it lists the modules the SBOM
// lists, from the same binary and package listing, which the Bazel action
// already has.

// provenanceArtifact returns the provenance statement of the image, and the
// same as an artifact that refers to it.
func provenanceArtifact(r *Request, a *assembled) (v1.Image, []byte, error) {
	digest, err := a.image.Digest()
	if err != nil {
		return nil, nil, err
	}
	b := provenance.Build{
		Name: r.subjectName(), Digest: digest, Label: r.Documents.Label, Platform: platform.String(r.Platform),
		BaseName: a.baseName, BaseDigest: a.baseDigest,
	}
	if err := r.addGoFacts(&b); err != nil {
		return nil, nil, err
	}
	if len(r.Documents.Status) > 0 {
		if b.Status, err = stamp.ReadStatus(r.Documents.Status...); err != nil {
			return nil, nil, err
		}
	}
	doc, err := provenance.JSON(b)
	if err != nil {
		return nil, nil, err
	}
	art, err := r.attach(a.image, provenance.MediaType, doc)
	return art, doc, err
}

// addGoFacts adds the Go version and modules of the binary, as the SBOM
// lists them.
func (r *Request) addGoFacts(b *provenance.Build) error {
	modules, err := r.sbomModules()
	if err != nil {
		return err
	}
	bi, err := sbom.BuildInfo(r.describedBinary(), modules)
	if err != nil {
		return err
	}
	b.GoVersion, b.Main, b.Deps = bi.GoVersion, bi.Main, bi.Deps
	return nil
}

// subjectName names the image in the statement: by its label under Bazel,
// otherwise by the repository of its first tag.
func (r *Request) subjectName() string {
	if r.Documents.Label != "" {
		return r.Documents.Label
	}
	if len(r.Tags) > 0 {
		if t, err := name.NewTag(r.Tags[0]); err == nil {
			return t.Context().Name()
		}
	}
	return ""
}

// attach makes doc an artifact of type artifactType whose subject is img,
// dated as the image's files are.
func (r *Request) attach(img v1.Image, artifactType string, doc []byte) (v1.Image, error) {
	return image.Artifact(img, types.MediaType(artifactType), doc, map[string]string{
		"org.opencontainers.image.created": r.epoch().Format("2006-01-02T15:04:05Z"),
	})
}
