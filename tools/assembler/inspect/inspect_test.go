package inspect

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// docker save tarballs of both formats and skopeo's OCI archive describe the
// same image.
func TestDescribeSavedImages(t *testing.T) {
	bases := testenv.SaveBases(t)
	for name, path := range map[string]string{
		"classic docker save": bases.DockerClassic,
		"Docker 25+":          bases.Docker25,
		"OCI archive":         bases.OCIArchive,
		"OCI layout":          bases.OCILayout,
	} {
		var out bytes.Buffer
		if err := Describe(&out, path); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, want := range []string{"linux/" + runtime.GOARCH, `"BASE_ENV=from-base"`, "layers      3,",
			"workdir     /home/nonroot", "org.example.base=yes", `cmd         ["/bin/base-hello"]`} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: the description lacks %q:\n%s", name, want, out.String())
			}
		}
	}
}

func TestDescribeRefusesOtherFiles(t *testing.T) {
	err := Describe(&bytes.Buffer{}, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "neither an OCI image layout nor a docker save tarball") {
		t.Errorf("Describe(empty dir) = %v", err)
	}
}
