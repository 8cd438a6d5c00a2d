package base

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
)

// openRemoteSource reads a base from a registry. Only digests are accepted:
// a tag can move, and then the same build would give another image.
func openRemoteSource(ctx context.Context, spec string, o options) (*source, error) {
	ref, err := pinnedReference(ctx, spec, o)
	if err != nil {
		return nil, err
	}
	desc, err := remote.Get(ref, o.remoteOptions(ctx)...)
	if err != nil {
		return nil, fmt.Errorf("base %s: fetching the manifest: %w", spec, registry.Explain(err, ref.RegistryStr()))
	}
	inv, err := remoteInventory(desc)
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", spec, err)
	}
	return &source{inv: inv, name: baseName(ref), repository: ref.Context().Name(), close: func() error { return nil }}, nil
}

// remoteInventory lists the images of a registry manifest, reading the
// manifests of a nested index as it goes: an error reading one is the
// user's answer, not the "no image for platform" that its absence leads to.
func remoteInventory(desc *remote.Descriptor) (*inventory, error) {
	inv := &inventory{lazy: true, digest: desc.Digest}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, err
		}
		return inv, inv.addIndex(idx)
	}
	img, err := desc.Image()
	if err != nil {
		return nil, err
	}
	return inv, inv.addImage(img, desc.Descriptor)
}

// pinnedReference parses spec, which must carry a digest; for one that does
// not, the error shows the digest its tag points at now.
func pinnedReference(ctx context.Context, spec string, o options) (name.Digest, error) {
	if !strings.Contains(spec, "@") {
		return name.Digest{}, unpinnedError(ctx, spec, o)
	}
	ref, err := name.NewDigest(spec)
	if err != nil {
		return name.Digest{}, fmt.Errorf("base %q is not a valid reference pinned by digest: %w", spec, err)
	}
	return ref, nil
}

// UnpinnedError is a registry base named without a digest.
type UnpinnedError struct {
	Spec string
	// Current is the digest the tag points at now; empty when the
	// registry did not tell.
	Current string
	// Unasked says why the registry did not tell, when it could not be
	// asked: unreachable, or refusing the credentials.
	Unasked error
}

func (e *UnpinnedError) Error() string {
	if e.Unasked != nil {
		return fmt.Sprintf("base %q has no digest, so builds would not be reproducible; pin it: %s@sha256:...; asking the registry for its digest failed: %v", e.Spec, e.Spec, e.Unasked)
	}
	if e.Current == "" {
		return fmt.Sprintf("base %q has no digest, so builds would not be reproducible; pin it: %s@sha256:... (`crane digest %s` prints the digest)", e.Spec, e.Spec, e.Spec)
	}
	return fmt.Sprintf("base %q has no digest, so builds would not be reproducible; it is now %s, pin that: %s@%s (in goimage.pull: digest = %q)", e.Spec, e.Current, e.Spec, e.Current, e.Current)
}

func unpinnedError(ctx context.Context, spec string, o options) error {
	e := &UnpinnedError{Spec: spec}
	if ref, err := name.ParseReference(spec); err == nil {
		desc, err := remote.Head(ref, o.remoteOptions(ctx)...)
		if err != nil {
			e.Unasked = registry.Explain(err, ref.Context().RegistryStr())
		} else {
			e.Current = desc.Digest.String()
		}
	}
	return e
}

// baseName is the reference without its digest, as the
// org.opencontainers.image.base.name annotation wants it.
func baseName(ref name.Digest) string {
	n, _, _ := strings.Cut(ref.String(), "@")
	return n
}
