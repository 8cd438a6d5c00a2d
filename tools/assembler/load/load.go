// Package load hands an image from an OCI layout to a local container
// engine (docker or podman) through the engine's own `load` command.
//
// The image is streamed to `docker load` / `podman load` on stdin as the
// tarball the assembler writes for a build (package output): an OCI image
// layout and a Docker archive at once, written on the fly, so no temporary
// tarball is ever written and a load costs one pass over the blobs. Each
// engine reads the form it knows: Docker with the containerd image store
// (Docker 25+) reads index.json and keeps the image's manifest, so the
// loaded image's ID is the digest that was built, named with every tag;
// engines with the classic image store read manifest.json and know the
// image by its config digest.
//
// For an image index, the manifest for the engine's platform is loaded (or
// the one asked for), since a classic engine's image store holds one
// platform per name. An engine with the containerd image store, which holds
// indexes, gets the whole index when no platform is asked for.
package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// Options says where and how to load.
type Options struct {
	// Engine is the engine's command: "docker" (default), "podman", or a path.
	Engine string
	// Platform picks the manifest of an index; nil asks the engine for its own.
	Platform *v1.Platform
	// Tags name the loaded image, e.g. "example.com/app:dev"; none uses the
	// names the layout carries, and an image without names loads untagged.
	Tags []string
	// Stdout and Stderr receive the engine's output.
	Stdout, Stderr io.Writer
}

// Load streams the image that the store holds into the engine.
func Load(ctx context.Context, s *store.Store, o Options) error {
	if o.Engine == "" {
		o.Engine = "docker"
	}
	if _, err := exec.LookPath(o.Engine); err != nil {
		return fmt.Errorf("container engine %q not found on PATH; install it or choose another with --engine docker|podman", o.Engine)
	}
	root, err := s.Root()
	if err != nil {
		return err
	}
	tags, err := checkTags(o.Tags, root.Names)
	if err != nil {
		return err
	}
	c, err := content(ctx, root, o)
	if err != nil {
		return err
	}
	c.Tags = tags
	return stream(ctx, o, c)
}

// content is what is streamed: the image itself, the manifest of an index
// that fits the requested platform or the engine's, or, for an engine with
// the containerd image store and no platform asked for, the whole index.
func content(ctx context.Context, root *store.Root, o Options) (output.Content, error) {
	if root.Image != nil {
		return output.Content{Image: root.Image}, nil
	}
	want := o.Platform
	if want == nil {
		e, err := inspectEngine(ctx, o.Engine)
		if err != nil {
			return output.Content{}, err
		}
		if e.containerdStore {
			// manifest.json, which such an engine does not read, still names
			// the engine's platform.
			return output.Content{Index: root.Index, DockerPlatform: &e.platform}, nil
		}
		want = &e.platform
	}
	img, err := indexImage(root.Index, *want)
	return output.Content{Image: img}, err
}

// checkTags returns the names to load the image with: tags, or the layout's
// names when none are given.
func checkTags(tags, names []string) ([]string, error) {
	if len(tags) == 0 {
		tags = names
	}
	for _, t := range tags {
		if _, err := name.NewTag(t); err != nil {
			return nil, fmt.Errorf("tag %q is not an image name such as example.com/app:dev: %w%s", t, err, stampHint(t))
		}
	}
	return tags, nil
}

// stampHint explains a name that still holds a {KEY} placeholder.
func stampHint(t string) string {
	if strings.Contains(t, "{") {
		return "; it holds a workspace status placeholder, which is only filled in when building with --stamp"
	}
	return ""
}

// stream runs `<engine> load` and writes the tarball into its stdin while
// it reads.
func stream(ctx context.Context, o Options, c output.Content) error {
	cmd := exec.CommandContext(ctx, o.Engine, "load")
	cmd.Stdout, cmd.Stderr = o.Stdout, o.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s load: %w", o.Engine, err)
	}
	writeErr := output.WriteArchive(ctx, stdin, c)
	closeErr := stdin.Close()
	waitErr := cmd.Wait()
	switch {
	// A broken pipe only means the engine stopped reading; its exit says why.
	case writeErr != nil && !errors.Is(writeErr, syscall.EPIPE):
		return fmt.Errorf("streaming the image to %s load: %w", o.Engine, writeErr)
	case waitErr != nil:
		return fmt.Errorf("%s load: %w (its output above says why)", o.Engine, waitErr)
	case writeErr != nil:
		return fmt.Errorf("streaming the image to %s load: %w", o.Engine, writeErr)
	}
	return closeErr
}
