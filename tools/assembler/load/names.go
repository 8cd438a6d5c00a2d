package load

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
)

// dockerHub is the registry name containerd and Docker record Docker Hub's
// images under; go-containerregistry calls it index.docker.io.
const dockerHub = "docker.io"

// normalizedName is tag as Docker and nerdctl name images in containerd:
// registry, repository and tag in full, docker.io/library/app:latest for
// app, so that `docker run app` finds the image.
func normalizedName(tag string) (string, error) {
	t, err := name.NewTag(tag)
	if err != nil {
		return "", fmt.Errorf("tag %q: %w", tag, err)
	}
	registry := t.RegistryStr()
	if registry == name.DefaultRegistry {
		registry = dockerHub
	}
	return registry + "/" + t.RepositoryStr() + ":" + t.TagStr(), nil
}
