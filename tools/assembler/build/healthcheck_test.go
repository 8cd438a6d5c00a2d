package build

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// rawConfig is the part of an image config that Docker's healthcheck,
// volumes and stop signal take, read from the config's bytes with Docker's
// field names (go-containerregistry's HealthConfig lacks StartInterval).
type rawConfig struct {
	Config struct {
		Healthcheck *rawHealthcheck
		Volumes     map[string]struct{}
		StopSignal  string
	} `json:"config"`
}

type rawHealthcheck struct {
	Test                                          []string
	Interval, Timeout, StartPeriod, StartInterval time.Duration
	Retries                                       int
}

func readRawConfig(t *testing.T, layout string) (rawConfig, string) {
	t.Helper()
	b, err := testenv.LayoutImage(t, layout).RawConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	var c rawConfig
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c, string(b)
}

// The healthcheck, volumes and stop signal are written as Docker writes
// them: the exec form as ["CMD", args...], durations in nanoseconds.
func TestBuildHealthcheckVolumesStopSignal(t *testing.T) {
	r, out := hostBuild(t)
	r.Config = image.Config{
		Healthcheck: &image.Healthcheck{Test: []string{"CMD", "/app/hello", "--health"}, Interval: 30 * time.Second, Timeout: 3 * time.Second,
			StartPeriod: time.Minute, StartInterval: 2 * time.Second, Retries: 4},
		Volumes: []string{"/var/lib/app", "/cache/"}, StopSignal: "SIGQUIT",
	}
	buildOK(t, r)
	c, raw := readRawConfig(t, out)
	want := rawConfig{}
	want.Config.Healthcheck = &rawHealthcheck{[]string{"CMD", "/app/hello", "--health"}, 30 * time.Second, 3 * time.Second, time.Minute, 2 * time.Second, 4}
	want.Config.Volumes = map[string]struct{}{"/var/lib/app": {}, "/cache": {}}
	want.Config.StopSignal = "SIGQUIT"
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	wantJSON := `"Healthcheck":{"Test":["CMD","/app/hello","--health"],"Interval":30000000000,"Timeout":3000000000,"StartPeriod":60000000000,"StartInterval":2000000000,"Retries":4}`
	if !strings.Contains(raw, wantJSON) || !strings.Contains(raw, `"Volumes":{"/cache":{},"/var/lib/app":{}}`) {
		t.Errorf("config JSON lacks %s and the volumes:\n%s", wantJSON, raw)
	}

	// An image on it keeps the healthcheck whole, StartInterval included;
	// CMD-SHELL and NONE are taken as Docker takes them.
	on, onLayout := hostBuild(t)
	on.Base = out
	buildOK(t, on)
	if c2, _ := readRawConfig(t, onLayout); !cmp.Equal(c2, c) {
		t.Errorf("the image built on it has config %+v, want the base's %+v", c2.Config, c.Config)
	}
	for _, test := range [][]string{
		{"CMD-SHELL", "curl -f http://localhost/ || exit 1"},
		{"NONE"},
		{"CMD", "/app/hello", "-x"},
	} {
		r, layout := hostBuild(t)
		r.Base, r.Config.Healthcheck = out, &image.Healthcheck{Test: test}
		buildOK(t, r)
		c, _ := readRawConfig(t, layout)
		if c.Config.Healthcheck == nil || !cmp.Equal(c.Config.Healthcheck.Test, test) || c.Config.Healthcheck.StartInterval != 0 {
			t.Errorf("the healthcheck %q gives %+v, want only that test", test, c.Config.Healthcheck)
		}
	}
}

// Docker reads the healthcheck and the volumes back as it writes them.
func TestDockerInspectsHealthcheck(t *testing.T) {
	docker := testenv.Docker(t)
	tag := testenv.UniqueName("health")
	r, _ := hostBuild(t)
	r.Tags, r.Outputs = []string{tag}, Outputs{Tarball: filepath.Join(t.TempDir(), "image.tar")}
	r.Config = image.Config{
		Healthcheck: &image.Healthcheck{Test: []string{"CMD", "/app/hello"}, Interval: 30 * time.Second, Retries: 4},
		Volumes:     []string{"/var/lib/app"}, StopSignal: "SIGQUIT",
	}
	buildOK(t, r)
	testenv.Run(t, docker, "load", "-i", r.Outputs.Tarball)
	defer testenv.RunErr(docker, "rmi", "-f", tag)
	out := testenv.Run(t, docker, "image", "inspect", "--format", "{{json .Config}}", tag)
	var got v1.Config
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("docker image inspect printed %q: %v", out, err)
	}
	want := &v1.HealthConfig{Test: []string{"CMD", "/app/hello"}, Interval: 30 * time.Second, Retries: 4}
	if diff := cmp.Diff(want, got.Healthcheck); diff != "" {
		t.Errorf("docker's healthcheck (-want +got):\n%s", diff)
	}
	if _, ok := got.Volumes["/var/lib/app"]; !ok || got.StopSignal != "SIGQUIT" {
		t.Errorf("docker's config has volumes %v and stop signal %q, want /var/lib/app and SIGQUIT", got.Volumes, got.StopSignal)
	}
}
