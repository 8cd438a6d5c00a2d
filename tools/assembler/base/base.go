// Package base opens the image that layers are stacked onto.
//
// A base is named by a string, read in this order:
//   - "scratch": an empty image;
//   - the path of an OCI image layout directory, an OCI archive (a tar of a
//     layout) or a `docker save` tarball, classic or Docker 25+;
//   - a registry reference pinned by digest, "registry/repo[:tag]@sha256:...",
//     fetched with the credentials of ~/.docker/config.json and its
//     credential helpers.
//
// Multi-platform bases are narrowed to the image for the requested platform.
// A platform the base lacks, or a blob it lists but does not contain, is an
// error that names what is missing, what is there, and how to fix it. Every
// blob is verified against its digest as it is read.
//
// The opened image always has OCI media types, so the image built on it is a
// plain OCI image; layers stored uncompressed (as `docker save` writes them)
// are gzip-compressed once into the work directory.
package base

import (
	"context"
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
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
	close  func() error
}

// Close releases files the base reads from.
func (b *Base) Close() error {
	if b.close == nil {
		return nil
	}
	return b.close()
}

type options struct {
	workDir  string
	keychain authn.Keychain
}

// Option configures Open.
type Option func(*options)

// WithWorkDir sets where recompressed base layers are written; it must
// outlive the use of the base. Default: the system's temporary directory.
func WithWorkDir(dir string) Option { return func(o *options) { o.workDir = dir } }

// WithKeychain sets the credentials for registry bases. Default:
// authn.DefaultKeychain (docker config.json and credential helpers).
func WithKeychain(k authn.Keychain) Option { return func(o *options) { o.keychain = k } }

// Open opens the base named by spec for the given platform.
func Open(ctx context.Context, spec string, platform v1.Platform, opts ...Option) (*Base, error) {
	o := options{workDir: os.TempDir(), keychain: authn.DefaultKeychain}
	for _, opt := range opts {
		opt(&o)
	}
	if spec == "" || spec == Scratch {
		return scratch(platform)
	}
	if _, err := os.Stat(spec); err == nil {
		return openFile(spec, platform, o)
	}
	if looksLikeReference(spec) {
		return openRemote(ctx, spec, platform, o)
	}
	return nil, fmt.Errorf("base %q: no such file or directory; a base is %q, an OCI layout directory, an OCI archive, a docker save tarball, or a registry reference pinned by digest (registry/repo@sha256:...)", spec, Scratch)
}
