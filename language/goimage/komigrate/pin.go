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
		ref, err := name.NewTag(b.Image + ":" + b.Tag)
		if err != nil {
			return fmt.Errorf("pinning %s:%s: %w", b.Image, b.Tag, err)
		}
		desc, err := remote.Head(ref, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain))
		if err != nil {
			return fmt.Errorf("pinning %s: %w; without -pin the digest is left for bazel to show", ref, err)
		}
		p.Bases[i].Digest = desc.Digest.String()
	}
	return nil
}
