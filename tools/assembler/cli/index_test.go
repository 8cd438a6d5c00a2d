package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// buildPlatforms builds the hello program into an image layout for each
// platform, each with an SBOM, and returns the layouts.
func buildPlatforms(t *testing.T, platforms ...string) []string {
	t.Helper()
	var layouts []string
	for _, p := range platforms {
		plat, _ := v1.ParsePlatform(p)
		layout := filepath.Join(t.TempDir(), "layout")
		runOK(t, "build", "--binary", testenv.GoBinary(t, testenv.HelloSource, plat.OS, plat.Architecture),
			"--platform", p, "--env", "GREETING=from-index", "--layout", layout, "--sbom", filepath.Join(t.TempDir(), "sbom.json"))
		layouts = append(layouts, layout)
	}
	return layouts
}

func TestIndexLoadsAndRuns(t *testing.T) {
	host := "linux/" + hostArch()
	other := "linux/arm64"
	if hostArch() == "arm64" {
		other = "linux/amd64"
	}
	layouts := buildPlatforms(t, host, other)
	dir := t.TempDir()
	tag := testenv.UniqueName("index")
	tarball, layout := filepath.Join(dir, "index.tar"), filepath.Join(dir, "layout")
	digest := runOK(t, "index", "--image", layouts[0], "--image", layouts[1], "--tag", tag, "--output", tarball, "--layout", layout)

	// manifest.json names the first image, which docker load runs; the OCI
	// side is the whole index, with both platforms and their SBOMs.
	checkWithTools(t, tarball, tag, digest, "GREETING=from-index")
	raw := testenv.Run(t, testenv.Tool(t, "skopeo"), "inspect", "--raw", "oci-archive:"+tarball+":"+testenv.ImageTag(tag))
	var idx v1.IndexManifest
	if err := json.Unmarshal([]byte(raw), &idx); err != nil {
		t.Fatal(err)
	}
	if len(idx.Manifests) != 2 || idx.Manifests[0].Platform.String() != host || idx.Manifests[1].Platform.String() != other {
		t.Errorf("index lists %+v, want %s then %s", idx.Manifests, host, other)
	}
	copied := filepath.Join(t.TempDir(), "copy")
	testenv.Run(t, testenv.Tool(t, "skopeo"), "copy", "--quiet", "--all", "oci:"+layout+":"+testenv.ImageTag(tag), "oci:"+copied+":all")
	if refs := countArtifacts(t, layout); refs != 2 {
		t.Errorf("index.json lists %d SBOM artifacts, want one per platform", refs)
	}
}

func countArtifacts(t *testing.T, layout string) int {
	t.Helper()
	var idx v1.IndexManifest
	readJSONFile(t, filepath.Join(layout, "index.json"), &idx)
	n := 0
	for _, d := range idx.Manifests {
		if d.ArtifactType == "application/spdx+json" {
			n++
		}
	}
	return n
}

func TestIndexDockerPlatform(t *testing.T) {
	layouts := buildPlatforms(t, "linux/amd64", "linux/arm64")
	layout := filepath.Join(t.TempDir(), "layout")
	runOK(t, "index", "--image", layouts[0], "--image", layouts[1], "--docker-platform", "linux/arm64", "--layout", layout)
	var entries []struct{ Config string }
	readJSONFile(t, filepath.Join(layout, "manifest.json"), &entries)
	var cf v1.ConfigFile
	readJSONFile(t, filepath.Join(layout, entries[0].Config), &cf)
	if len(entries) != 1 || cf.Architecture != "arm64" {
		t.Errorf("manifest.json names %d images, the first for %s; want one, for arm64", len(entries), cf.Architecture)
	}
}

func TestIndexErrors(t *testing.T) {
	layouts := buildPlatforms(t, "linux/amd64")
	out := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--image", layouts[0], "--image", layouts[0]}, ""},
		{[]string{"--image", layouts[0], "--docker-platform", "linux/s390x"}, "has no linux/s390x image"},
		{[]string{"--image", filepath.Join(out, "missing")}, "no such file"},
	} {
		_, err := runErr(append([]string{"index", "--output", filepath.Join(out, "i.tar")}, tc.args...)...)
		if tc.want == "" {
			if err != nil {
				t.Errorf("the same image twice is one platform, not an error: %v", err)
			}
			continue
		}
		wantError(t, err, tc.want)
	}
	other := buildPlatforms(t, "linux/amd64")
	_, err := runErr("index", "--image", layouts[0], "--image", other[0], "--output", filepath.Join(out, "j.tar"))
	if err != nil && !strings.Contains(err.Error(), "two images are for linux/amd64") {
		t.Errorf("error %v, want one about two linux/amd64 images", err)
	}
}
