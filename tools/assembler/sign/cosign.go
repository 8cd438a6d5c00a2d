package sign

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// kind is one of cosign's two stores beside an image: signatures and
// attestations.
type kind struct {
	// suffix ends the tag, sha256-<hex>.<suffix>.
	suffix string
	// artifactType is the artifactType of the referrer that holds the same
	// layers.
	artifactType string
	// emptyConfig: the referrer has the OCI empty config (cosign's
	// attestation referrers) rather than the signature image's config with
	// the artifactType as its media type (cosign's signature referrers).
	emptyConfig bool
}

var (
	signatureKind   = kind{suffix: "sig", artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json"}
	attestationKind = kind{suffix: "att", artifactType: InTotoPayloadType, emptyConfig: true}
)

// entry is one layer to add: a signed payload or an envelope.
type entry struct {
	// content is the layer: the payload (signatures) or the envelope
	// (attestations).
	content   []byte
	mediaType types.MediaType
	// predicateType annotates attestations.
	predicateType string
	// payload is what was signed, with sig.
	payload []byte
	sig     Signature
}

// annotations are cosign's: the signature of a simple signing payload
// (an envelope holds its own), and the certificate and chain as cosign
// writes them, the chain even when empty.
func (e entry) annotations() map[string]string {
	a := map[string]string{SignatureAnnotation: ""}
	if e.mediaType == SimpleSigningMediaType {
		a[SignatureAnnotation] = base64.StdEncoding.EncodeToString(e.sig.Raw)
	}
	if e.predicateType != "" {
		a[PredicateTypeAnnotation] = e.predicateType
	}
	if len(e.sig.Certificate) > 0 {
		a[CertificateAnnotation] = string(e.sig.Certificate)
		a[ChainAnnotation] = string(e.sig.Chain)
	}
	return a
}

// holds reports whether a layer of a tag already carries the entry: the
// same payload, signed with the same signature or by the same key, under
// the same certificate (a renewed certificate adds a signature that
// carries it).
func (e entry) holds(signer Signer, content []byte, ann map[string]string) bool {
	if ann[CertificateAnnotation] != string(e.sig.Certificate) {
		return false
	}
	if e.mediaType == DSSEMediaType {
		return ann[PredicateTypeAnnotation] == e.predicateType && signedBy(signer, content, e.payload, e.sig.Raw)
	}
	if string(content) != string(e.payload) {
		return false
	}
	sig, err := base64.StdEncoding.DecodeString(ann[SignatureAnnotation])
	return err == nil && (string(sig) == string(e.sig.Raw) || signer.Signed(e.payload, sig))
}

// attach adds entries to the kind's tag of subject, unless it holds them,
// and writes the referrer that holds the same layers.
func attach(ctx context.Context, signer Signer, t Target, subject v1.Descriptor, k kind, entries []entry) error {
	tag := t.Repository.Tag(fmt.Sprintf("%s-%s.%s", subject.Digest.Algorithm, subject.Digest.Hex, k.suffix))
	// The tag is read, added to and written back: two pushes of one process
	// (a release's images sharing a platform image) take turns, so that
	// neither drops what the other added.
	unlock := lockTag(tag)
	defer unlock()
	img, err := existing(t, tag)
	if err != nil {
		return err
	}
	held, err := layerContents(img)
	if err != nil {
		return fmt.Errorf("reading %s: %w", tag, err)
	}
	added := 0
	for _, e := range entries {
		if anyHolds(signer, e, held) {
			continue
		}
		img, err = mutate.Append(img, mutate.Addendum{Layer: static.NewLayer(e.content, e.mediaType), Annotations: e.annotations()})
		if err != nil {
			return err
		}
		held = append(held, layerContent{content: e.content, annotations: e.annotations()})
		added++
	}
	if added > 0 {
		if err := remote.Write(tag, img, t.Remote...); err != nil {
			return fmt.Errorf("pushing %s: %w", tag, err)
		}
	}
	// The referrer is written even when the tag held every entry: an earlier
	// push may have stopped between the two, or cosign may have signed in
	// tag mode. Its bytes follow from the tag's, so writing it again adds
	// nothing.
	ref, err := referrer(img, subject, k)
	if err != nil {
		return err
	}
	rd, err := ref.Digest()
	if err != nil {
		return err
	}
	if err := remote.Write(t.Repository.Digest(rd.String()), ref, t.Remote...); err != nil {
		return fmt.Errorf("pushing the %s referrer of %s: %w", k.noun(), subject.Digest, err)
	}
	if added == 0 {
		progress(t, "%s already holds this signer's %s for %s\n", tag, k.noun(), subject.Digest)
		return nil
	}
	progress(t, "pushed %d %s of %s to %s and as a referrer\n", added, k.noun(), subject.Digest, tag)
	return nil
}

func (k kind) noun() string {
	if k.suffix == "att" {
		return "attestations"
	}
	return "signatures"
}

func progress(t Target, format string, args ...any) {
	if t.Progress != nil {
		fmt.Fprintf(t.Progress, format, args...)
	}
}

// existing is the image the tag holds, or cosign's empty signature image
// (an OCI manifest with an OCI config, no layers) when there is none.
func existing(t Target, tag name.Tag) (v1.Image, error) {
	img, err := remote.Image(tag, t.Remote...)
	var te *transport.Error
	switch {
	case errors.As(err, &te) && te.StatusCode == http.StatusNotFound:
		base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
		return mutate.ConfigMediaType(base, types.OCIConfigJSON), nil
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", tag, err)
	}
	return img, nil
}

type layerContent struct {
	content     []byte
	annotations map[string]string
}

// layerContents reads the layers of a signature image; each is small
// (a payload or an envelope).
func layerContents(img v1.Image) ([]layerContent, error) {
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	var out []layerContent
	for _, d := range m.Layers {
		l, err := img.LayerByDigest(d.Digest)
		if err != nil {
			return nil, err
		}
		rc, err := l.Compressed()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(io.LimitReader(rc, 64<<20))
		rc.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, layerContent{content: b, annotations: d.Annotations})
	}
	return out, nil
}

func anyHolds(signer Signer, e entry, held []layerContent) bool {
	for _, h := range held {
		if e.holds(signer, h.content, h.annotations) {
			return true
		}
	}
	return false
}

// tagLocks holds a mutex per signature tag this process writes.
var tagLocks sync.Map

func lockTag(tag name.Tag) (unlock func()) {
	m, _ := tagLocks.LoadOrStore(tag.String(), &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}
