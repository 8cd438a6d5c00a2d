package store

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Kind is what a manifest that an index lists is to the assembler, which
// every reader of a layout asks KindOf alone.
type Kind int

const (
	// KindOther is a descriptor of no manifest the assembler reads.
	KindOther Kind = iota
	// KindImage is an image manifest: an image for one platform.
	KindImage
	// KindIndex is an image index: images for several platforms.
	KindIndex
	// KindArtifact is an OCI 1.1 artifact, an image manifest or index whose
	// artifactType names what it carries (an SBOM, a signature): stored
	// beside images, never one of them.
	KindArtifact
	// KindAttestation is an attestation manifest that BuildKit stores in an
	// index beside the images it describes, as an image for the platform
	// unknown/unknown: by its annotation, or by the OS no image runs on.
	KindAttestation
)

// BuildKit's annotation on the descriptor of an attestation manifest.
const (
	annotationReferenceType  = "vnd.docker.reference.type"
	referenceTypeAttestation = "attestation-manifest"
)

// KindOf classifies the descriptor d as the image spec says: a manifest or
// index with an artifactType is an artifact, whatever its config holds. The
// descriptor's artifactType is the config's media type where the manifest
// sets none, so an image's descriptor may carry its config media type, and
// that does not make it an artifact.
func KindOf(d v1.Descriptor) Kind {
	if !d.MediaType.IsImage() && !d.MediaType.IsIndex() {
		return KindOther
	}
	switch {
	case d.ArtifactType != "" && !types.MediaType(d.ArtifactType).IsConfig():
		return KindArtifact
	case d.MediaType.IsIndex():
		return KindIndex
	case d.Annotations[annotationReferenceType] == referenceTypeAttestation,
		d.Platform != nil && d.Platform.OS == "unknown":
		return KindAttestation
	}
	return KindImage
}
