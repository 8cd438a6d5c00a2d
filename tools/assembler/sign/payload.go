package sign

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Media types and annotations of cosign's signature and attestation layers.
const (
	SimpleSigningMediaType  types.MediaType = "application/vnd.dev.cosign.simplesigning.v1+json"
	DSSEMediaType           types.MediaType = "application/vnd.dsse.envelope.v1+json"
	InTotoPayloadType                       = "application/vnd.in-toto+json"
	SignatureAnnotation                     = "dev.cosignproject.cosign/signature"
	CertificateAnnotation                   = "dev.sigstore.cosign/certificate"
	ChainAnnotation                         = "dev.sigstore.cosign/chain"
	PredicateTypeAnnotation                 = "predicateType"
)

// simpleSigning is cosign's claim about an image; the field order is
// cosign's, so the payload reads as the one cosign writes.
type simpleSigning struct {
	Critical struct {
		Identity struct {
			DockerReference string `json:"docker-reference"`
		} `json:"identity"`
		Image struct {
			DockerManifestDigest string `json:"docker-manifest-digest"`
		} `json:"image"`
		Type string `json:"type"`
	} `json:"critical"`
	Optional map[string]any `json:"optional"`
}

// Payload is the simple signing payload cosign signs for the manifest
// digest of an image in repo: what `cosign verify` checks the digest in.
func Payload(repo name.Repository, digest v1.Hash) ([]byte, error) {
	var p simpleSigning
	p.Critical.Identity.DockerReference = repo.Name()
	p.Critical.Image.DockerManifestDigest = digest.String()
	p.Critical.Type = "cosign container image signature"
	return json.Marshal(p)
}

// Envelope is a DSSE envelope (https://github.com/secure-systems-lab/dsse),
// which is how cosign signs in-toto statements.
type Envelope struct {
	PayloadType string              `json:"payloadType"`
	Payload     string              `json:"payload"`
	Signatures  []EnvelopeSignature `json:"signatures"`
}

// EnvelopeSignature is one signature of an Envelope; cosign leaves keyid
// empty for key files.
type EnvelopeSignature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// PAE is DSSE's pre-authentication encoding of a payload, which is what
// an envelope's signatures sign.
func PAE(payloadType string, payload []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "DSSEv1 %d %s %d ", len(payloadType), payloadType, len(payload))
	b.Write(payload)
	return b.Bytes()
}

// envelope seals an in-toto statement with its signature.
func envelope(statement, sig []byte) ([]byte, error) {
	return json.Marshal(Envelope{
		PayloadType: InTotoPayloadType,
		Payload:     base64.StdEncoding.EncodeToString(statement),
		Signatures:  []EnvelopeSignature{{Sig: base64.StdEncoding.EncodeToString(sig)}},
	})
}

// statement is an in-toto Statement v1, as much of it as is read here.
type statement struct {
	Type          string          `json:"_type"`
	Subject       []subject       `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

type subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// SPDXPredicateType is the predicate type of an SPDX JSON document, which
// `cosign verify-attestation --type spdxjson` asks for.
const SPDXPredicateType = "https://spdx.dev/Document"

// spdxStatement wraps an SPDX JSON document about the image digest in repo
// into an in-toto statement.
func spdxStatement(repo name.Repository, digest v1.Hash, doc []byte) ([]byte, error) {
	if !json.Valid(doc) {
		return nil, fmt.Errorf("the SBOM attached to %s is not JSON", digest)
	}
	return json.Marshal(statement{
		Type:          "https://in-toto.io/Statement/v1",
		Subject:       []subject{{Name: repo.Name(), Digest: map[string]string{digest.Algorithm: digest.Hex}}},
		PredicateType: SPDXPredicateType,
		Predicate:     doc,
	})
}

// names reports whether the statement's subjects include digest, which is
// what cosign checks of an attestation of that digest.
func (s *statement) names(digest v1.Hash) bool {
	for _, sub := range s.Subject {
		if sub.Digest[digest.Algorithm] == digest.Hex {
			return true
		}
	}
	return false
}
