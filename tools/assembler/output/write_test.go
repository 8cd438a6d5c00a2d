package output

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

func TestTarballIsDockerArchiveAndOCILayout(t *testing.T) {
	img, err := random.Image(1024, 3)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	dir := t.TempDir()
	path := filepath.Join(dir, "image.tar")
	if err := WriteTarball(path, Content{Image: img, Tags: []string{"example.com/app:v1"}}); err != nil {
		t.Fatal(err)
	}

	tag, _ := name.NewTag("example.com/app:v1")
	fromDocker, err := tarball.ImageFromPath(path, &tag)
	if err != nil {
		t.Fatalf("reading as a Docker archive: %v", err)
	}
	if err := validate.Image(fromDocker); err != nil {
		t.Errorf("Docker archive view: %v", err)
	}

	extracted := filepath.Join(dir, "extracted")
	testenv.Untar(t, path, extracted)
	fromLayout := testenv.LayoutImage(t, extracted)
	if err := validate.Image(fromLayout); err != nil {
		t.Errorf("OCI layout view: %v", err)
	}
	if got, _ := fromLayout.Digest(); got != want {
		t.Errorf("OCI layout holds %s, want %s", got, want)
	}
}

func TestLayoutAndTarballHoldTheSameFiles(t *testing.T) {
	img, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteTarball(filepath.Join(dir, "a.tar"), Content{Image: img}); err != nil {
		t.Fatal(err)
	}
	if err := WriteLayout(filepath.Join(dir, "layout"), Content{Image: img}); err != nil {
		t.Fatal(err)
	}
	testenv.Untar(t, filepath.Join(dir, "a.tar"), filepath.Join(dir, "untarred"))
	for _, f := range []string{"index.json", "oci-layout", "manifest.json"} {
		a, _ := os.ReadFile(filepath.Join(dir, "untarred", f))
		b, _ := os.ReadFile(filepath.Join(dir, "layout", f))
		if !bytes.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s differs between the tarball and the layout directory", f)
		}
	}
}

func TestWriteTarballIsReproducible(t *testing.T) {
	img, err := random.Image(2048, 2)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.tar"), filepath.Join(dir, "b.tar")
	for _, p := range []string{a, b} {
		if err := WriteTarball(p, Content{Image: img, Tags: []string{"app:v1"}}); err != nil {
			t.Fatal(err)
		}
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ab, bb) {
		t.Error("writing the same image twice gave different tarballs")
	}
}

func TestFailedWriteLeavesNoOutput(t *testing.T) {
	img, err := random.Image(100, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "image.tar")
	if err := WriteTarball(path, Content{Image: img, Tags: []string{"Not A Valid Tag"}}); err == nil {
		t.Fatal("expected an error for an invalid tag")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 0 {
		t.Errorf("a failed write left %d files behind", len(entries))
	}
}

// With several tags, index.json names the image once per tag, and every
// engine names it with every tag: Docker with the containerd image store and
// podman from index.json, the classic store from manifest.json. Tools that
// read index.json take the image by its tag (skopeo's oci-archive:FILE:TAG),
// and crane reads the tarball as one image (manifest.json).
func TestTarballWithTwoTags(t *testing.T) {
	skopeo := testenv.Tool(t, "skopeo")
	crane := testenv.Tool(t, "crane")
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	img, _ = mutate.ConfigFile(img, cf)
	// As the assembler builds them: skopeo looks for named OCI manifests.
	img = mutate.ConfigMediaType(mutate.MediaType(img, types.OCIManifestSchema1), types.OCIConfigJSON)
	v1, v2 := testenv.UniqueName("two-tags"), testenv.UniqueName("two-tags")
	path := filepath.Join(t.TempDir(), "image.tar")
	if err := WriteTarball(path, Content{Image: img, Tags: []string{v1, v2}}); err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	for _, tag := range []string{v1, v2} {
		out := testenv.Run(t, skopeo, "inspect", "--format", "{{.Digest}}", "oci-archive:"+path+":"+testenv.ImageTag(tag))
		if strings.TrimSpace(out) != want.String() {
			t.Errorf("skopeo inspect oci-archive:...:%s gave %q, want %s", testenv.ImageTag(tag), out, want)
		}
	}
	// crane reads the tarball's manifest.json, as one image.
	testenv.Run(t, crane, "validate", "--tarball", path)
	engines := []string{"podman"}
	for _, e := range testenv.DockerEngines() {
		engines = append(engines, "docker/"+e.Name)
	}
	for i, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			cmd, keepsManifests := engine, false
			if i > 0 {
				cmd, keepsManifests = testenv.DockerEngines()[i-1].Use(t)
			} else {
				testenv.Tool(t, cmd)
			}
			t.Cleanup(func() { testenv.RunErr(cmd, "rmi", "-f", v1, v2) })
			testenv.Run(t, cmd, "load", "-i", path)
			for _, tag := range []string{v1, v2} {
				id, err := testenv.RunErr(cmd, "image", "inspect", "--format", "{{.Id}}", tag)
				if err != nil {
					t.Errorf("%s load of a tarball with two tags did not name it %s: %v", engine, tag, err)
				}
				// The containerd image store knows the image by the digest that was built.
				if keepsManifests && strings.TrimSpace(id) != want.String() {
					t.Errorf("%s: image ID %s, want %s", tag, id, want)
				}
			}
		})
	}
}
