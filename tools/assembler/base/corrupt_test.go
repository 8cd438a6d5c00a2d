package base

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// The cases share one set of saved bases, which take seconds to make.
func TestOpenDamagedBases(t *testing.T) {
	bases := testenv.SaveBases(t)
	t.Run("corrupt layer", func(t *testing.T) { testCorruptLayer(t, bases) })
	t.Run("corrupt config", func(t *testing.T) { testCorruptConfig(t, bases) })
	t.Run("truncated archive", func(t *testing.T) { testTruncated(t, bases) })
	t.Run("compressed archive", func(t *testing.T) { testCompressed(t, bases) })
	t.Run("classic archive missing a layer", func(t *testing.T) { testClassicMissingLayer(t, bases) })
}

func copyLayout(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "layout")
	testenv.Run(t, "cp", "-a", src, dst)
	return dst
}

// flipByte changes one byte in the middle of a file, keeping its size.
func flipByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func testCorruptLayer(t *testing.T, bases *testenv.Bases) {
	layout := copyLayout(t, bases.OCILayout)
	b, err := open(t, layout, hostPlatform)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := b.Image.Manifest()
	layer := m.Layers[0].Digest
	flipByte(t, filepath.Join(layout, "blobs", "sha256", layer.Hex))
	// Layers are read lazily, when an output copies them.
	layers, err := b.Image.Layers()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := layers[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	wantError(t, err, "layer 1 of 3", layer.String(), "hashes to", "re-create it")
}

func testCorruptConfig(t *testing.T, bases *testenv.Bases) {
	layout := copyLayout(t, bases.OCILayout)
	b, err := open(t, layout, hostPlatform)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := b.Image.Manifest()
	flipByte(t, filepath.Join(layout, "blobs", "sha256", m.Config.Digest.Hex))
	_, err = open(t, layout, hostPlatform)
	wantError(t, err, "the config of image", m.Config.Digest.String(), "hashes to")
}

func testTruncated(t *testing.T, bases *testenv.Bases) {
	archive := filepath.Join(t.TempDir(), "truncated.tar")
	b, err := os.ReadFile(bases.DockerClassic)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(archive, b[:len(b)/2], 0o644)
	_, err = open(t, archive, hostPlatform)
	wantError(t, err, "truncated", "re-create it")
}

func testCompressed(t *testing.T, bases *testenv.Bases) {
	archive := filepath.Join(t.TempDir(), "saved.tar")
	testenv.Run(t, "cp", bases.DockerClassic, archive)
	if out, err := exec.Command("gzip", archive).CombinedOutput(); err != nil {
		t.Fatalf("gzip: %v\n%s", err, out)
	}
	// `docker save IMAGE | gzip` is a common way to keep a base.
	b, err := open(t, archive+".gz", hostPlatform)
	if err != nil {
		t.Fatalf("a gzip-compressed docker save tarball must open: %v", err)
	}
	checkBase(t, b)
}

// A classic docker save tarball without one of its layer files.
func testClassicMissingLayer(t *testing.T, bases *testenv.Bases) {
	dir := t.TempDir()
	testenv.Run(t, "tar", "-C", dir, "-xf", bases.DockerClassic)
	var entries []struct{ Layers []string }
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatal(err)
	}
	missing := entries[0].Layers[1]
	os.Remove(filepath.Join(dir, missing))
	archive := filepath.Join(t.TempDir(), "incomplete.tar")
	testenv.Run(t, "tar", "-C", dir, "-cf", archive, ".")
	_, err = open(t, archive, hostPlatform)
	wantError(t, err, "layer 2 of 3 of image "+bases.Image, "no "+missing, "docker save IMAGE")
}
