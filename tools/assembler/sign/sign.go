// Package sign signs pushed images the way cosign does, so that the
// unmodified cosign CLI verifies them (`cosign verify --key cosign.pub`,
// `cosign verify-attestation --type ... --key cosign.pub`).
//
// What is signed, for a pushed image or index:
//   - its manifest digest and, for an index, the digest of every manifest
//     it lists: each gets cosign's "simple signing" payload, a JSON claim
//     naming the repository and the digest (Payload);
//   - the in-toto statements attached to it in the layout (referrers of
//     artifactType application/vnd.in-toto+json), and its SPDX SBOMs
//     wrapped into a statement of predicateType https://spdx.dev/Document:
//     each becomes a DSSE envelope (Envelope).
//
// Where it is stored, as cosign v2 stores and finds it (pkg/oci/remote):
//   - the tag sha256-<hex>.sig of the signed digest's repository, an image
//     whose every layer is one signature: the payload, of media type
//     application/vnd.dev.cosign.simplesigning.v1+json, with the base64
//     signature in the annotation dev.cosignproject.cosign/signature. This
//     is what `cosign verify` reads;
//   - the tag sha256-<hex>.att, the same for attestations: layers of media
//     type application/vnd.dsse.envelope.v1+json, annotated with their
//     predicateType. This is what `cosign verify-attestation` reads;
//   - with a certificate (Certify, or a signer command that prints one),
//     each layer also carries it and its chain in the annotations
//     dev.sigstore.cosign/certificate and dev.sigstore.cosign/chain, where
//     `cosign verify --certificate-identity ... --certificate-chain` finds
//     them;
//   - OCI 1.1 referrers of the digest holding the same layers (artifactType
//     application/vnd.dev.cosign.artifact.sig.v1+json, which
//     `cosign verify --experimental-oci11` reads, and
//     application/vnd.in-toto+json), for clients that discover by subject.
//
// cosign appends a layer at each signing; here a signature that the tag
// already holds is not added again: key signatures are deterministic
// (Ed25519, RSA PKCS#1 v1.5 and ECDSA per RFC 6979), and a key signer also
// recognises its own earlier signatures of the same payload by verifying
// them. So pushing twice leaves one signature per key.
//
// Secrets stay inside: keys and passwords are read from files and the
// environment, never taken on command lines, and errors name the key file,
// never its content.
package sign

import (
	"context"
	"fmt"
	"io"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// Signer signs payloads: a key from a file, or an external command.
type Signer interface {
	// Sign returns the signature of payload, with the certificate that
	// vouches for the signing key when the signer has one.
	Sign(ctx context.Context, payload []byte) (Signature, error)
	// Signed reports whether sig is this signer's signature of payload;
	// signers that cannot check (commands) say false.
	Signed(payload, sig []byte) bool
}

// Signature is a signature and what vouches for its key.
type Signature struct {
	// Raw is the signature: what cosign's verifier for the public key
	// checks.
	Raw []byte
	// Certificate is the PEM certificate of the signing key, empty for a
	// bare key. cosign reads it from the layer annotation
	// dev.sigstore.cosign/certificate and checks the signature with its
	// key, its identity (--certificate-identity) and its issuer
	// (--certificate-oidc-issuer).
	Certificate []byte
	// Chain is the PEM certificates from the certificate's issuer up to
	// the root, in the annotation dev.sigstore.cosign/chain, where cosign
	// finds the intermediates to the root it trusts.
	Chain []byte
}

// Target is what a push wrote, to be signed.
type Target struct {
	// Repository holds the image, and receives its signatures.
	Repository name.Repository
	// Root is the pushed image or index, with the artifacts attached to it.
	Root *store.Root
	// Remote reaches the registry: credentials, transport, retries.
	Remote []remote.Option
	// Progress receives a line per signature pushed; nil: silent.
	Progress io.Writer
}

// Push signs the target's manifests and attached statements with signer
// and pushes the signatures beside them.
func Push(ctx context.Context, signer Signer, t Target) error {
	digests, err := signedDigests(t.Root)
	if err != nil {
		return err
	}
	for _, d := range digests {
		if err := pushSignature(ctx, signer, t, d); err != nil {
			return err
		}
	}
	atts, err := statements(t.Repository, t.Root)
	if err != nil {
		return err
	}
	for _, subject := range sortedSubjects(atts) {
		if err := pushAttestations(ctx, signer, t, subject, atts[subject]); err != nil {
			return err
		}
	}
	return nil
}

// Check reads what Push would attest, so that a statement it cannot
// attest stops a push before anything is uploaded.
func Check(repo name.Repository, root *store.Root) error {
	_, err := statements(repo, root)
	return err
}

// signedDigests are the root's manifest and, for an index, the manifests
// it lists, each once.
func signedDigests(root *store.Root) ([]v1.Descriptor, error) {
	out := []v1.Descriptor{root.Descriptor}
	if root.Index == nil {
		return out, nil
	}
	m, err := root.Index.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("reading the pushed index: %w", err)
	}
	seen := map[v1.Hash]bool{root.Descriptor.Digest: true}
	for _, d := range m.Manifests {
		if !seen[d.Digest] && (d.MediaType.IsImage() || d.MediaType.IsIndex()) {
			seen[d.Digest] = true
			out = append(out, v1.Descriptor{MediaType: d.MediaType, Digest: d.Digest, Size: d.Size})
		}
	}
	return out, nil
}

func pushSignature(ctx context.Context, signer Signer, t Target, d v1.Descriptor) error {
	payload, err := Payload(t.Repository, d.Digest)
	if err != nil {
		return err
	}
	sig, err := signer.Sign(ctx, payload)
	if err != nil {
		return fmt.Errorf("signing %s: %w", d.Digest, err)
	}
	e := entry{content: payload, mediaType: SimpleSigningMediaType, payload: payload, sig: sig}
	return attach(ctx, signer, t, d, signatureKind, []entry{e})
}

// describe is the descriptor of a manifest the push wrote, by digest.
func describe(t Target, h v1.Hash) (v1.Descriptor, error) {
	digests, err := signedDigests(t.Root)
	if err != nil {
		return v1.Descriptor{}, err
	}
	for _, d := range digests {
		if d.Digest == h {
			return d, nil
		}
	}
	d, err := remote.Head(t.Repository.Digest(h.String()), t.Remote...)
	if err != nil {
		return v1.Descriptor{}, fmt.Errorf("finding %s, which an attached statement is about: %w", h, err)
	}
	return *d, nil
}
