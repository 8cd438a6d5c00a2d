package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// A config flag Docker would refuse fails the build before it writes
// anything, naming the flag and the fix.
func TestBuildRefusesBadConfigFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		// Both are wrong: the build fails on the first it checks.
		{[]string{"--expose", "not-a-port/xyz", "--workdir", "relative/dir"}, `--workdir "relative/dir" is relative`},
		{[]string{"--expose", "not-a-port/xyz"}, `--expose "not-a-port/xyz" is not PORT[/tcp|/udp|/sctp] with a PORT from 1 to 65535, such as 8080/tcp`},
		{[]string{"--expose", "8080/http"}, `--expose "8080/http" is not PORT[/tcp|/udp|/sctp]`},
		{[]string{"--workdir", "relative/dir"}, `--workdir "relative/dir" is relative; the working directory of an image is an absolute path, such as /app`},
		{[]string{"--env", "=x"}, `--env "=x" is not KEY=VALUE`},
		{[]string{"--env", "A=${B"}, `--env A: expanding "${B"`},
	} {
		dir := t.TempDir()
		args := append([]string{"build", "--binary", testenv.HostBinary(t), "--platform", "linux/" + hostArch(), "--layout", filepath.Join(dir, "layout")}, tc.args...)
		_, err := runErr(args...)
		wantError(t, err, tc.want)
		if re, ok := err.(*runError); ok && re.code != 2 {
			t.Errorf("%q exits %d, want 2 (a usage error)", tc.args, re.code)
		}
		wantNoFiles(t, dir)
	}
}

// go_image's config file sets the config; flags given too replace its
// single values and add to its lists and maps.
func TestBuildConfigFile(t *testing.T) {
	config := writeConfigFile(t, `{"entrypoint": ["/app/hello", "serve"], "cmd": ["--port=8080"], "env": ["MODE=prod", "LEVEL=info"],
		"workdir": "/srv", "user": "65532", "labels": {"team": "core"}, "exposed_ports": ["8080/tcp"], "volumes": ["/data"],
		"stop_signal": "SIGINT", "healthcheck": {"test": ["/app/hello", "-health"], "interval": "30s", "retries": "3"},
		"created": "2024-05-01T12:00:00Z"}`)
	out := filepath.Join(t.TempDir(), "layout")
	runOK(t, "build", "--binary", testenv.HostBinary(t), "--binary-path", "/app/hello", "--platform", "linux/"+hostArch(),
		"--config", config, "--env", "LEVEL=debug", "--expose", "9090/sctp", "--label", "tier=web", "--user", "65533", "--layout", out)
	cf, err := testenv.LayoutImage(t, out).ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	want := v1.Config{
		Entrypoint: []string{"/app/hello", "serve"}, Cmd: []string{"--port=8080"}, Env: []string{"MODE=prod", "LEVEL=debug"},
		WorkingDir: "/srv", User: "65533", Labels: map[string]string{"team": "core", "tier": "web"},
		ExposedPorts: map[string]struct{}{"8080/tcp": {}, "9090/sctp": {}}, Volumes: map[string]struct{}{"/data": {}}, StopSignal: "SIGINT",
		Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "/app/hello", "-health"}, Interval: 30 * time.Second, Retries: 3},
	}
	if diff := cmp.Diff(want, cf.Config); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	if got := cf.Created.UTC().Format(time.RFC3339); got != "2024-05-01T12:00:00Z" {
		t.Errorf("created %s, want the config file's", got)
	}
}

// A value of the config file that Docker would refuse is a usage error
// that names the file and the go_image attribute.
func TestBuildRefusesBadConfigFile(t *testing.T) {
	for in, want := range map[string]string{
		`{"exposed_ports": ["http"]}`:                     `exposed_ports "http" is not PORT[/tcp|/udp|/sctp]`,
		`{"workdir": "relative/dir"}`:                     `workdir "relative/dir" is relative`,
		`{"healthcheck": {"test": ["x"], "every": "1s"}}`: `healthcheck has no option "every"`,
		`{"healthcheck": {"interval": "1s"}}`:             `healthcheck is missing, and the healthcheck's options need it`,
		`{"exposed_port": ["80"]}`:                        `json: unknown field "exposed_port"`,
	} {
		config := writeConfigFile(t, in)
		dir := t.TempDir()
		_, err := runErr("build", "--binary", testenv.HostBinary(t), "--platform", "linux/"+hostArch(), "--config", config, "--layout", filepath.Join(dir, "layout"))
		wantError(t, err, "--config "+config+": "+want)
		if re, ok := err.(*runError); ok && re.code != 2 {
			t.Errorf("%s exits %d, want 2 (a usage error)", in, re.code)
		}
		wantNoFiles(t, dir)
	}
}

func writeConfigFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
