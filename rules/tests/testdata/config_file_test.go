// Command config_file_test runs the assembler's build, as a go_image's
// manifest action does, on the config files of go_images whose config
// values the assembler refuses: analysis passes them on, the action fails,
// naming the attribute.
package config_file_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuildRefusesConfigValues(t *testing.T) {
	assembler := runfile("ASSEMBLER")
	for _, tc := range []struct{ config, want string }{
		{runfile("BAD_PORT_CONFIG"), `exposed_ports "http" is not PORT[/tcp|/udp|/sctp] with a PORT from 1 to 65535, such as 8080/tcp`},
		{runfile("RELATIVE_WORKDIR_CONFIG"), `workdir "relative/dir" is relative; the working directory of an image is an absolute path, such as /app`},
		{runfile("BAD_HEALTHCHECK_OPTION_CONFIG"), `healthcheck has no option "every"; the options are interval, timeout, start_period, start_interval, retries`},
	} {
		dir := t.TempDir()
		cmd := exec.Command(assembler, "build", "--base", "scratch", "--platform", "linux/amd64", "--binary", assembler,
			"--config", tc.config, "--thin-layout", filepath.Join(dir, "image"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Errorf("build --config %s: %v, want exit status 2 (a usage error); stderr:\n%s", tc.config, err, stderr.String())
		}
		if want := "--config " + tc.config + ": " + tc.want; !strings.Contains(stderr.String(), want) {
			t.Errorf("build --config %s says:\n%s\nwant it to say %q", tc.config, stderr.String(), want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("build --config %s failed but wrote %s", tc.config, entries[0].Name())
		}
	}
}

// runfile is the file an environment variable names by its path from the
// workspace's runfiles folder; the test runs in its package's.
func runfile(name string) string {
	return filepath.Join(os.Getenv("TEST_SRCDIR"), os.Getenv("TEST_WORKSPACE"), os.Getenv(name))
}
