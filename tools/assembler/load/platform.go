package load

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// engine is what load asks of the engine it loads into.
type engine struct {
	// platform is the platform the engine runs images for: with Docker
	// Desktop or a remote engine that is not the platform this tool runs on.
	platform v1.Platform
	// containerdStore is set for Docker with the containerd image store
	// (Docker 25+ with the containerd-snapshotter feature, the default from
	// Docker 29 for new installs), which keeps manifests and indexes as loaded.
	containerdStore bool
}

// containerdSnapshotter is the driver type `docker info` reports for an
// engine with the containerd image store.
const containerdSnapshotter = "io.containerd.snapshotter.v1"

// isPodman says whether the engine's command is podman's.
func isPodman(name string) bool { return strings.Contains(name, "podman") }

func inspectEngine(ctx context.Context, name string) (*engine, error) {
	if isPodman(name) {
		p, err := ask(ctx, name, "info", "{{.Host.OS}}/{{.Host.Arch}}")
		if err != nil {
			return nil, err
		}
		return &engine{platform: *p}, nil
	}
	p, err := ask(ctx, name, "version", "{{.Server.Os}}/{{.Server.Arch}}")
	if err != nil {
		return nil, err
	}
	status, err := run(ctx, name, "info", "--format", "{{json .DriverStatus}}")
	if err != nil {
		return nil, err
	}
	return &engine{platform: *p, containerdStore: strings.Contains(status, containerdSnapshotter)}, nil
}

// ask asks the engine for its platform with verb (version or info).
func ask(ctx context.Context, name, verb, format string) (*v1.Platform, error) {
	out, err := run(ctx, name, verb, "--format", format)
	if err != nil {
		return nil, err
	}
	p, err := v1.ParsePlatform(out)
	if err != nil {
		return nil, fmt.Errorf("%s reported platform %q: %w", name, out, err)
	}
	return p, nil
}

func run(ctx context.Context, name string, args ...string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("asking %s for its platform and image store (%s %s): %w: %s; is the engine running? Or pass --platform linux/%s",
			name, name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()), runtime.GOARCH)
	}
	return strings.TrimSpace(string(out)), nil
}

// indexImage returns the image of idx for platform want, looking into
// nested indexes; none is an error listing the platforms idx has.
func indexImage(idx v1.ImageIndex, want v1.Platform) (v1.Image, error) {
	nodes, err := store.Walk(idx)
	if err != nil {
		return nil, err
	}
	var have []string
	for _, n := range nodes {
		p := n.Descriptor.Platform
		if store.KindOf(n.Descriptor) != store.KindImage || p == nil {
			continue
		}
		have = append(have, platform.String(*p))
		if platform.Satisfies(*p, want) {
			return n.Parent.Image(n.Descriptor.Digest)
		}
	}
	return nil, fmt.Errorf("the image index has no image for platform %s (it has: %s); pass --platform with one of those",
		platform.String(want), strings.Join(have, ", "))
}
