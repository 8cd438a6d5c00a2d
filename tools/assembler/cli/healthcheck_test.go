package cli

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
)

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
		if _, err := parseBuildFlags([]string{"--binary", "x", "--output", "x.tar", "--stop-signal", signal}, io.Discard, io.Discard); err != nil {
			t.Errorf("--stop-signal %s is refused", signal)
		}
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
