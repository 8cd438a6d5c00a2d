package komigrate

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// PinDigests asks the registries for the digest each tag of the plan's
// bases points to now, so that MODULE.bazel pins the bases ko used.
// Credentials come from docker's config.json and credential helpers, as
// for docker and crane.
func (p *Plan) PinDigests(ctx context.Context) error {
	for i, b := range p.Bases {
		if b.Digest != "" {
			continue
		}
		digest, err := TagDigest(ctx, b.Image+":"+b.Tag)
		if err != nil {
			return fmt.Errorf("pinning %w; without -pin the digest is left for bazel to show", err)
		}
		p.Bases[i].Digest = digest
	}
	return nil
}

// TagDigest asks the registry for the digest a tag points to now, with
// docker's credentials.
func TagDigest(ctx context.Context, tag string) (string, error) {
	ref, err := name.NewTag(tag)
	if err != nil {
		return "", fmt.Errorf("%s: %w", tag, err)
	}
	desc, err := remote.Head(ref, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain))
	if err != nil {
		return "", fmt.Errorf("%s: %w", ref, err)
	}
	return desc.Digest.String(), nil
}
