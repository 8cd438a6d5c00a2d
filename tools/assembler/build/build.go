// Package build is the assembler's application layer: it turns a request
// for an image, or for an index of images, into written outputs.
//
// A [Request] names a base, the platform, a Go binary and prebuilt layers,
// and the config to set over the base's; [Image] opens the base, writes the
// binary's layer, assembles the image, runs the checks (package check) on
// it, makes the documents that describe its binary (an SBOM, a provenance)
// and writes every output, or none. An [IndexRequest] names images built
// for one platform each; [Index] combines them into one image index and
// writes it the same way.
//
// The command line (package cli) parses flags into these requests and
// prints what they return; Bazel's actions reach this package through it.
// Everything between the flags and the parts (base, layer, image, check,
// output, sbom, provenance) lives here.
package build

import (
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/check"
	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// Request is an image to build and the outputs to write it to.
type Request struct {
	// Base is what base.Open takes: scratch, an OCI layout directory, an
	// image archive, or a registry reference pinned by digest.
	Base string
	// BaseLabel names the base in messages, such as its Bazel target;
	// empty: Base.
	BaseLabel string
	// BaseOptions read the base's layout: where the blobs of a thin one are
	// (an image.json of the Bazel rules names them), for instance.
	BaseOptions []store.Option
	Platform    v1.Platform
	// Binary is a Go binary that gets a layer of its own, the last; nil
	// for none.
	Binary *Binary
	// Layers are descriptors written by 'assembler layer', whose layers are
	// appended as they are, in order, before the binary's.
	Layers []string
	// Config is set over the base's config. A nil Entrypoint is the
	// binary's path in the image (with a Binary), a zero Created is Epoch,
	// an empty BaseName the name the base records; Platform and BaseDigest
	// are set from the base and Platform.
	Config image.Config
	// Checks sets the levels of the image checks; nil runs each at its
	// default level.
	Checks check.Levels
	// Compression and CompressionLevel compress the binary's layer (default
	// gzip at the compressor's default level).
	Compression      layer.Compression
	CompressionLevel int
	// Epoch is the time of every timestamp but the image's creation: the
	// files of the binary's layer, the documents and their artifacts. The
	// zero value is the Unix epoch, so that outputs stay reproducible.
	Epoch time.Time
	// FollowSymlinks follows symlinks that lead out of a layout directory
	// (Bazel's sandboxes present inputs as such symlinks).
	FollowSymlinks bool
	// Tags name the image in the outputs (docker load applies them).
	Tags      []string
	Documents Documents
	Outputs   Outputs
}

// Binary is a Go binary put into the image in a layer of its own.
type Binary struct {
	// File is the binary on this machine; it must be built for the
	// image's platform.
	File string
	// Path is where it goes in the image (default /app/<File's name>).
	Path string
	// Mode is its file mode in the image, at most 07777 (default 0755).
	Mode int64
	// Capabilities are Linux file capabilities, as ko's
	// linux_capabilities takes them (cap_net_bind_service,
	// NET_BIND_SERVICE, cap_net_bind_service+ep).
	Capabilities []string
}

// Documents are the documents about the image's Go binary that a build
// writes to files and attaches to the image in its outputs, as OCI 1.1
// referrers. Each is written when its file is named.
type Documents struct {
	// SBOM is the file of an SPDX 2.3 JSON SBOM of the binary's modules.
	SBOM string
	// Provenance is the file of an in-toto statement with an SLSA
	// Provenance v1 predicate, whose subject is the image manifest.
	Provenance string
	// Binary is the Go binary they describe, when it comes in a prebuilt
	// layer (default: the Binary's File).
	Binary string
	// Packages, for a binary whose build info lists no modules, is a file
	// of the import paths linked into it, each with its package URL where
	// known; GoMod is the main module's go.mod (see sbom.ModulesOfPackages).
	Packages, GoMod string
	// Label is the Bazel label of the image target, which names the image
	// in the provenance.
	Label string
	// Status are workspace status files of a stamped build, whose revision
	// and time the provenance records.
	Status []string
}

// Outputs are where a build or an index writes the image; empty ones are
// not written.
type Outputs struct {
	// Tarball is an OCI image layout and a Docker archive in one tar.
	Tarball string
	// Layout is an OCI image layout directory.
	Layout string
	// ThinLayout is an OCI image layout directory without the layer blobs,
	// which stay where they are.
	ThinLayout string
	// DigestFile gets the digest of the image or index.
	DigestFile string
}

// describedBinary is the binary the documents describe.
func (r *Request) describedBinary() string {
	switch {
	case r.Documents.Binary != "":
		return r.Documents.Binary
	case r.Binary != nil:
		return r.Binary.File
	}
	return ""
}

// epoch is the time of the build's timestamps, in UTC.
func (r *Request) epoch() time.Time {
	if r.Epoch.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return r.Epoch.UTC()
}
