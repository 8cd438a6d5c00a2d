package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// The same inputs give the same bytes, whatever the output path, temporary
// directory or time of the build; SOURCE_DATE_EPOCH sets the timestamps.
func TestBuildIsReproducible(t *testing.T) {
	bin := testenv.HostBinary(t)
	build := func(epoch string) ([]byte, string) {
		t.Setenv("TMPDIR", t.TempDir())
		t.Setenv("SOURCE_DATE_EPOCH", epoch)
		out := filepath.Join(t.TempDir(), "image.tar")
		digest := runOK(t, "build", "--binary", bin, "--tag", "app:v1", "--output", out, "--sbom", filepath.Join(t.TempDir(), "s.json"))
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b, digest
	}
	a, da := build("1700000000")
	b, db := build("1700000000")
	if !bytes.Equal(a, b) || da != db {
		t.Errorf("two builds differ: %s and %s", da, db)
	}
	if _, dc := build("1800000000"); dc == da {
		t.Errorf("SOURCE_DATE_EPOCH did not change the image")
	}
}
