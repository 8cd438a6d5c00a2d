package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// A base that crane wrote with --oci-empty-base, whose config names no
// platform, is used for the platform asked for, with a warning, and the
// image's config names that platform.
func TestBuildOnPlatformlessBase(t *testing.T) {
	base := testenv.PlatformlessTarball(t, "linux/"+hostArch())
	layout := filepath.Join(t.TempDir(), "layout")
	stderr := runWarnings(t, "build", "--base", base, "--binary", testenv.HostBinary(t), "--platform", "linux/"+hostArch(),
		"--layout", layout, "--quiet")
	if want := "warning: base " + base + ": the base image's config names no os and architecture; it is used as the linux/" + hostArch() + " image"; !strings.Contains(stderr, want) {
		t.Errorf("build printed %q, want %q", stderr, want)
	}
	img := testenv.LayoutImage(t, layout)
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != hostArch() || len(cf.RootFS.DiffIDs) != 2 {
		t.Errorf("config says %s/%s with %d layers; want linux/%s, the base's layer and the binary's", cf.OS, cf.Architecture, len(cf.RootFS.DiffIDs), hostArch())
	}
}
