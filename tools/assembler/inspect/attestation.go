package inspect

import (
	"errors"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// BuildKit stores its attestations (provenance, SBOM) as image manifests in
// the index, beside the images they describe (store.KindAttestation).
const (
	// annotationReferenceDigest names the image an attestation describes.
	annotationReferenceDigest = "vnd.docker.reference.digest"
	// annotationPredicateType names what an in-toto layer of an attestation holds.
	annotationPredicateType = "in-toto.io/predicate-type"
)

// attestation prints an attestation manifest, the image it describes and
// what its layers hold; listed but not saved, it says so.
func (p *printer) attestation(idx v1.ImageIndex, d v1.Descriptor, depth int) error {
	of := ""
	if ref := d.Annotations[annotationReferenceDigest]; ref != "" {
		of = ", for image " + ref
	}
	img, err := idx.Image(d.Digest)
	if isMissing(err) {
		p.line(depth, "attestation %s%s: not in the archive", d.Digest, of)
		return nil
	}
	if err != nil {
		return err
	}
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	p.line(depth, "attestation %s%s", d.Digest, of)
	for _, l := range m.Layers {
		what := string(l.MediaType)
		if t := l.Annotations[annotationPredicateType]; t != "" {
			what = t
		}
		p.line(depth+1, "blob %s  %s  %s", l.Digest, humanSize(l.Size), what)
	}
	return nil
}

// platformOrArch is the platform a descriptor names, for a command line.
func platformOrArch(d v1.Descriptor) string {
	if d.Platform == nil || d.Platform.OS == "" {
		return "os/arch"
	}
	return platform.String(*d.Platform)
}

func isMissing(err error) bool {
	var m *store.MissingBlobError
	return errors.As(err, &m)
}
