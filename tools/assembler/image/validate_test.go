package image

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Validate refuses what a runtime would refuse when it runs the image, and
// names the field as go_image's attribute does.
func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		config       Config
		field, about string
	}{
		{Config{ExposedPorts: []string{"not-a-port/xyz"}}, "exposed_ports", `"not-a-port/xyz" is not PORT[/tcp|/udp|/sctp]`},
		{Config{ExposedPorts: []string{"http"}}, "exposed_ports", `"http" is not PORT`},
		{Config{ExposedPorts: []string{"0"}}, "exposed_ports", "from 1 to 65535"},
		{Config{ExposedPorts: []string{"65536/tcp"}}, "exposed_ports", "from 1 to 65535"},
		{Config{ExposedPorts: []string{"8080/TCP"}}, "exposed_ports", `"8080/TCP"`},
		{Config{ExposedPorts: []string{"8080/"}}, "exposed_ports", `"8080/"`},
		{Config{WorkingDir: "relative/dir"}, "workdir", `"relative/dir" is relative`},
		{Config{Volumes: []string{"data"}}, "volumes", `"data" is not an absolute path`},
		{Config{Volumes: []string{"/"}}, "volumes", `"/" is not an absolute path below /`},
		{Config{StopSignal: "SIGNOPE"}, "stop_signal", `"SIGNOPE" is not a signal`},
		{Config{StopSignal: "65"}, "stop_signal", "65 is not a signal number"},
		{Config{Env: []string{"=x"}}, "env", `"=x" is not KEY=VALUE`},
		{Config{Env: []string{"NOVALUE"}}, "env", `"NOVALUE" is not KEY=VALUE`},
		{Config{Env: []string{"A=${B"}}, "env", "A: expanding"},
		{Config{Labels: map[string]string{"": "x"}}, "labels", "has an empty key"},
		{Config{Healthcheck: &Healthcheck{Interval: time.Second}}, "healthcheck", "is missing"},
		{Config{Healthcheck: &Healthcheck{Test: []string{"CMD", "x"}, Timeout: time.Microsecond}}, "healthcheck.timeout", "1µs is less than 1ms"},
		{Config{Healthcheck: &Healthcheck{Test: []string{"CMD", "x"}, Retries: -1}}, "healthcheck.retries", "-1 is negative"},
		{Config{Healthcheck: &Healthcheck{Test: []string{"NONE"}, Retries: 3}}, "healthcheck", "NONE turns the healthcheck off and takes no options"},
		{Config{Healthcheck: &Healthcheck{Test: []string{"/app/server"}}}, "healthcheck", "does not start with its form"},
	} {
		err := tc.config.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field || !strings.Contains(ce.Problem, tc.about) {
			t.Errorf("%+v: Validate() = %v, want a ConfigError of %s about %q", tc.config, err, tc.field, tc.about)
		}
	}
	good := Config{
		Env: []string{"PATH=/app:$PATH", "EMPTY="}, WorkingDir: "/srv", ExposedPorts: []string{"8080", "53/udp", "9/tcp", "132/sctp", "65535"},
		Volumes: []string{"/var/lib/app"}, StopSignal: "SIGRTMIN+3", Labels: map[string]string{"a": ""},
		Healthcheck: &Healthcheck{Test: []string{"CMD-SHELL", "true"}, Interval: time.Second, Retries: 3},
	}
	if err := good.Validate(); err != nil {
		t.Errorf("Validate() of %+v = %v", good, err)
	}
}

// The JSON form is what go_image writes: its attribute names, the
// healthcheck's test as the attribute takes it and its options as strings.
func TestReadConfig(t *testing.T) {
	c, err := ReadConfig([]byte(`{"entrypoint": ["/app/server"], "cmd": [], "env": ["MODE=prod"], "workdir": "/srv", "user": "65532",
		"exposed_ports": ["8080/tcp"], "volumes": ["/data"], "stop_signal": "SIGINT",
		"healthcheck": {"test": ["/app/server", "-health"], "interval": "30s", "start_period": "1m", "retries": "3"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Entrypoint: []string{"/app/server"}, Cmd: []string{}, Env: []string{"MODE=prod"}, WorkingDir: "/srv", User: "65532",
		ExposedPorts: []string{"8080/tcp"}, Volumes: []string{"/data"}, StopSignal: "SIGINT",
		Healthcheck: &Healthcheck{Test: []string{"CMD", "/app/server", "-health"}, Interval: 30 * time.Second, StartPeriod: time.Minute, Retries: 3},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("ReadConfig (-want +got):\n%s", diff)
	}
	// What it writes, it reads back.
	data, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ReadConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, again); diff != "" {
		t.Errorf("ReadConfig of %s (-want +got):\n%s", data, diff)
	}
}

func TestReadConfigRefuses(t *testing.T) {
	for in, about := range map[string]string{
		`{"exposed_port": ["80"]}`:                          `unknown field "exposed_port"`,
		`{"healthcheck": {"test": ["x"], "every": "30s"}}`:  `healthcheck has no option "every"; the options are interval, timeout`,
		`{"healthcheck": {"test": ["x"], "interval": "5"}}`: `healthcheck.interval "5" is not a duration`,
		`{"healthcheck": {"test": ["x"], "retries": 3}}`:    `healthcheck.retries is 3, not a string`,
		`{"healthcheck": {"test": ["x"], "retries": "x"}}`:  `healthcheck.retries "x" is not a count`,
		`{"healthcheck": {"test": ["CMD"]}}`:                "CMD needs the command",
	} {
		if _, err := ReadConfig([]byte(in)); err == nil || !strings.Contains(err.Error(), about) {
			t.Errorf("ReadConfig(%s) = %v, want an error about %q", in, err, about)
		}
	}
}
