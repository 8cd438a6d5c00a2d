// Package base opens the image that layers are stacked onto, and imports
// bases into a verified OCI layout (Import), which is how bases enter a
// Bazel build.
//
// A base is named by a string, read in this order:
//   - "scratch": an empty image;
//   - the path of an OCI image layout directory, an OCI archive (a tar of a
//     layout), or an image archive: `docker save` (classic or Docker 25+),
//     `ctr image export`, go-containerregistry's tarballs (crane, ko); plain
//     or gzip- or zstd-compressed;
//   - a registry reference pinned by digest, "registry/repo[:tag]@sha256:...",
//     fetched with the credentials of ~/.docker/config.json and its
//     credential helpers.
//
// Multi-platform bases are narrowed to the image for the requested platform,
// through nested indexes of any depth. A platform the base lacks, or a blob
// it lists but does not contain, is an error that names what is missing,
// what is there, and how to fix it. Every blob is verified against its
// digest as it is read.
//
// The opened image always has OCI media types, so the image built on it is a
// plain OCI image; layers stored uncompressed (as `docker save` writes them)
// are gzip-compressed once into the work directory.
package base

import (
	"context"
	"fmt"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// Scratch names the empty base image.
const Scratch = "scratch"

// Base is an opened base image together with what identifies it.
type Base struct {
	Image v1.Image
	// Name is a reference for the base, e.g. "example.com/distroless:v1"; it
	// is empty when the base does not name itself (scratch, most layouts).
	Name string
	// Digest is the digest of the base's image manifest for the platform;
	// zero for scratch and classic docker archives, which have none.
	Digest v1.Hash
	// FSIndex is the index of the base's file system that its import wrote,
	// or an empty one for scratch; nil when no import indexed the base.
	FSIndex *fsindex.Index
	// Notes say how the base was read where it is not what was asked for:
	// an image whose config names no platform, used for the one wanted.
	Notes []string
	close func() error
}

// Close releases files the base reads from.
func (b *Base) Close() error {
	if b.close == nil {
		return nil
	}
	return b.close()
}

type options struct {
	workDir      string
	registry     registry.Options
	storeOptions []store.Option
	lazyLayers   bool
	// label names the base in messages in place of its path: the Bazel
	// target it came from, not a file in Bazel's output tree.
	label string
}

// named is how messages name the base at spec.
func (o options) named(spec string) string {
	if o.label != "" {
		return o.label
	}
	return spec
}

// WithLabel names the base in messages by label (such as its Bazel target,
// "//app:base" or "goimage.local(name = \"company_base\")") rather than by
// the path it is read from.
func WithLabel(label string) Option {
	return func(o *options) { o.label = label }
}

func (o options) remoteOptions(ctx context.Context) []remote.Option {
	return registry.RemoteOptions(ctx, o.registry, nil)
}

// Option configures Open and Import.
type Option func(*options)

// WithWorkDir sets where recompressed base layers and decompressed archives
// are written; it must outlive the use of the base. Default: the system's
// temporary directory.
func WithWorkDir(dir string) Option { return func(o *options) { o.workDir = dir } }

// WithRegistry sets how registry bases are reached: credentials, transport,
// retries. Default: docker config.json and its credential helpers, the
// retry policy of package registry.
func WithRegistry(r registry.Options) Option { return func(o *options) { o.registry = r } }

// WithLazyLayers imports a registry base without its layers: its
// manifests and configs are fetched and checked, and its layers stay in the
// registry, to be read from there by what needs their bytes
// (store.WithRemoteBlobs, IndexLayer). A thin build on the base reads none.
func WithLazyLayers() Option { return func(o *options) { o.lazyLayers = true } }

// WithStoreOptions sets how a base saved as files is read (store.Option).
func WithStoreOptions(opts ...store.Option) Option {
	return func(o *options) { o.storeOptions = append(o.storeOptions, opts...) }
}

func newOptions(opts []Option) options {
	o := options{workDir: os.TempDir()}
	for _, opt := range opts {
		opt(&o)
	}
	o.storeOptions = append([]store.Option{store.WithWorkDir(o.workDir)}, o.storeOptions...)
	return o
}

// Open opens the base named by spec for the given platform.
func Open(ctx context.Context, spec string, want v1.Platform, opts ...Option) (*Base, error) {
	o := newOptions(opts)
	if spec == "" || spec == Scratch {
		return scratch(want)
	}
	src, err := openSource(ctx, spec, o)
	if err != nil {
		return nil, err
	}
	b, err := src.open(want, o)
	if err != nil {
		src.close()
		return nil, fmt.Errorf("base %s: %w", o.named(spec), err)
	}
	b.close = src.close
	return b, nil
}

// open picks the image for want and gives it OCI media types.
func (src *source) open(want v1.Platform, o options) (*Base, error) {
	c, err := src.inv.pick(want)
	if err != nil {
		return nil, err
	}
	img, err := c.load()
	if err != nil {
		return nil, fmt.Errorf("reading its %s image: %w", platform.String(want), err)
	}
	if img, err = toOCI(img, o.workDir); err != nil {
		return nil, err
	}
	b := &Base{Image: img, Name: c.name}
	if c.note != "" {
		b.Notes = append(b.Notes, c.note)
	}
	if b.Name == "" {
		b.Name = src.name
	}
	if src.fsIndex != nil {
		if b.FSIndex, err = src.fsIndex(c.desc.Digest); err != nil {
			return nil, err
		}
	}
	if !c.madeUp {
		b.Digest = c.desc.Digest
	}
	return b, nil
}
