// Package push uploads an image or image index from an OCI layout to a
// registry.
//
// It leans on go-containerregistry's remote package, which checks for every
// blob before uploading it, so a push only sends what the registry lacks.
// On top of that it:
//   - mounts the layers from a repository of the same registry that is known
//     to hold the base image (MountFrom), so base layers are linked, not sent;
//   - retries transient failures (timeouts, 429 and 5xx answers) with backoff;
//   - reports progress on long uploads;
//   - pushes the artifacts attached to the image in the layout (SBOMs) after
//     it, findable through the OCI referrers API or its fallback tag;
//   - signs what it pushed when given a Signer (package sign), storing the
//     signatures where cosign finds them;
//   - names the pushed image by digest, repository@sha256:..., which is what
//     deployments should pin.
//
// Credentials come from a keychain (docker config.json and its credential
// helpers by default) and are never written to any output.
package push

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sign"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// Options says where and how to push.
type Options struct {
	// Repository is the destination, e.g. "registry.example.com/team/app".
	Repository string
	// Tags name the pushed image in Repository, e.g. "v1.2.3"; none pushes
	// by digest only.
	Tags []string
	// MountFrom is a repository on the same registry that holds the base
	// image; its blobs are mounted instead of uploaded. Empty: no mounts.
	MountFrom string
	// Insecure allows plain HTTP to a registry other than localhost.
	Insecure bool
	// Registry says how to reach the registry: credentials, transport,
	// retries.
	Registry registry.Options
	// Progress receives progress lines on long uploads; nil: silent.
	Progress io.Writer
	// Signer, when set, signs the pushed manifests and the statements
	// attached to them, as cosign does (package sign).
	Signer sign.Signer
	// ProgressInterval is the least time between two progress lines;
	// zero means five seconds.
	ProgressInterval time.Duration
}

// Push uploads the image or index that the store holds and returns the
// reference by digest it can be pulled with.
func Push(ctx context.Context, s *store.Store, o Options) (name.Digest, error) {
	root, repo, tags, err := open(s, o)
	if err != nil {
		return name.Digest{}, err
	}
	digest := repo.Digest(root.Digest().String())
	if o.Signer != nil {
		if err := sign.Check(repo, root); err != nil {
			return name.Digest{}, err
		}
	}
	// The image goes up by digest, then what is attached to it and its
	// signatures; the tags move last, so that no tag ever names the image
	// before its signatures are there (or at all, when signing fails).
	if err := upload(ctx, digest, root, o); err != nil {
		return name.Digest{}, err
	}
	if err := pushReferrers(ctx, repo, root, o); err != nil {
		return name.Digest{}, err
	}
	if o.Signer != nil {
		t := sign.Target{Repository: repo, Root: root, Remote: remoteOptions(ctx, o, nil), Progress: o.Progress}
		if err := sign.Push(ctx, o.Signer, t); err != nil {
			return name.Digest{}, fmt.Errorf("signing what was pushed to %s, so no tag was moved: %w", repo, registry.Explain(err, repo.RegistryStr()))
		}
	}
	for _, t := range tags {
		if err := remote.Tag(t, taggable(root), remoteOptions(ctx, o, nil)...); err != nil {
			return name.Digest{}, fmt.Errorf("tagging %s: %w", t, err)
		}
	}
	return digest, nil
}

// pushReferrers uploads the artifacts attached to the image (its SBOMs)
// after the image itself. go-containerregistry also records each in the
// fallback tag (sha256-<subject digest>) of registries without the OCI
// referrers API, where clients look for them then.
func pushReferrers(ctx context.Context, repo name.Repository, root *store.Root, o Options) error {
	for _, art := range root.Referrers {
		d, err := art.Digest()
		if err != nil {
			return err
		}
		if err := remote.Write(repo.Digest(d.String()), art, remoteOptions(ctx, o, nil)...); err != nil {
			return fmt.Errorf("pushing %s, an artifact attached to the image: %w", d, err)
		}
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "pushed the attached artifact %s\n", repo.Digest(d.String()))
		}
	}
	return nil
}

// open reads the layout and the destination, and marks the layers
// mountable when a repository to mount from is given.
func open(s *store.Store, o Options) (*store.Root, name.Repository, []name.Tag, error) {
	root, err := s.Root()
	if err != nil {
		return nil, name.Repository{}, nil, err
	}
	repo, tags, err := references(o)
	if err != nil {
		return nil, name.Repository{}, nil, err
	}
	if o.MountFrom != "" {
		root, err = mountable(root, o.MountFrom, repo, nameOptions(o))
	}
	return root, repo, tags, err
}

// upload writes the blobs the registry lacks and the manifest, reporting
// progress.
func upload(ctx context.Context, ref name.Reference, root *store.Root, o Options) error {
	progress := newReporter(o.Progress, o.ProgressInterval)
	err := write(ref, root, remoteOptions(ctx, o, progress.updates))
	progress.wait()
	if err != nil {
		return fmt.Errorf("pushing %s: %w", ref, registry.Explain(err, ref.Context().RegistryStr()))
	}
	return nil
}

func write(ref name.Reference, root *store.Root, opts []remote.Option) error {
	if root.Index != nil {
		return remote.WriteIndex(ref, root.Index, opts...)
	}
	return remote.Write(ref, root.Image, opts...)
}

func taggable(root *store.Root) remote.Taggable {
	if root.Index != nil {
		return root.Index
	}
	return root.Image
}

// references parses the destination: the repository and its tags.
func references(o Options) (name.Repository, []name.Tag, error) {
	if o.Repository == "" {
		return name.Repository{}, nil, fmt.Errorf("no repository to push to; set repository on the go_image or pass --repository registry.example.com/team/app")
	}
	repo, err := name.NewRepository(o.Repository, nameOptions(o)...)
	if err != nil {
		return name.Repository{}, nil, fmt.Errorf("repository %q is not valid, want e.g. registry.example.com/team/app: %w", o.Repository, err)
	}
	var refs []name.Tag
	for _, t := range o.Tags {
		if !validTag(t) {
			return name.Repository{}, nil, fmt.Errorf("tag %q is not valid: a tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'%s", t, stampHint(t))
		}
		refs = append(refs, repo.Tag(t))
	}
	return repo, refs, nil
}

func nameOptions(o Options) []name.Option {
	if o.Insecure {
		return []name.Option{name.Insecure}
	}
	return nil
}

func remoteOptions(ctx context.Context, o Options, updates chan<- v1.Update) []remote.Option {
	return registry.RemoteOptions(ctx, o.Registry, updates)
}
