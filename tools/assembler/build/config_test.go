package build

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// The config is set over the base's: env merges by key, its values
// expanded against the base's (PATH=/bin), labels merge, the rest replaces;
// the manifest names the base.
func TestBuildConfigOverBase(t *testing.T) {
	bases := testenv.SaveBases(t)
	out := filepath.Join(t.TempDir(), "layout")
	buildOK(t, &Request{
		Base: bases.Docker25, Platform: hostPlatform(), Binary: &Binary{File: testenv.HostBinary(t), Path: "/usr/bin/hello"},
		Config: image.Config{
			Cmd: []string{"--verbose"}, Env: []string{"GREETING=over", "NEW=1", "PATH=/usr/bin:$PATH", "FROM_BASE=${BASE_ENV}/${UNSET:-none}"},
			WorkingDir: "/srv", User: "65532:65532", Labels: map[string]string{"team": "core"},
			Annotations:  map[string]string{"org.opencontainers.image.source": "https://example.com/app"},
			ExposedPorts: []string{"8080", "53/udp"}, StopSignal: "SIGINT",
		},
		Epoch: time.Unix(1700000000, 0), Outputs: Outputs{Layout: out},
	})
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
		t.Errorf("last history entry %+v, created %v; want the binary's, at the epoch", last, cf.Created)
	}
}

func checkBaseAnnotations(t *testing.T, img v1.Image, bases *testenv.Bases) {
	t.Helper()
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"org.opencontainers.image.base.name":   "docker.io/" + bases.Image,
		"org.opencontainers.image.base.digest": layoutIndex(t, bases.OCILayout).Manifests[0].Digest.String(),
		"org.opencontainers.image.source":      "https://example.com/app",
	}
	if diff := cmp.Diff(want, m.Annotations); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
}

// Config.Created sets the config's and the history's times, in UTC; a
// zero Created is the epoch.
func TestBuildCreated(t *testing.T) {
	for _, tc := range []struct {
		name    string
		created time.Time
		want    time.Time
	}{
		{"default", time.Time{}, time.Unix(1600000000, 0)},
		{"another zone", time.Date(2024, 5, 1, 14, 0, 0, 0, time.FixedZone("CEST", 2*3600)), time.Unix(1714564800, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := thinBuild(t, "scratch", testenv.HostBinary(t))
			r.Epoch, r.Config.Created = time.Unix(1600000000, 0), tc.created
			buildOK(t, r)
			cf, err := testenv.LayoutImage(t, r.Outputs.ThinLayout).ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			last := cf.History[len(cf.History)-1].Created
			if !cf.Created.Time.Equal(tc.want) || !last.Time.Equal(tc.want) || cf.Created.Location() != time.UTC {
				t.Errorf("created %v, history %v; want %v in UTC", cf.Created, last, tc.want.UTC())
			}
		})
	}
}
