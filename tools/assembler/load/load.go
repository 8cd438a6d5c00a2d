// Package load hands an image from an OCI layout to a local container
// engine (docker or podman) through the engine's own `load` command.
//
// The image is streamed to `docker load` / `podman load` on stdin as a
// Docker archive, written on the fly: no temporary tarball is ever written, so
// a load costs one pass over the blobs. For an image index, the manifest for
// the engine's platform is loaded (or the one asked for), since an engine's
// image store holds one platform per name.
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
	"github.com/google/go-containerregistry/pkg/v1/tarball"

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
	img, err := pick(ctx, root, o)
	if err != nil {
		return err
	}
	refs, err := references(o.Tags, root.Names, img)
	if err != nil {
		return err
	}
	return stream(ctx, o, refs)
}

// pick returns the image itself, or the manifest of an index that fits the
// requested platform or the engine's.
func pick(ctx context.Context, root *store.Root, o Options) (v1.Image, error) {
	if root.Image != nil {
		return root.Image, nil
	}
	want := o.Platform
	if want == nil {
		p, err := enginePlatform(ctx, o.Engine)
		if err != nil {
			return nil, err
		}
		want = p
	}
	return indexImage(root.Index, *want)
}

func references(tags, names []string, img v1.Image) (map[name.Reference]v1.Image, error) {
	if len(tags) == 0 {
		tags = names
	}
	refs := map[name.Reference]v1.Image{}
	for _, t := range tags {
		tag, err := name.NewTag(t)
		if err != nil {
			return nil, fmt.Errorf("tag %q is not an image name such as example.com/app:dev: %w%s", t, err, stampHint(t))
		}
		refs[tag] = img
	}
	if len(refs) == 0 {
		// An untagged image: the engine knows it by its ID only.
		d, err := img.Digest()
		if err != nil {
			return nil, err
		}
		ref, err := name.NewDigest("untagged@" + d.String())
		if err != nil {
			return nil, err
		}
		refs[ref] = img
	}
	return refs, nil
}

// stampHint explains a name that still holds a {KEY} placeholder.
func stampHint(t string) string {
	if strings.Contains(t, "{") {
		return "; it holds a workspace status placeholder, which is only filled in when building with --stamp"
	}
	return ""
}

// stream runs `<engine> load` and writes the Docker archive into its stdin
// while it reads.
func stream(ctx context.Context, o Options, refs map[name.Reference]v1.Image) error {
	cmd := exec.CommandContext(ctx, o.Engine, "load")
	cmd.Stdout, cmd.Stderr = o.Stdout, o.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s load: %w", o.Engine, err)
	}
	writeErr := tarball.MultiRefWrite(refs, stdin)
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
