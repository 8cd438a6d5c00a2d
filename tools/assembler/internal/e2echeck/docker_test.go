//go:build e2e

package e2echeck

import (
	"os"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// TestDockerImage: each of E2E_IMAGES is in the Docker engine (DOCKER_HOST)
// with, when set, the architecture E2E_ARCHITECTURE and, when E2E_TARBALL is
// set, the digest that was built (index.json of that go_image tarball) as its
// ID, as an engine with the containerd image store keeps it.
func TestDockerImage(t *testing.T) {
	arch, tarball := os.Getenv("E2E_ARCHITECTURE"), os.Getenv("E2E_TARBALL")
	for _, image := range strings.Fields(env(t, "E2E_IMAGES")) {
		out, err := testenv.RunErr("docker", "image", "inspect", "--format", "{{.Id}} {{.Architecture}}", image)
		if err != nil {
			t.Fatalf("the engine at DOCKER_HOST=%q has no image %s: %v", os.Getenv("DOCKER_HOST"), image, err)
		}
		id, architecture, _ := strings.Cut(strings.TrimSpace(out), " ")
		if arch != "" && architecture != arch {
			t.Errorf("%s is for %s, want %s", image, architecture, arch)
		}
		if tarball != "" {
			if want := builtDigest(t, tarball).String(); id != want {
				t.Errorf("%s has ID %s, want the digest that was built, %s", image, id, want)
			}
		}
		t.Logf("%s: ID %s, architecture %s", image, id, architecture)
	}
}

// TestContainerdExport: the index.json of E2E_ARCHIVE, which containerd
// exported for one platform, points to the whole image index, as docker save
// of Docker 25+ with the containerd image store writes it.
func TestContainerdExport(t *testing.T) {
	path := env(t, "E2E_ARCHIVE")
	index := tarballIndex(t, path)
	if !index.Manifests[0].MediaType.IsIndex() {
		t.Fatalf("the index.json of %s points to a %s, want an image index", path, index.Manifests[0].MediaType)
	}
	t.Logf("containerd's export %s points to the image index %s", path, index.Manifests[0].Digest)
}

// TestPulled: the image on a base that goimage.pull fetched,
// E2E_ON_PULLED, names that base (E2E_BASE_NAME) in its manifest's
// annotations, and the image on the arm64 image of a pulled index,
// E2E_ON_PULLED_ARM64, is for arm64.
func TestPulled(t *testing.T) {
	manifest, err := tarballImage(t, env(t, "E2E_ON_PULLED")).Manifest()
	if err != nil {
		t.Fatal(err)
	}
	const key = "org.opencontainers.image.base.name"
	if got, want := manifest.Annotations[key], env(t, "E2E_BASE_NAME"); got != want {
		t.Errorf("the image on the pulled base names its base %q, want %s", got, want)
	}
	t.Logf("the image on the pulled base names it: %s = %s", key, manifest.Annotations[key])
	if arch := configFile(t, tarballImage(t, env(t, "E2E_ON_PULLED_ARM64")), "E2E_ON_PULLED_ARM64").Architecture; arch != "arm64" {
		t.Fatalf("the image on the arm64 base of an index is for %s", arch)
	}
	t.Log("the arm64 image took the arm64 manifest of the pulled index")
}
