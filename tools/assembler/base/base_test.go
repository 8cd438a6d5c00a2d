package base

import (
	"context"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

var hostPlatform = v1.Platform{OS: "linux", Architecture: runtime.GOARCH}

func open(t *testing.T, spec string, p v1.Platform) (*Base, error) {
	t.Helper()
	b, err := Open(context.Background(), spec, p, WithWorkDir(t.TempDir()))
	if err == nil {
		t.Cleanup(func() { b.Close() })
	}
	return b, err
}

// checkBase validates b (reading, and so verifying, every blob) and checks
// that it is the base image testenv builds, with OCI media types.
func checkBase(t *testing.T, b *Base) {
	t.Helper()
	if err := validate.Image(b.Image); err != nil {
		t.Fatalf("validate.Image: %v", err)
	}
	m, err := b.Image.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != types.OCIManifestSchema1 || m.Config.MediaType != types.OCIConfigJSON {
		t.Errorf("media types %s / %s, want OCI", m.MediaType, m.Config.MediaType)
	}
	for _, l := range m.Layers {
		if l.MediaType != types.OCILayer {
			t.Errorf("layer %s has media type %s, want %s", l.Digest, l.MediaType, types.OCILayer)
		}
	}
	cf, err := b.Image.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(cf.Config.Env, " "), "BASE_ENV=from-base") || len(m.Layers) != 3 {
		t.Errorf("base has env %q and %d layers; want the docker-built base (BASE_ENV, 3 layers)", cf.Config.Env, len(m.Layers))
	}
}

func diffIDs(t *testing.T, img v1.Image) []v1.Hash {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	return cf.RootFS.DiffIDs
}

func TestOpenEveryFileFormat(t *testing.T) {
	bases := testenv.SaveBases(t)
	var want []v1.Hash
	for _, tc := range []struct {
		name, path, wantName string
		wantDigest           bool
	}{
		{"docker save, classic", bases.DockerClassic, bases.Image, false},
		{"OCI layout", bases.OCILayout, "", true},
		{"OCI archive", bases.OCIArchive, "", true},
		{"docker save, Docker 25+", bases.Docker25, "docker.io/" + bases.Image, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := open(t, tc.path, hostPlatform)
			if err != nil {
				t.Fatal(err)
			}
			checkBase(t, b)
			if b.Name != tc.wantName || (b.Digest.Hex != "") != tc.wantDigest {
				t.Errorf("Name, Digest = %q, %q; want %q and a digest: %v", b.Name, b.Digest, tc.wantName, tc.wantDigest)
			}
			// Every format holds the same file system.
			got := diffIDs(t, b.Image)
			if want == nil {
				want = got
			} else if len(got) != len(want) || got[0] != want[0] || got[2] != want[2] {
				t.Errorf("diff_ids %v, want %v as in the other formats", got, want)
			}
		})
	}
}

func TestOpenScratchSetsPlatform(t *testing.T) {
	b, err := open(t, Scratch, v1.Platform{OS: "linux", Architecture: "arm64"})
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
	if err := validate.Image(b.Image); err != nil {
		t.Error(err)
	}
}

func TestOpenExplainsWhatABaseIs(t *testing.T) {
	for _, spec := range []string{t.TempDir(), "./no/such/dir"} {
		_, err := open(t, spec, hostPlatform)
		if err == nil || !strings.Contains(err.Error(), "docker save") {
			t.Errorf("Open(%q) error = %v, want one explaining what a base can be", spec, err)
		}
	}
}
