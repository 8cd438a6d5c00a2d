package cli

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// The flags set the config over the base's: env merges by key, its values
// expanded against the base's (PATH=/bin), labels merge, the rest replaces;
// the manifest names the base.
func TestBuildConfigOverBase(t *testing.T) {
	bases := testenv.SaveBases(t)
	out := filepath.Join(t.TempDir(), "layout")
	runOK(t, "build", "--base", bases.Docker25, "--binary", testenv.HostBinary(t), "--binary-path", "/usr/bin/hello",
		"--platform", "linux/"+hostArch(), "--cmd", "--verbose", "--env", "GREETING=over", "--env", "NEW=1",
		"--env", "PATH=/usr/bin:$PATH", "--env", "FROM_BASE=${BASE_ENV}/${UNSET:-none}",
		"--workdir", "/srv", "--user", "65532:65532", "--label", "team=core", "--annotation", "org.opencontainers.image.source=https://example.com/app",
		"--expose", "8080", "--expose", "53/udp", "--stop-signal", "SIGINT", "--source-date-epoch", "1700000000", "--layout", out)
	img := testenv.LayoutImage(t, out)
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	want := v1.Config{
		Entrypoint:   []string{"/usr/bin/hello"},
		Cmd:          []string{"--verbose"},
		Env:          []string{"PATH=/usr/bin:/bin", "BASE_ENV=from-base", "GREETING=over", "NEW=1", "FROM_BASE=from-base/none"},
		WorkingDir:   "/srv",
		User:         "65532:65532",
		Labels:       map[string]string{"org.example.base": "yes", "team": "core"},
		ExposedPorts: map[string]struct{}{"8080/tcp": {}, "53/udp": {}},
		StopSignal:   "SIGINT",
	}
	if diff := cmp.Diff(want, cf.Config); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	checkHistory(t, cf)
	checkBaseAnnotations(t, img, bases)
}

func checkHistory(t *testing.T, cf *v1.ConfigFile) {
	t.Helper()
	last := cf.History[len(cf.History)-1]
	if last.CreatedBy != "go binary /usr/bin/hello" || last.Created.Unix() != 1700000000 || cf.Created.Unix() != 1700000000 {
		t.Errorf("last history entry %+v, created %v; want the binary's, at SOURCE_DATE_EPOCH", last, cf.Created)
	}
}

func checkBaseAnnotations(t *testing.T, img v1.Image, bases *testenv.Bases) {
	t.Helper()
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	baseIndex := layoutIndex(t, bases.OCILayout)
	want := map[string]string{
		"org.opencontainers.image.base.name":   "docker.io/" + bases.Image,
		"org.opencontainers.image.base.digest": baseIndex.Manifests[0].Digest.String(),
		"org.opencontainers.image.source":      "https://example.com/app",
	}
	if diff := cmp.Diff(want, m.Annotations); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
}

func layoutIndex(t *testing.T, dir string) *v1.IndexManifest {
	t.Helper()
	var idx v1.IndexManifest
	readJSONFile(t, filepath.Join(dir, "index.json"), &idx)
	return &idx
}

func layoutImageByDigest(t *testing.T, dir string, h v1.Hash) (v1.Image, error) {
	t.Helper()
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, err
	}
	return p.Image(h)
}
