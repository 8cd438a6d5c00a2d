package cli

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// --created takes an RFC 3339 time, a Unix time as BUILD_TIMESTAMP holds
// it after stamping (here through a params file, as the rules pass it), or
// a placeholder left unfilled (a build without --stamp), which keeps the
// default: the zero time, which the build takes as --source-date-epoch.
func TestParseCreated(t *testing.T) {
	buildTime := filepath.Join(t.TempDir(), "volatile-status.txt")
	os.WriteFile(buildTime, []byte("BUILD_TIMESTAMP 1714564800\n"), 0o644)
	stamped := filepath.Join(t.TempDir(), "image.params")
	runOK(t, "stamp", "--status", buildTime, "--output", stamped, "--", "--created", "{BUILD_TIMESTAMP}")
	for _, tc := range []struct {
		name string
		args []string
		want time.Time
	}{
		{"default", nil, time.Time{}},
		{"rfc 3339", []string{"--created", "2024-05-01T14:00:00+02:00"}, time.Unix(1714564800, 0)},
		{"unix seconds", []string{"--created", "1714564800"}, time.Unix(1714564800, 0)},
		{"stamped", []string{"@" + stamped}, time.Unix(1714564800, 0)},
		{"not stamped", []string{"--created", "{BUILD_TIMESTAMP}"}, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args, err := expandParams(append([]string{"--binary", "x", "--output", "x.tar"}, tc.args...))
			if err != nil {
				t.Fatal(err)
			}
			f, err := parseBuildFlags(args, io.Discard, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.cfg.Created; !got.Equal(tc.want) || (!got.IsZero() && got.Location() != time.UTC) {
				t.Errorf("created %v, want %v in UTC", got, tc.want.UTC())
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
