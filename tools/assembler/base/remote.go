package base

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// looksLikeReference tells a registry reference from a mistyped path.
func looksLikeReference(spec string) bool {
	_, err := name.ParseReference(spec)
	return err == nil && !strings.HasPrefix(spec, ".") && !strings.HasPrefix(spec, "/")
}

// openRemote fetches a base from a registry. Only digests are accepted: a
// tag can move, and then the same build would give another image.
func openRemote(ctx context.Context, spec string, platform v1.Platform, o options) (*Base, error) {
	ref, err := pinnedReference(spec)
	if err != nil {
		return nil, err
	}
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(o.keychain)}
	desc, err := remote.Get(ref, opts...)
	if err != nil {
		return nil, fmt.Errorf("base %s: fetching the manifest: %w", spec, err)
	}
	m, err := remoteImage(desc, platform)
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", spec, err)
	}
	img, err := toOCI(m.image, o.workDir)
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", spec, err)
	}
	return &Base{Image: img, Name: baseName(spec), Digest: m.desc.Digest}, nil
}

func pinnedReference(spec string) (name.Digest, error) {
	if !strings.Contains(spec, "@") {
		return name.Digest{}, fmt.Errorf("base %q: no such file or directory, and as a registry reference it is without a digest, so builds would not be reproducible; pin it: %s@sha256:... (`crane digest %s` prints the digest)", spec, spec, spec)
	}
	ref, err := name.NewDigest(spec)
	if err != nil {
		return name.Digest{}, fmt.Errorf("base %q is not a valid reference pinned by digest: %w", spec, err)
	}
	return ref, nil
}

func remoteImage(desc *remote.Descriptor, platform v1.Platform) (*match, error) {
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, err
		}
		return pickPlatform(idx, platform)
	}
	img, err := desc.Image()
	if err != nil {
		return nil, err
	}
	p, err := imagePlatform(img)
	if err != nil {
		return nil, err
	}
	if p.OS != "" && !satisfies(p, platform) {
		return nil, fmt.Errorf("it is a %s image, not %s; use a base for %s", p.String(), platform.String(), platform.String())
	}
	return &match{image: img, desc: desc.Descriptor}, nil
}

// baseName is the reference without its digest, as the
// org.opencontainers.image.base.name annotation wants it.
func baseName(spec string) string {
	n, _, _ := strings.Cut(spec, "@")
	return n
}
