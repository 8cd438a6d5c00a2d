package load

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// testEngine is a container engine Load supports, as a test uses it.
type testEngine struct {
	name   string
	docker *testenv.DockerEngine
}

// engines are the engines the tests load into: every Docker engine of
// testenv (the default one and one with the containerd image store), and
// podman.
func engines() []testEngine {
	var out []testEngine
	for _, e := range testenv.DockerEngines() {
		out = append(out, testEngine{name: "docker/" + e.Name, docker: &e})
	}
	return append(out, testEngine{name: "podman"})
}

// use points the test at the engine, or skips it (fails under CI) when the
// engine is missing; it returns the command, and whether the engine keeps
// manifests (Docker's containerd image store).
func (e testEngine) use(t *testing.T) (cmd string, keepsManifests bool) {
	t.Helper()
	if e.docker != nil {
		return e.docker.Use(t)
	}
	needEngine(t, e.name)
	return e.name, false
}

// needEngine skips when the engine is not installed (fails under CI, which
// installs podman) or does not answer.
func needEngine(t *testing.T, engine string) {
	t.Helper()
	testenv.Tool(t, engine)
	if err := exec.Command(engine, "version").Run(); err != nil {
		t.Skipf("needs a working %s: %s version: %v", engine, engine, err)
	}
}

// uniqueTag is a name no other test or user of the shared engine has; the
// image is removed from the engine when the test ends.
func uniqueTag(t *testing.T, engine string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	tag := "goimage-test-rules/load:" + hex.EncodeToString(b)
	t.Cleanup(func() { exec.Command(engine, "rmi", "--force", tag).Run() })
	return tag
}

func inspect(t *testing.T, engine, tag, format string) string {
	t.Helper()
	out, err := exec.Command(engine, "image", "inspect", "--format", format, tag).CombinedOutput()
	if err != nil {
		t.Fatalf("%s image inspect %s: %v\n%s", engine, tag, err, out)
	}
	return strings.TrimSpace(string(out))
}

// imageID is the engine's ID of a loaded image: its config digest, which
// docker shows with the algorithm and podman without.
func imageID(t *testing.T, engine, tag string) string {
	t.Helper()
	id := inspect(t, engine, tag, "{{.Id}}")
	if !strings.HasPrefix(id, "sha256:") {
		id = "sha256:" + id
	}
	return id
}

func platformImage(t *testing.T, arch string) v1.Image {
	t.Helper()
	img, err := random.Image(1024, 2)
	if err != nil {
		t.Fatal(err)
	}
	return testenv.ForLinux(t, img, arch)
}

func writeLayout(t *testing.T, x any, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	var opts []layout.Option
	for _, n := range names {
		opts = append(opts, layout.WithAnnotations(map[string]string{"io.containerd.image.name": n}))
	}
	switch x := x.(type) {
	case v1.Image:
		err = p.AppendImage(x, opts...)
	case v1.ImageIndex:
		err = p.AppendIndex(x, opts...)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func index(t *testing.T, archs ...string) v1.ImageIndex {
	t.Helper()
	var adds []mutate.IndexAddendum
	for _, arch := range archs {
		adds = append(adds, mutate.IndexAddendum{
			Add:        platformImage(t, arch),
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}},
		})
	}
	return mutate.AppendManifests(empty.Index, adds...)
}

func configID(t *testing.T, img v1.Image) string {
	t.Helper()
	h, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

// imageDigest is the digest an engine knows a loaded image by: its manifest
// digest, the one that was built, on an engine that keeps manifests; its
// config digest elsewhere.
func imageDigest(t *testing.T, img v1.Image, keepsManifests bool) string {
	t.Helper()
	if keepsManifests {
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		return d.String()
	}
	return configID(t, img)
}

// Every engine names the image with every tag, and knows it by the digest
// that was built where it keeps manifests.
func TestLoadImage(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			engine, keepsManifests := e.use(t)
			tags := []string{uniqueTag(t, engine), uniqueTag(t, engine)}
			img := platformImage(t, "amd64")
			// The engine's load names what it loaded on stdout; a load into
			// Docker's containerd says what it wrote on stderr.
			var said bytes.Buffer
			if err := loadDir(t, writeLayout(t, img), Options{Engine: engine, Tags: tags, Stdout: &said, Stderr: &said}); err != nil {
				t.Fatal(err)
			}
			for _, tag := range tags {
				// podman qualifies a name without a registry with localhost/.
				if !strings.Contains(said.String(), tag) {
					t.Errorf("%s load said %q, want it to name %s", engine, said.String(), tag)
				}
				if got, want := imageID(t, engine, tag), imageDigest(t, img, keepsManifests); got != want {
					t.Errorf("%s: loaded image ID %s, want %s", tag, got, want)
				}
			}
		})
	}
}

