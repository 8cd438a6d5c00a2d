package base

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// Every form a user may hand over a base, each written by the tool that
// writes it (containerd, skopeo, crane, ko, umoci, docker), opens for each
// platform it holds whole, is refused with the fix for each platform it
// lists but lacks, and imports into a layout.
func TestBasesWrittenByRealTools(t *testing.T) {
	src := testenv.PushSourceImage(t)
	for _, b := range testenv.ExportBases(t, src) {
		t.Run(b.Tool, func(t *testing.T) {
			for _, p := range b.Complete {
				checkOpens(t, b.Path, p)
			}
			for _, p := range b.Lacks {
				_, err := open(t, b.Path, mustParse(t, p))
				wantError(t, err, "its "+p+" image is incomplete", "Complete images in it: "+strings.Join(b.Complete, ", "),
					"listed but missing: "+p, "docker pull --platform "+p, "goimage.pull")
			}
			checkImports(t, b)
		})
	}
	t.Run("registry, by the index's digest", func(t *testing.T) {
		ref := src.Registry.Host + "/base/hello@" + src.Digests["index"]
		for _, p := range []string{"linux/amd64", "linux/arm64"} {
			b := checkOpens(t, ref, p)
			if b.Digest.String() != src.Digests[p] {
				t.Errorf("%s: base digest %s, want the %s image's %s", ref, b.Digest, p, src.Digests[p])
			}
		}
	})
}

func mustParse(t *testing.T, p string) v1.Platform {
	t.Helper()
	pl, err := platform.Parse(p)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// checkOpens opens spec for p and checks the image is that platform's, whole.
func checkOpens(t *testing.T, spec, p string) *Base {
	t.Helper()
	b, err := open(t, spec, mustParse(t, p))
	if err != nil {
		t.Fatalf("Open(%s, %s): %v", spec, p, err)
	}
	if err := validate.Image(b.Image); err != nil {
		t.Fatalf("Open(%s, %s): the image does not validate: %v", spec, p, err)
	}
	cf, err := b.Image.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if got := platform.String(*cf.Platform()); !platform.Satisfies(*cf.Platform(), mustParse(t, p)) {
		t.Errorf("Open(%s, %s) gave a %s image", spec, p, got)
	}
	return b
}

// checkImports imports every complete image, and the platforms asked for.
func checkImports(t *testing.T, b testenv.ExportedBase) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layout")
	im, err := Import(context.Background(), b.Path, nil, dir, WithWorkDir(t.TempDir()))
	if err != nil {
		t.Fatalf("Import(%s): %v", b.Path, err)
	}
	if got := strings.Join(im.Platforms(), ", "); got != strings.Join(b.Complete, ", ") {
		t.Errorf("Import(%s) wrote %s, want %s", b.Path, got, strings.Join(b.Complete, ", "))
	}
	// What Import wrote is a layout that opens for each platform, blob by blob.
	for _, p := range b.Complete {
		checkOpens(t, dir, p)
	}
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := len(im.MetadataBlobs) + len(im.LayerBlobs); s.BlobCount() != n {
		t.Errorf("the layout holds %d blobs, the report lists %d", s.BlobCount(), n)
	}
	if len(b.Lacks) > 0 {
		_, err := Import(context.Background(), b.Path, []v1.Platform{mustParse(t, b.Lacks[0])}, filepath.Join(t.TempDir(), "x"))
		wantError(t, err, "listed but missing: "+b.Lacks[0])
	}
	if _, err := os.Stat(filepath.Join(dir, "index.json")); err != nil {
		t.Error(err)
	}
}
