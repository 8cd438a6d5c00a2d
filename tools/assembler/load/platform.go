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

// enginePlatform asks the engine which platform it runs images for: with
// Docker Desktop or a remote engine that is not the platform this tool runs on.
func enginePlatform(ctx context.Context, engine string) (*v1.Platform, error) {
	format := "{{.Server.Os}}/{{.Server.Arch}}"
	if strings.Contains(engine, "podman") {
		format = "{{.Host.OS}}/{{.Host.Arch}}"
	}
	verb := "version"
	if strings.Contains(engine, "podman") {
		verb = "info"
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, engine, verb, "--format", format)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("asking %s for its platform (%s %s): %w: %s; is the engine running? Or pass --platform linux/%s",
			engine, engine, verb, err, strings.TrimSpace(stderr.String()), runtime.GOARCH)
	}
	p, err := v1.ParsePlatform(strings.TrimSpace(string(out)))
	if err != nil {
		return nil, fmt.Errorf("%s reported platform %q: %w", engine, strings.TrimSpace(string(out)), err)
	}
	return p, nil
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
		if !n.Descriptor.MediaType.IsImage() || store.IsArtifact(n.Descriptor) || p == nil {
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
