package cli

import (
	"context"
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
		Healthcheck *struct {
			Test                                          []string
			Interval, Timeout, StartPeriod, StartInterval time.Duration
			Retries                                       int
		}
		Volumes    map[string]struct{}
		StopSignal string
	} `json:"config"`
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
	out := filepath.Join(t.TempDir(), "layout")
	runOK(t, "build", "--binary", testenv.HostBinary(t), "--platform", "linux/"+hostArch(),
		"--healthcheck-cmd", "/app/hello", "--healthcheck-cmd", "--health", "--healthcheck-interval", "30s", "--healthcheck-timeout", "3s",
		"--healthcheck-start-period", "1m", "--healthcheck-start-interval", "2s", "--healthcheck-retries", "4",
		"--volume", "/var/lib/app", "--volume", "/cache/", "--stop-signal", "SIGQUIT", "--layout", out, "--quiet")
	c, raw := readRawConfig(t, out)
	want := rawConfig{}
	want.Config.Healthcheck = &struct {
		Test                                          []string
		Interval, Timeout, StartPeriod, StartInterval time.Duration
		Retries                                       int
	}{[]string{"CMD", "/app/hello", "--health"}, 30 * time.Second, 3 * time.Second, time.Minute, 2 * time.Second, 4}
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
	on := filepath.Join(t.TempDir(), "on")
	runOK(t, "build", "--base", out, "--binary", testenv.HostBinary(t), "--platform", "linux/"+hostArch(), "--layout", on, "--quiet")
	if c2, _ := readRawConfig(t, on); !cmp.Equal(c2, c) {
		t.Errorf("the image built on it has config %+v, want the base's %+v", c2.Config, c.Config)
	}
	for _, test := range [][]string{
		{"CMD-SHELL", "curl -f http://localhost/ || exit 1"},
		{"NONE"},
		{"CMD", "/app/hello", "-x"},
	} {
		layout := filepath.Join(t.TempDir(), "layout")
		flags := []string{"build", "--base", out, "--binary", testenv.HostBinary(t), "--platform", "linux/" + hostArch(), "--layout", layout, "--quiet"}
		for _, a := range test {
			flags = append(flags, "--healthcheck-cmd", a)
		}
		runOK(t, flags...)
		c, _ := readRawConfig(t, layout)
		if c.Config.Healthcheck == nil || !cmp.Equal(c.Config.Healthcheck.Test, test) || c.Config.Healthcheck.StartInterval != 0 {
			t.Errorf("--healthcheck-cmd %q gives %+v, want only that test", test, c.Config.Healthcheck)
		}
	}
}

// Values Docker would refuse when it runs the image are usage errors.
func TestBuildConfigValuesRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--volume", "data"}, `--volume "data" is not an absolute path`},
		{[]string{"--volume", "/"}, `--volume "/" is not an absolute path below /`},
		{[]string{"--stop-signal", "SIGNOPE"}, `--stop-signal "SIGNOPE" is not a signal; give a name such as SIGTERM`},
		{[]string{"--stop-signal", "0"}, "--stop-signal 0 is not a signal number: Linux's are 1 to 64"},
		{[]string{"--stop-signal", "65"}, "--stop-signal 65 is not a signal number"},
		{[]string{"--healthcheck-interval", "5s"}, "--healthcheck-cmd is missing, and the healthcheck's options need it"},
		{[]string{"--healthcheck-cmd", "x", "--healthcheck-interval", "-1s"}, "--healthcheck-interval -1s is less than 1ms"},
		{[]string{"--healthcheck-cmd", "x", "--healthcheck-timeout", "1us"}, "--healthcheck-timeout 1µs is less than 1ms"},
		{[]string{"--healthcheck-cmd", "x", "--healthcheck-retries", "-1"}, "--healthcheck-retries -1 is negative"},
		{[]string{"--healthcheck-cmd", "x", "--healthcheck-start-interval", "soon"}, `invalid value "soon" for flag -healthcheck-start-interval`},
		{[]string{"--healthcheck-cmd", "NONE", "--healthcheck-retries", "3"}, "--healthcheck-cmd NONE turns the healthcheck off and takes no options"},
		{[]string{"--healthcheck-cmd", "NONE", "--healthcheck-cmd", "x"}, "NONE turns the healthcheck off and takes no arguments"},
		{[]string{"--healthcheck-cmd", "CMD-SHELL", "--healthcheck-cmd", "a", "--healthcheck-cmd", "b"}, "CMD-SHELL takes one shell command"},
		{[]string{"--healthcheck-cmd", "CMD"}, "CMD needs the command to run after it"},
	} {
		args := append([]string{"build", "--binary", "x", "--output", filepath.Join(t.TempDir(), "x.tar")}, tc.args...)
		_, err := runErr(args...)
		wantError(t, err, tc.want)
		if re, ok := err.(*runError); ok && re.code != 2 {
			t.Errorf("%q exits %d, want 2 (a usage error)", tc.args, re.code)
		}
	}
	for _, signal := range []string{"SIGTERM", "TERM", "term", "15", "64", "SIGRTMIN+3", "RTMAX-2", "SIGWINCH"} {
		out := filepath.Join(t.TempDir(), "layout")
		runOK(t, "build", "--binary", testenv.HostBinary(t), "--platform", "linux/"+hostArch(), "--stop-signal", signal, "--layout", out, "--quiet")
	}
}

// Docker reads the healthcheck and the volumes back as it writes them.
func TestDockerInspectsHealthcheck(t *testing.T) {
	docker := testenv.Docker(t)
	tag := testenv.UniqueName("health")
	tarball := filepath.Join(t.TempDir(), "image.tar")
	runOK(t, "build", "--binary", testenv.HostBinary(t), "--platform", "linux/"+hostArch(), "--tag", tag,
		"--healthcheck-cmd", "/app/hello", "--healthcheck-interval", "30s", "--healthcheck-retries", "4",
		"--volume", "/var/lib/app", "--stop-signal", "SIGQUIT", "--output", tarball, "--quiet")
	testenv.Run(t, docker, "load", "-i", tarball)
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

// Each healthcheck option of the config file (image.HealthcheckOptions,
// go_image's healthcheck_options) is a flag of build.
func TestHealthcheckOptionsAreBuildFlags(t *testing.T) {
	var stdout, stderr strings.Builder
	Run(context.Background(), []string{"build", "--help"}, &stdout, &stderr)
	usage := stdout.String() + stderr.String()
	for _, o := range image.HealthcheckOptions {
		flag := "-healthcheck-" + strings.ReplaceAll(o, "_", "-") + " "
		if !strings.Contains(usage, flag) {
			t.Errorf("build has no flag %s for the healthcheck option %q:\n%s", flag, o, usage)
		}
	}
}
