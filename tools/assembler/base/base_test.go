package base

import (
	"context"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
)

// multiPlatformLayout writes an OCI layout holding one index with an image
// per platform, and returns its directory and the images by platform.
func multiPlatformLayout(t *testing.T, platforms ...string) (string, map[string]v1.Hash) {
	t.Helper()
	var adds []mutate.IndexAddendum
	digests := map[string]v1.Hash{}
	for _, p := range platforms {
		img, err := random.Image(256, 1)
		if err != nil {
			t.Fatal(err)
		}
		plat, _ := v1.ParsePlatform(p)
		d, _ := img.Digest()
		digests[p] = d
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: plat}})
	}
	dir := t.TempDir()
	if _, err := layout.Write(dir, mutate.AppendManifests(empty.Index, adds...)); err != nil {
		t.Fatal(err)
	}
	return dir, digests
}

func TestOpenLayoutPicksPlatform(t *testing.T) {
	dir, digests := multiPlatformLayout(t, "linux/amd64", "linux/arm64")
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		plat, _ := v1.ParsePlatform(p)
		b, err := Open(context.Background(), dir, *plat)
		if err != nil {
			t.Fatalf("Open(%s): %v", p, err)
		}
		if b.Digest != digests[p] {
			t.Errorf("Base.Digest = %s, want %s", b.Digest, digests[p])
		}
	}
}

func TestOpenLayoutMissingPlatform(t *testing.T) {
	dir, _ := multiPlatformLayout(t, "linux/amd64")
	_, err := Open(context.Background(), dir, v1.Platform{OS: "linux", Architecture: "s390x"})
	if err == nil {
		t.Fatal("expected an error for a platform the base lacks")
	}
	for _, want := range []string{"linux/s390x", "it has: linux/amd64"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestOpenScratchSetsPlatform(t *testing.T) {
	b, err := Open(context.Background(), Scratch, v1.Platform{OS: "linux", Architecture: "arm64"})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := b.Image.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != "arm64" {
		t.Errorf("scratch config platform = %s/%s, want linux/arm64", cf.OS, cf.Architecture)
	}
}

func TestOpenUnknownBase(t *testing.T) {
	_, err := Open(context.Background(), t.TempDir(), v1.Platform{OS: "linux", Architecture: "amd64"})
	if err == nil || !strings.Contains(err.Error(), "OCI image layout") {
		t.Fatalf("Open(empty dir) error = %v, want one explaining what a base can be", err)
	}
}
