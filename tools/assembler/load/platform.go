package load

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
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

// platformImage returns the image of idx for platform want, looking into
// nested indexes; none is an error listing the platforms idx has.
func indexImage(idx v1.ImageIndex, want v1.Platform) (v1.Image, error) {
	var have []string
	img, err := find(idx, want, &have)
	if err != nil || img != nil {
		return img, err
	}
	return nil, fmt.Errorf("the image index has no image for platform %s (it has: %s); pass --platform with one of those",
		want.String(), strings.Join(have, ", "))
}

func find(idx v1.ImageIndex, want v1.Platform, have *[]string) (v1.Image, error) {
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	for _, d := range m.Manifests {
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, err
			}
			if img, err := find(child, want, have); err != nil || img != nil {
				return img, err
			}
		case d.MediaType.IsImage() && d.Platform != nil:
			*have = append(*have, d.Platform.String())
			if d.Platform.Satisfies(want) {
				return idx.Image(d.Digest)
			}
		}
	}
	return nil, nil
}
