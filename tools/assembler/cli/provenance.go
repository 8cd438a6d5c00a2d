package cli

import (
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/provenance"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sbom"
	"github.com/rules-goimage/rules_goimage/tools/assembler/stamp"
)

// The provenance is made by `assembler build --provenance`, not by a verb of
// its own, for three reasons. Its subject is the image manifest's digest,
// which is known only once build has assembled the image. It is attached to
// the image as a referrer in the very layout build writes, as the SBOM is,
// and a later action could not add it to that layout (Bazel's outputs do
// not change) without a second copy of the image. And it lists the modules
// the SBOM lists, from the same --sbom-binary, --sbom-go-mod and
// --sbom-packages, which the Bazel action already has.

// provenanceArtifact returns the provenance statement of the image, and the
// same as an artifact that refers to it.
func provenanceArtifact(f *buildFlags, a *assembled) (v1.Image, []byte, error) {
	digest, err := a.image.Digest()
	if err != nil {
		return nil, nil, err
	}
	b := provenance.Build{
		Name: f.subjectName(), Digest: digest, Label: f.provenanceLabel, Platform: f.platform,
		BaseName: a.baseName, BaseDigest: a.baseDigest,
	}
	if err := f.addGoFacts(&b); err != nil {
		return nil, nil, err
	}
	if len(f.provenanceStatus) > 0 {
		if b.Status, err = stamp.ReadStatus(f.provenanceStatus...); err != nil {
			return nil, nil, err
		}
	}
	doc, err := provenance.JSON(b)
	if err != nil {
		return nil, nil, err
	}
	art, err := attach(f, a.image, provenance.MediaType, doc)
	return art, doc, err
}

// addGoFacts adds the Go version and modules of the binary, as the SBOM
// lists them.
func (f *buildFlags) addGoFacts(b *provenance.Build) error {
	modules, err := sbomModules(f)
	if err != nil {
		return err
	}
	bi, err := sbom.BuildInfo(f.describedBinary(), modules)
	if err != nil {
		return err
	}
	b.GoVersion, b.Main, b.Deps = bi.GoVersion, bi.Main, bi.Deps
	return nil
}

// subjectName names the image in the statement: by its label under Bazel,
// otherwise by the repository of its first tag.
func (f *buildFlags) subjectName() string {
	if f.provenanceLabel != "" {
		return f.provenanceLabel
	}
	if len(f.tags) > 0 {
		if t, err := name.NewTag(f.tags[0]); err == nil {
			return t.Context().Name()
		}
	}
	return ""
}

// attach makes doc an artifact of type artifactType whose subject is img,
// dated as the image is.
func attach(f *buildFlags, img v1.Image, artifactType string, doc []byte) (v1.Image, error) {
	return image.Artifact(img, types.MediaType(artifactType), doc, map[string]string{
		"org.opencontainers.image.created": epochTime(*f.epoch).Format("2006-01-02T15:04:05Z"),
	})
}