func TestLoadUsesTheLayoutsNames(t *testing.T) {
	for _, e := range engines()[:2] {
		t.Run(e.name, func(t *testing.T) {
			docker, keepsManifests := e.use(t)
			tag := uniqueTag(t, docker)
			img := platformImage(t, "amd64")
			if err := loadDir(t, writeLayout(t, img, tag), Options{}); err != nil {
				t.Fatal(err)
			}
			if got, want := imageID(t, docker, tag), imageDigest(t, img, keepsManifests); got != want {
				t.Errorf("loaded image ID %s, want %s", got, want)
			}
		})
	}
}

// An index loads as its engine platform's image, or the one asked for; an
// engine with the containerd image store gets the whole index, known by
// the index's digest, and still runs its own platform's image.
func TestLoadIndexPicksThePlatform(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			engine, keepsManifests := e.use(t)
			testLoadIndexPicksThePlatform(t, engine, keepsManifests)
		})
	}
}

func testLoadIndexPicksThePlatform(t *testing.T, engine string, keepsManifests bool) {
	host, err := inspectEngine(context.Background(), engine)
	if err != nil {
		t.Fatal(err)
	}
	if host.containerdStore != keepsManifests {
		t.Errorf("inspectEngine says containerd image store %v, docker info %v", host.containerdStore, keepsManifests)
	}
	other := "arm64"
	if host.platform.Architecture == "arm64" {
		other = "amd64"
	}
	idx := index(t, "amd64", "arm64")
	dir := writeLayout(t, idx)
	for _, tc := range []struct {
		name     string
		platform *v1.Platform
		want     string
	}{
		{"engine's platform", nil, host.platform.Architecture},
		{"asked for", &v1.Platform{OS: "linux", Architecture: other}, other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tag := uniqueTag(t, engine)
			if err := loadDir(t, dir, Options{Engine: engine, Tags: []string{tag}, Platform: tc.platform}); err != nil {
				t.Fatal(err)
			}
			if got := inspect(t, engine, tag, "{{.Architecture}}"); got != tc.want {
				t.Errorf("loaded architecture %s, want %s", got, tc.want)
			}
			if keepsManifests && tc.platform == nil {
				want, _ := idx.Digest()
				if got := imageID(t, engine, tag); got != want.String() {
					t.Errorf("loaded image ID %s, want the index's digest %s", got, want)
				}
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	img := platformImage(t, "amd64")
	for _, tc := range []struct {
		name, dir string
		o         Options
		want      string
	}{
		{"engine missing", writeLayout(t, img), Options{Engine: "no-such-engine"}, `container engine "no-such-engine" not found`},
		{"platform missing", writeLayout(t, index(t, "amd64", "arm64")), Options{Platform: &v1.Platform{OS: "linux", Architecture: "s390x"}},
			"no image for platform linux/s390x (it has: linux/amd64, linux/arm64)"},
		{"unstamped tag", writeLayout(t, img), Options{Tags: []string{"app:{STABLE_GIT_COMMIT}"}}, "only filled in when building with --stamp"},
		{"not a layout", t.TempDir(), Options{}, "is not an OCI image layout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.o.Engine == "" {
				// Errors found before the engine runs; any command on PATH will do.
				tc.o.Engine = "true"
			}
			err := loadDir(t, tc.dir, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// loadDir loads the layout in dir.
func loadDir(t *testing.T, dir string, o Options) error {
	t.Helper()
	s, err := store.Open(dir)
	if err != nil {
		return err
	}
	defer s.Close()
	return Load(context.Background(), s, o)
}

// An image without names loads untagged: the engine knows it by its ID.
func TestLoadUntagged(t *testing.T) {
	for _, e := range engines()[:2] {
		t.Run(e.name, func(t *testing.T) {
			docker, keepsManifests := e.use(t)
			img := platformImage(t, "amd64")
			id := imageDigest(t, img, keepsManifests)
			t.Cleanup(func() { exec.Command(docker, "rmi", "--force", id).Run() })
			var stdout bytes.Buffer
			if err := loadDir(t, writeLayout(t, img), Options{Stdout: &stdout}); err != nil {
				t.Fatal(err)
			}
			t.Logf("docker load: %s", stdout.String())
			if got := imageID(t, docker, id); got != id {
				t.Errorf("loaded image ID %s, want %s", got, id)
			}
		})
	}
}
