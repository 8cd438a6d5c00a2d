package base

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

func wantError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error does not mention %q:\n%v", p, err)
		}
	}
}

// The cases share one multi-platform image, which takes seconds to build.
func TestOpenMultiPlatform(t *testing.T) {
	mp := testenv.BuildMultiPlatform(t)
	t.Run("picks the platform", func(t *testing.T) { testPicksPlatform(t, mp) })
	t.Run("archive missing a platform", func(t *testing.T) { testMissingPlatform(t, mp) })
	t.Run("archive missing a layer", func(t *testing.T) { testMissingLayer(t, mp) })
}

func testPicksPlatform(t *testing.T, mp *testenv.MultiPlatform) {
	for platform, desc := range mp.Images {
		p, _ := v1.ParsePlatform(platform)
		b, err := open(t, mp.Layout, *p)
		if err != nil {
			t.Fatalf("Open(%s): %v", platform, err)
		}
		if b.Digest != desc.Digest {
			t.Errorf("Open(%s) gave image %s, want %s", platform, b.Digest, desc.Digest)
		}
	}
	_, err := open(t, mp.Layout, v1.Platform{OS: "linux", Architecture: "s390x"})
	wantError(t, err, "no image for platform linux/s390x", "it has: linux/amd64, linux/arm64")
}

// An engine with the containerd image store saves every platform's manifest
// descriptor in index.json, but only the blobs of the platforms it pulled.
func testMissingPlatform(t *testing.T, mp *testenv.MultiPlatform) {
	arm := mp.Images["linux/arm64"].Digest
	archive := testenv.Docker25Archive(t, mp.Layout, "example/app:v1", []v1.Hash{arm})

	if _, err := open(t, archive, v1.Platform{OS: "linux", Architecture: "amd64"}); err != nil {
		t.Fatalf("the complete platform must open: %v", err)
	}
	_, err := open(t, archive, v1.Platform{OS: "linux", Architecture: "arm64"})
	wantError(t, err, "lacks blob "+arm.String(), "Complete images in it: linux/amd64",
		"listed but missing: linux/arm64", "containerd image store", "docker pull --platform linux/arm64")
}

func testMissingLayer(t *testing.T, mp *testenv.MultiPlatform) {
	m := mp.ImageManifest(t, "linux/amd64")
	missing := m.Layers[len(m.Layers)-1].Digest
	archive := testenv.Docker25Archive(t, mp.Layout, "example/app:v1", []v1.Hash{missing})
	_, err := open(t, archive, v1.Platform{OS: "linux", Architecture: "amd64"})
	wantError(t, err, "layer 1 of 1", missing.String(), "blobs/sha256/"+missing.Hex, "docker pull --platform linux/amd64")
}
