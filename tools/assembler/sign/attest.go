package sign

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/sbom"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// attested is an in-toto statement to sign, and its predicate type.
type attested struct {
	statement     []byte
	predicateType string
}

// statements are the in-toto statements attached to the root in the
// layout, with its SPDX SBOMs wrapped into statements, by the digest of
// the manifest each is attached to.
func statements(repo name.Repository, root *store.Root) (map[v1.Hash][]attested, error) {
	out := map[v1.Hash][]attested{}
	for _, art := range root.Referrers {
		m, err := art.Manifest()
		if err != nil {
			return nil, fmt.Errorf("reading an artifact attached to the image: %w", err)
		}
		if m.Subject == nil || len(m.Layers) != 1 {
			continue
		}
		var content []byte
		switch m.ArtifactType {
		case InTotoPayloadType, sbom.MediaType:
			content, err = artifactContent(art, m.Layers[0].Digest)
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		a, err := attestedOf(repo, m.Subject.Digest, m.ArtifactType, content)
		if err != nil {
			return nil, err
		}
		out[m.Subject.Digest] = append(out[m.Subject.Digest], a)
	}
	return out, nil
}

func attestedOf(repo name.Repository, digest v1.Hash, artifactType string, content []byte) (attested, error) {
	if artifactType == sbom.MediaType {
		st, err := spdxStatement(repo, digest, content)
		return attested{statement: st, predicateType: SPDXPredicateType}, err
	}
	var st statement
	if err := json.Unmarshal(content, &st); err != nil || st.PredicateType == "" {
		return attested{}, fmt.Errorf("the in-toto statement attached to %s is not a statement with a predicateType (err: %v); attach in-toto Statement v1 JSON", digest, err)
	}
	if !st.names(digest) {
		return attested{}, fmt.Errorf("the in-toto statement of predicateType %s attached to %s does not name it among its subjects, so cosign would refuse its signature; give it the subject {\"digest\": {%q: %q}}",
			st.PredicateType, digest, digest.Algorithm, digest.Hex)
	}
	return attested{statement: content, predicateType: st.PredicateType}, nil
}

func artifactContent(art v1.Image, h v1.Hash) ([]byte, error) {
	l, err := art.LayerByDigest(h)
	if err != nil {
		return nil, fmt.Errorf("reading the artifact blob %s: %w", h, err)
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, fmt.Errorf("reading the artifact blob %s: %w", h, err)
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func sortedSubjects(m map[v1.Hash][]attested) []v1.Hash {
	out := make([]v1.Hash, 0, len(m))
	for h := range m {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// pushAttestations signs the statements about one manifest as DSSE
// envelopes and stores them beside it.
func pushAttestations(ctx context.Context, signer Signer, t Target, d v1.Hash, atts []attested) error {
	var entries []entry
	for _, a := range atts {
		sig, err := signer.Sign(ctx, PAE(InTotoPayloadType, a.statement))
		if err != nil {
			return fmt.Errorf("signing the %s statement about %s: %w", a.predicateType, d, err)
		}
		env, err := envelope(a.statement, sig.Raw)
		if err != nil {
			return err
		}
		entries = append(entries, entry{
			content:       env,
			mediaType:     DSSEMediaType,
			predicateType: a.predicateType,
			payload:       a.statement,
			sig:           sig,
		})
	}
	desc, err := describe(t, d)
	if err != nil {
		return err
	}
	return attach(ctx, signer, t, desc, attestationKind, entries)
}

// signedBy reports whether an envelope a tag holds carries statement,
// signed with sig or (for a key signer) by the same key.
func signedBy(signer Signer, env []byte, statement, sig []byte) bool {
	var e Envelope
	if json.Unmarshal(env, &e) != nil || e.PayloadType != InTotoPayloadType {
		return false
	}
	p, err := base64.StdEncoding.DecodeString(e.Payload)
	if err != nil || string(p) != string(statement) {
		return false
	}
	for _, s := range e.Signatures {
		raw, err := base64.StdEncoding.DecodeString(s.Sig)
		if err == nil && (string(raw) == string(sig) || signer.Signed(PAE(InTotoPayloadType, p), raw)) {
			return true
		}
	}
	return false
}
