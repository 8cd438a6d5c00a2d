package inspect

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// An image that BuildKit built for two platforms, with its provenance
// attestations, as Docker with the containerd image store saves it: the
// attestation manifests are described as attestations of their images, not
// as images of platform unknown/unknown.
func TestDescribeBuildKitAttestations(t *testing.T) {
	docker, _ := testenv.ContainerdStore().Use(t)
	buildx := testenv.Buildx(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\nCOPY hello.txt /\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	name := testenv.UniqueName("attested")
	t.Cleanup(func() { testenv.RunErr(docker, "rmi", "-f", name) })
	testenv.Run(t, buildx, "build", "--quiet", "--platform", "linux/amd64,linux/arm64", "--provenance=mode=min", "-t", name, "--load", dir)
	saved := filepath.Join(t.TempDir(), "saved.tar")
	testenv.Run(t, docker, "save", "-o", saved, name)
	var out bytes.Buffer
	if err := Describe(&out, saved); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", out.String())
	if n := strings.Count(out.String(), "attestation sha256:"); n != 2 {
		t.Errorf("the description shows %d attestations, want 2 (one per platform)", n)
	}
	for _, want := range []string{", for image sha256:", "https://slsa.dev/provenance/", "linux/amd64", "linux/arm64"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the description lacks %q", want)
		}
	}
	for _, bad := range []string{"unknown/unknown", "not in the archive"} {
		if strings.Contains(out.String(), bad) {
			t.Errorf("the description shows %q", bad)
		}
	}
}
