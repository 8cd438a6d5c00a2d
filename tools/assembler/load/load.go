// Package load hands an image from an OCI layout to a local container
// engine.
//
// Into containerd (Docker with the containerd image store, whose socket
// `docker info` names, or any containerd given by its address: nerdctl's, a
// kind node's), the load is incremental: containerd's content store is asked
// which blobs it lacks, only those are written, under a lease, with the
// labels that keep an image's blobs from containerd's garbage collector,
// then the image record of each tag is pointed at the built manifest or
// index. After a one-line edit that is the program's layer, the config and
// the manifest; the base is not sent again.
//
// Every other engine (Docker with the classic image store, a remote Docker,
// podman) gets the image streamed to `docker load` / `podman load` on stdin
// as the tarball the assembler writes for a build (package output): an OCI
// image layout and a Docker archive at once, written on the fly, so no
// temporary tarball is ever written and a load costs one pass over the
// blobs. Engines with the classic image store read manifest.json and know
// the image by its config digest.
//
// For an image index, the manifest for the engine's platform is loaded (or
// the one asked for), since a classic engine's image store holds one
// platform per name. containerd, which holds indexes, gets the whole index
// when no platform is asked for, and knows the image by the index's digest.
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
	// Containerd is the address of a containerd socket to load into
	// directly, with no engine command: plain containerd, nerdctl's, a kind
	// node's. Docker with the containerd image store is found by itself.
	Containerd string
	// Namespace is the containerd namespace the image is named in: by
	// default "default" with Containerd (ctr's and nerdctl's), and the
	// engine's own ("moby") for Docker. kind's nodes use "k8s.io".
	Namespace string
	// Stdout and Stderr receive the engine's output; Stderr also what a
	// load into containerd wrote, or why the image is streamed whole.
	Stdout, Stderr io.Writer
}

// Load loads the image that the store holds into the engine: into a
// containerd (Options.Containerd, or Docker's when it has the containerd
// image store and its socket is reachable from here), only the blobs that
// its content store lacks; into any other engine, the whole image streamed
// to its load command.
func Load(ctx context.Context, s *store.Store, o Options) error {
	if o.Engine == "" {
		o.Engine = "docker"
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	if o.Containerd != "" {
		return loadDirect(ctx, s, o)
	}
	if _, err := exec.LookPath(o.Engine); err != nil {
		return fmt.Errorf("container engine %q not found on PATH; install it or choose another with --engine docker|podman, or load into containerd with --containerd ADDRESS", o.Engine)
	}
	root, err := s.Root()
	if err != nil {
		return err
	}
	tags, err := checkTags(o.Tags, root.Names)
	if err != nil {
		return err
	}
	c, e, err := content(ctx, root, o)
	if err != nil {
		return err
	}
	c.Tags = tags
	if isPodman(o.Engine) {
		return stream(ctx, o, c)
	}
	if e == nil {
		if e, err = inspectEngine(ctx, o.Engine); err != nil {
			return err
		}
	}
	t, why := dockerTarget(ctx, o, e)
	if t == nil {
		fmt.Fprintf(o.Stderr, "%s: streaming the whole image to %s load\n", why, o.Engine)
		return stream(ctx, o, c)
	}
	digest, err := loadContainerd(ctx, *t, c, o.Stderr)
	if err != nil {
		return err
	}
	return checkDockerSees(ctx, o.Engine, *t, digest)
}

// loadDirect loads into the containerd at o.Containerd: an image, the
// manifest of an index for o.Platform, or else the whole index.
func loadDirect(ctx context.Context, s *store.Store, o Options) error {
	root, err := s.Root()
	if err != nil {
		return err
	}
	tags, err := checkTags(o.Tags, root.Names)
	if err != nil {
		return err
	}
	t := containerdTarget{address: o.Containerd, namespace: o.Namespace}
	if t.namespace == "" {
		t.namespace = "default"
	}
	if len(tags) == 0 && t.namespace != dockerNamespace {
		return errors.New("containerd keeps an image only by a name: give --tag (or --tags-file)")
	}
	c := output.Content{Image: root.Image, Index: root.Index, Tags: tags}
	if root.Index != nil && o.Platform != nil {
		img, err := indexImage(root.Index, *o.Platform)
		if err != nil {
			return err
		}
		c.Image, c.Index = img, nil
	}
	_, err = loadContainerd(ctx, t, c, o.Stderr)
	return err
}

// content is what is loaded: the image itself, the manifest of an index
// that fits the requested platform or the engine's, or, for an engine with
// the containerd image store and no platform asked for, the whole index.
// It returns the engine when it had to ask it.
func content(ctx context.Context, root *store.Root, o Options) (output.Content, *engine, error) {
	if root.Image != nil {
		return output.Content{Image: root.Image}, nil, nil
	}
	want := o.Platform
	var e *engine
	if want == nil {
		var err error
		if e, err = inspectEngine(ctx, o.Engine); err != nil {
			return output.Content{}, nil, err
		}
		if e.containerdStore {
			// manifest.json, which such an engine does not read, still names
			// the engine's platform.
			return output.Content{Index: root.Index, DockerPlatform: &e.platform}, e, nil
		}
		want = &e.platform
	}
	img, err := indexImage(root.Index, *want)
	return output.Content{Image: img}, e, err
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
