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
)

// needDocker skips when no Docker engine answers; tools/run_tests.sh runs
// where one does.
func needDocker(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("needs the docker command and a running Docker engine")
	}
	if err := exec.Command("docker", "version").Run(); err != nil {
		t.Skipf("needs a running Docker engine: docker version: %v", err)
	}
}

// uniqueTag is a name no other test or user of the shared engine has; the
// image is removed when the test ends.
func uniqueTag(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	tag := "goimage-test-rules/load:" + hex.EncodeToString(b)
	t.Cleanup(func() { exec.Command("docker", "rmi", "--force", tag).Run() })
	return tag
}

func inspect(t *testing.T, tag, format string) string {
	t.Helper()
	out, err := exec.Command("docker", "image", "inspect", "--format", format, tag).CombinedOutput()
	if err != nil {
		t.Fatalf("docker image inspect %s: %v\n%s", tag, err, out)
	}
	return strings.TrimSpace(string(out))
}

func platformImage(t *testing.T, arch string) v1.Image {
	t.Helper()
	img, err := random.Image(1024, 2)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
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

func TestLoadImage(t *testing.T) {
	needDocker(t)
	tag := uniqueTag(t)
	img := platformImage(t, "amd64")
	var stdout bytes.Buffer
	if err := Load(context.Background(), writeLayout(t, img), Options{Tags: []string{tag}, Stdout: &stdout}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "Loaded image: "+tag) {
		t.Errorf("docker load said %q, want it to name %s", stdout.String(), tag)
	}
	if got := inspect(t, tag, "{{.Id}}"); got != configID(t, img) {
		t.Errorf("loaded image ID %s, want the config digest %s", got, configID(t, img))
	}
}

func TestLoadUsesTheLayoutsNames(t *testing.T) {
	needDocker(t)
	tag := uniqueTag(t)
	img := platformImage(t, "amd64")
	if err := Load(context.Background(), writeLayout(t, img, tag), Options{}); err != nil {
		t.Fatal(err)
	}
	if got := inspect(t, tag, "{{.Id}}"); got != configID(t, img) {
		t.Errorf("loaded image ID %s, want %s", got, configID(t, img))
	}
}

func TestLoadIndexPicksThePlatform(t *testing.T) {
	needDocker(t)
	engine, err := enginePlatform(context.Background(), "docker")
	if err != nil {
		t.Fatal(err)
	}
	other := "arm64"
	if engine.Architecture == "arm64" {
		other = "amd64"
	}
	dir := writeLayout(t, index(t, "amd64", "arm64"))
	for _, tc := range []struct {
		name     string
		platform *v1.Platform
		want     string
	}{
		{"engine's platform", nil, engine.Architecture},
		{"asked for", &v1.Platform{OS: "linux", Architecture: other}, other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tag := uniqueTag(t)
			if err := Load(context.Background(), dir, Options{Tags: []string{tag}, Platform: tc.platform}); err != nil {
				t.Fatal(err)
			}
			if got := inspect(t, tag, "{{.Architecture}}"); got != tc.want {
				t.Errorf("loaded architecture %s, want %s", got, tc.want)
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
			err := Load(context.Background(), tc.dir, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
