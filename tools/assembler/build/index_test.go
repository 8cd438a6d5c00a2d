package build

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/provenance"
)

// platformBuilds builds the hello program into an image layout for each
// platform, each with an SBOM and a provenance, and returns the layouts.
func platformBuilds(t *testing.T, platforms ...string) []string {
	t.Helper()
	var layouts []string
	for _, p := range platforms {
		plat, err := v1.ParsePlatform(p)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		layout := filepath.Join(dir, "layout")
		buildOK(t, &Request{Base: "scratch", Platform: *plat, Binary: &Binary{File: testenv.GoBinary(t, testenv.HelloSource, plat.OS, plat.Architecture)},
			Config:    image.Config{Env: []string{"GREETING=from-index"}},
			Documents: Documents{SBOM: filepath.Join(dir, "sbom.json"), Provenance: filepath.Join(dir, "provenance.json"), Label: "//app:image"},
			Outputs:   Outputs{Layout: layout}})
		layouts = append(layouts, layout)
	}
	return layouts
}

// indexOK makes the index r asks for, which must succeed, and returns its
// digest.
func indexOK(t *testing.T, r *IndexRequest) string {
	t.Helper()
	idx, err := Index(context.Background(), r)
	if err != nil {
		t.Fatalf("making the index %+v: %v", r, err)
	}
	d, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

func TestIndexLoadsAndRuns(t *testing.T) {
	host := "linux/" + hostArch()
	other := "linux/arm64"
	if hostArch() == "arm64" {
		other = "linux/amd64"
	}
	layouts := platformBuilds(t, host, other)
	dir := t.TempDir()
	tag := testenv.UniqueName("index")
	tarball, layout := filepath.Join(dir, "index.tar"), filepath.Join(dir, "layout")
	digest := indexOK(t, &IndexRequest{Images: layouts, Tags: []string{tag}, Outputs: Outputs{Tarball: tarball, Layout: layout}})

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
	if refs := countArtifacts(t, layout, "application/spdx+json"); refs != 2 {
		t.Errorf("index.json lists %d SBOM artifacts, want one per platform", refs)
	}
}

func countArtifacts(t *testing.T, layout, artifactType string) int {
	t.Helper()
	n := 0
	for _, d := range layoutIndex(t, layout).Manifests {
		if d.ArtifactType == artifactType {
			n++
		}
	}
	return n
}

func TestIndexDockerPlatform(t *testing.T) {
	layouts := platformBuilds(t, "linux/amd64", "linux/arm64")
	layout := filepath.Join(t.TempDir(), "layout")
	indexOK(t, &IndexRequest{Images: layouts, DockerPlatform: &v1.Platform{OS: "linux", Architecture: "arm64"}, Outputs: Outputs{Layout: layout}})
	var entries []struct{ Config string }
	readJSONFile(t, filepath.Join(layout, "manifest.json"), &entries)
	var cf v1.ConfigFile
	readJSONFile(t, filepath.Join(layout, entries[0].Config), &cf)
	if len(entries) != 1 || cf.Architecture != "arm64" {
		t.Errorf("manifest.json names %d images, the first for %s; want one, for arm64", len(entries), cf.Architecture)
	}
}

func TestIndexErrors(t *testing.T) {
	layouts := platformBuilds(t, "linux/amd64")
	out := Outputs{Tarball: filepath.Join(t.TempDir(), "i.tar")}
	if _, err := Index(context.Background(), &IndexRequest{Images: []string{layouts[0], layouts[0]}, Outputs: out}); err != nil {
		t.Errorf("the same image twice is one platform, not an error: %v", err)
	}
	for _, tc := range []struct {
		r    IndexRequest
		want string
	}{
		{IndexRequest{Images: layouts, DockerPlatform: &v1.Platform{OS: "linux", Architecture: "s390x"}}, "has no linux/s390x image"},
		{IndexRequest{Images: []string{filepath.Join(t.TempDir(), "missing")}}, "no such file"},
		{IndexRequest{Images: []string{layouts[0], otherAMD64(t)}}, "two images are for linux/amd64"},
	} {
		tc.r.Outputs = out
		_, err := Index(context.Background(), &tc.r)
		wantError(t, err, tc.want)
	}
}

// otherAMD64 is a layout of another linux/amd64 image than platformBuilds'.
func otherAMD64(t *testing.T) string {
	layout := filepath.Join(t.TempDir(), "layout")
	buildOK(t, &Request{Base: "scratch", Platform: v1.Platform{OS: "linux", Architecture: "amd64"},
		Binary: &Binary{File: testenv.GoBinary(t, testenv.HelloSource, "linux", "amd64")}, Outputs: Outputs{Layout: layout}})
	return layout
}

// A multi-platform image carries a statement per platform, each about its
// platform's manifest, as it carries an SBOM per platform.
func TestIndexKeepsEachPlatformsProvenance(t *testing.T) {
	layouts := platformBuilds(t, "linux/amd64", "linux/arm64")
	subjects := map[string]bool{}
	for i, arch := range []string{"amd64", "arm64"} {
		var s provenance.Statement
		readJSONFile(t, filepath.Join(filepath.Dir(layouts[i]), "provenance.json"), &s)
		if s.Predicate.BuildDefinition.ExternalParameters["platform"] != "linux/"+arch {
			t.Errorf("the linux/%s statement has the parameters %v", arch, s.Predicate.BuildDefinition.ExternalParameters)
		}
		subjects["sha256:"+s.Subject[0].Digest["sha256"]] = true
	}
	layout := filepath.Join(t.TempDir(), "index")
	indexOK(t, &IndexRequest{Images: layouts, Outputs: Outputs{Layout: layout}})
	for _, d := range layoutIndex(t, layout).Manifests {
		if d.ArtifactType != provenance.MediaType {
			continue
		}
		img, err := layoutImageByDigest(t, layout, d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		m, err := img.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		if !subjects[m.Subject.Digest.String()] {
			t.Errorf("a statement of the index refers to %s, no platform's image", m.Subject.Digest)
		}
	}
	if n := countArtifacts(t, layout, provenance.MediaType); n != 2 {
		t.Errorf("the index's layout lists %d statements, want one per platform", n)
	}
}
