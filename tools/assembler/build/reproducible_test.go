package build

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// The same inputs give the same bytes, whatever the output path, temporary
// directory or time of the build; the epoch sets the timestamps.
func TestBuildIsReproducible(t *testing.T) {
	bin := testenv.HostBinary(t)
	build := func(epoch int64) ([]byte, string) {
		t.Setenv("TMPDIR", t.TempDir())
		out := filepath.Join(t.TempDir(), "image.tar")
		digest := buildOK(t, &Request{Base: "scratch", Platform: hostPlatform(), Binary: &Binary{File: bin}, Tags: []string{"app:v1"},
			Epoch: time.Unix(epoch, 0), Documents: Documents{SBOM: filepath.Join(t.TempDir(), "s.json")}, Outputs: Outputs{Tarball: out}})
		return readFile(t, out), digest
	}
	a, da := build(1700000000)
	b, db := build(1700000000)
	if !bytes.Equal(a, b) || da != db {
		t.Errorf("two builds differ: %s and %s", da, db)
	}
	if _, dc := build(1800000000); dc == da {
		t.Errorf("the epoch did not change the image")
	}
}
