package build

import (
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// A base that crane wrote with --oci-empty-base, whose config names no
// platform, is used for the platform asked for, with a warning, and the
// image's config names that platform.
func TestBuildOnPlatformlessBase(t *testing.T) {
	r, layout := hostBuild(t)
	r.Base = testenv.PlatformlessTarball(t, "linux/"+hostArch())
	warnings := buildWarnings(t, r)
	if want := "warning: base " + r.Base + ": the base image's config names no os and architecture; it is used as the linux/" + hostArch() + " image"; !strings.Contains(warnings, want) {
		t.Errorf("the build warned %q, want %q", warnings, want)
	}
	cf, err := testenv.LayoutImage(t, layout).ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != hostArch() || len(cf.RootFS.DiffIDs) != 2 {
		t.Errorf("config says %s/%s with %d layers; want linux/%s, the base's layer and the binary's", cf.OS, cf.Architecture, len(cf.RootFS.DiffIDs), hostArch())
	}
}
