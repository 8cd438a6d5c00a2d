package base

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// A single image whose config names no platform, as crane writes it with
// --oci-empty-base, serves the platform asked for, with a note; imported
// for two platforms, the layout lists it for each.
func TestPlatformlessSingleImage(t *testing.T) {
	tarball := testenv.PlatformlessTarball(t, "linux/amd64")
	for _, want := range []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}} {
		b, err := open(t, tarball, want)
		if err != nil {
			t.Fatalf("Open(%s): %v", want, err)
		}
		if len(b.Notes) != 1 || !strings.Contains(b.Notes[0], "names no os and architecture") || !strings.Contains(b.Notes[0], want.String()) {
			t.Errorf("Open(%s) notes %q, want one saying the image is used as %s", want, b.Notes, want)
		}
		if b.Name != "example.com/platformless:latest" {
			t.Errorf("Open(%s) names the base %q", want, b.Name)
		}
	}
	wants := []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}}
	im, err := Import(context.Background(), tarball, wants, filepath.Join(t.TempDir(), "layout"), WithWorkDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(im.Platforms(), " "); got != "linux/amd64 linux/arm64" || len(im.Notes) != 2 {
		t.Errorf("imported %s with notes %q; want linux/amd64 linux/arm64, a note each", got, im.Notes)
	}
}

// An image that names its platform is not taken for another.
func TestImageWithPlatformNotTakenForAnother(t *testing.T) {
	bases := testenv.SaveBases(t)
	other := v1.Platform{OS: "linux", Architecture: "s390x"}
	_, err := open(t, bases.DockerClassic, other)
	wantError(t, err, "no image for platform linux/s390x")
}
