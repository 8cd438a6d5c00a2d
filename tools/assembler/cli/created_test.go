package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// builtConfig builds the host binary on scratch with args and returns the
// image's config.
func builtConfig(t *testing.T, args ...string) *v1.ConfigFile {
	t.Helper()
	thin := filepath.Join(t.TempDir(), "thin")
	runOK(t, append([]string{"build", "--base", "scratch", "--binary", testenv.HostBinary(t), "--platform", "linux/" + hostArch(),
		"--thin-layout", thin, "--quiet", "--source-date-epoch", "1600000000"}, args...)...)
	cf, err := testenv.LayoutImage(t, thin).ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	return cf
}

// --created sets the config's and the history's times: an RFC 3339 time, a
// Unix time as BUILD_TIMESTAMP holds it after stamping, or the default
// when the placeholder is left unfilled (a build without --stamp).
func TestBuildCreated(t *testing.T) {
	buildTime := filepath.Join(t.TempDir(), "volatile-status.txt")
	os.WriteFile(buildTime, []byte("BUILD_TIMESTAMP 1714564800\n"), 0o644)
	stamped := filepath.Join(t.TempDir(), "image.params")
	runOK(t, "stamp", "--status", buildTime, "--output", stamped, "--", "--created", "{BUILD_TIMESTAMP}")
	for _, tc := range []struct {
		name string
		args []string
		want time.Time
	}{
		{"default", nil, time.Unix(1600000000, 0)},
		{"rfc 3339", []string{"--created", "2024-05-01T14:00:00+02:00"}, time.Unix(1714564800, 0)},
		{"unix seconds", []string{"--created", "1714564800"}, time.Unix(1714564800, 0)},
		{"stamped", []string{"@" + stamped}, time.Unix(1714564800, 0)},
		{"not stamped", []string{"--created", "{BUILD_TIMESTAMP}"}, time.Unix(1600000000, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cf := builtConfig(t, tc.args...)
			last := cf.History[len(cf.History)-1].Created
			if !cf.Created.Time.Equal(tc.want) || !last.Time.Equal(tc.want) || cf.Created.Location() != time.UTC {
				t.Errorf("created %v, history %v; want %v in UTC", cf.Created, last, tc.want.UTC())
			}
		})
	}
}

func TestBuildRefusesBadCreated(t *testing.T) {
	for _, v := range []string{"yesterday", "2024-05-01", "2024-05-01 12:00:00", "-5"} {
		_, err := runErr("build", "--base", "scratch", "--binary", testenv.HostBinary(t), "--platform", "linux/"+hostArch(),
			"--thin-layout", filepath.Join(t.TempDir(), "thin"), "--created", v)
		wantError(t, err, "--created \""+v+"\" is not a time", "RFC 3339", "Unix time in seconds", "{BUILD_TIMESTAMP}")
	}
}
