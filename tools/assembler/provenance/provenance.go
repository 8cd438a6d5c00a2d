// Package provenance writes the build provenance of an image: an in-toto
// Statement v1 whose subject is the image manifest and whose predicate is
// SLSA Provenance v1 (https://slsa.dev/provenance/v1).
//
// The statement says what Bazel knows when the image is built, and nothing
// it would have to guess:
//
//   - buildDefinition.externalParameters: the go_image's label and the
//     image's platform, what a user chose;
//   - buildDefinition.internalParameters: the main module and the Go version
//     the binary records;
//   - buildDefinition.resolvedDependencies: the base image by name and
//     manifest digest, the source revision of a stamped build, the Go
//     standard library and every module linked into the binary (package
//     sbom finds them, as it does for the SBOM), each as a package URL;
//   - runDetails.builder.id: rules_goimage and its version.
//
// The statement depends on these inputs only: without workspace status
// (builds without --stamp) it has no revision and no time, so that building
// twice gives the same bytes. It is attached to the image as an OCI 1.1
// referrer of artifact type MediaType, which a signer wraps in a DSSE
// envelope (cosign's "slsaprovenance1" type).
package provenance

import (
	"encoding/json"
	"fmt"
	"runtime/debug"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

const (
	// StatementType is the _type of an in-toto Statement v1.
	StatementType = "https://in-toto.io/Statement/v1"
	// PredicateType is the predicateType of SLSA Provenance v1.
	PredicateType = "https://slsa.dev/provenance/v1"
	// MediaType is the media type of in-toto statements, the artifact type
	// of the statement attached to an image.
	MediaType = "application/vnd.in-toto+json"
	// BuildType names how this project builds an image: what the
	// parameters mean. It changes when their meaning does.
	BuildType = "https://github.com/rules-goimage/rules_goimage/go_image@v1"
	// Version is the version of rules_goimage, as MODULE.bazel declares it.
	Version = "0.0.0"
	// BuilderID names the builder: rules_goimage at Version.
	BuilderID = "https://github.com/rules-goimage/rules_goimage@v" + Version
)

// Build is what the statement tells about one image.
type Build struct {
	// Name names the image in the subject: the go_image's label, or a
	// repository. Empty is written as "_", the spec's name for none.
	Name string
	// Digest is the digest of the image manifest, the subject.
	Digest v1.Hash
	// Label is the go_image's label, empty outside Bazel.
	Label string
	// Platform is the image's platform, os/arch[/variant].
	Platform string
	// BaseName and BaseDigest identify the base; a zero BaseDigest means a
	// base without a manifest digest (scratch), which is not listed.
	BaseName   string
	BaseDigest v1.Hash
	// GoVersion, Main and Deps are the binary's toolchain and modules, as
	// package sbom reads them.
	GoVersion string
	Main      debug.Module
	Deps      []*debug.Module
	// Status is the workspace status of a stamped build, nil otherwise.
	Status map[string]string
}

// Statement is an in-toto Statement v1 with an SLSA Provenance v1 predicate.
type Statement struct {
	Type          string               `json:"_type"`
	Subject       []ResourceDescriptor `json:"subject"`
	PredicateType string               `json:"predicateType"`
	Predicate     Provenance           `json:"predicate"`
}

// Provenance is the SLSA Provenance v1 predicate.
type Provenance struct {
	BuildDefinition BuildDefinition `json:"buildDefinition"`
	RunDetails      RunDetails      `json:"runDetails"`
}

// BuildDefinition is what the build was asked to do, and with what.
type BuildDefinition struct {
	BuildType            string               `json:"buildType"`
	ExternalParameters   map[string]string    `json:"externalParameters"`
	InternalParameters   map[string]string    `json:"internalParameters,omitempty"`
	ResolvedDependencies []ResourceDescriptor `json:"resolvedDependencies,omitempty"`
}

// RunDetails is who ran the build, and when (stamped builds only).
type RunDetails struct {
	Builder  Builder        `json:"builder"`
	Metadata *BuildMetadata `json:"metadata,omitempty"`
}

// Builder identifies the builder.
type Builder struct {
	ID string `json:"id"`
}

// BuildMetadata holds the start time of a stamped build.
type BuildMetadata struct {
	StartedOn string `json:"startedOn,omitempty"`
}

// ResourceDescriptor is an in-toto ResourceDescriptor: an artifact by name,
// URI and digests.
type ResourceDescriptor struct {
	Name        string            `json:"name,omitempty"`
	URI         string            `json:"uri,omitempty"`
	Digest      map[string]string `json:"digest,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// New returns the statement of b.
func New(b Build) (*Statement, error) {
	if b.Digest.Algorithm != "sha256" {
		return nil, fmt.Errorf("the image digest %q is not a sha256 digest", b.Digest)
	}
	if b.Platform == "" {
		return nil, fmt.Errorf("the provenance needs the image's platform")
	}
	deps, err := dependencies(b)
	if err != nil {
		return nil, err
	}
	started, err := startedOn(b.Status)
	if err != nil {
		return nil, err
	}
	s := &Statement{
		Type:          StatementType,
		Subject:       []ResourceDescriptor{{Name: subjectName(b.Name), Digest: map[string]string{"sha256": b.Digest.Hex}}},
		PredicateType: PredicateType,
		Predicate: Provenance{
			BuildDefinition: BuildDefinition{
				BuildType:            BuildType,
				ExternalParameters:   externalParameters(b),
				InternalParameters:   internalParameters(b),
				ResolvedDependencies: deps,
			},
			RunDetails: RunDetails{Builder: Builder{ID: BuilderID}},
		},
	}
	if started != "" {
		s.Predicate.RunDetails.Metadata = &BuildMetadata{StartedOn: started}
	}
	return s, nil
}

// JSON returns the statement of b as indented JSON, the bytes attached to
// the image.
func JSON(b Build) ([]byte, error) {
	s, err := New(b)
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func subjectName(name string) string {
	if name == "" {
		return "_"
	}
	return name
}

func externalParameters(b Build) map[string]string {
	p := map[string]string{"platform": b.Platform}
	if b.Label != "" {
		p["label"] = b.Label
	}
	return p
}

func internalParameters(b Build) map[string]string {
	p := map[string]string{}
	if b.Main.Path != "" {
		p["mainModule"] = b.Main.Path
	}
	if b.GoVersion != "" {
		p["goVersion"] = b.GoVersion
	}
	if rev := revisionParameter(b.Status); rev != "" {
		p["sourceRevision"] = rev
	}
	return p
}
