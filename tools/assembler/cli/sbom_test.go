package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdxlib"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sbom"
)

// The SBOM of the assembler itself, a Go binary with dependencies, lists
// them; the SPDX project's own Go library reads it as SPDX 2.3 and finds it
// valid, and the layout attaches it to the image as an OCI 1.1 referrer. The
// binary comes with --binary, or in a prebuilt layer (as Bazel builds
// images) named by --sbom-binary; its modules come from its build info, or
// (for binaries that rules_go links without them) from go.mod and the list
// of packages linked into it.
func TestBuildAttachesSBOM(t *testing.T) {
	bin := testenv.Assembler(t)
	inLayer := func(dir string) []string {
		desc := filepath.Join(dir, "binary.json")
		runOK(t, "layer", "--file", bin+"=/app/assembler", "--output", filepath.Join(dir, "binary.tar.gz"), "--descriptor", desc)
		return []string{"--layer", desc, "--sbom-binary", bin}
	}
	for _, tc := range []struct {
		name   string
		binary func(dir string) []string
	}{
		{"--binary", func(string) []string { return []string{"--binary", bin} }},
		{"--layer and --sbom-binary", inLayer},
		{"modules from go.mod", func(dir string) []string {
			return append(inLayer(dir), fromGoMod(t, dir)...)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			doc, layout := filepath.Join(dir, "sbom.spdx.json"), filepath.Join(dir, "layout")
			args := append([]string{"build", "--platform", "linux/" + hostArch(), "--tag", "example.com/assembler:v1", "--sbom", doc, "--layout", layout}, tc.binary(dir)...)
			checkSBOM(t, doc, layout, runOK(t, args...))
		})
	}
}

// fromGoMod returns the flags that take the assembler's modules from go.mod
// and the packages `go list -deps` says it links.
func fromGoMod(t *testing.T, dir string) []string {
	t.Helper()
	packages := filepath.Join(dir, "packages.txt")
	list := testenv.Run(t, "go", "list", "-C", testenv.ModuleRoot(t), "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./tools/assembler")
	if err := os.WriteFile(packages, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"--sbom-go-mod", filepath.Join(testenv.ModuleRoot(t), "go.mod"), "--sbom-packages", packages}
}

// The modules found through go.mod and the linked packages are the ones the
// Go toolchain records in the binary, at the same versions.
func TestSBOMFromGoModMatchesBuildInfo(t *testing.T) {
	bin := testenv.Assembler(t)
	modules := func(extra ...string) []string {
		dir := t.TempDir()
		doc := filepath.Join(dir, "sbom.spdx.json")
		runOK(t, append([]string{"build", "--binary", bin, "--platform", "linux/" + hostArch(), "--sbom", doc, "--layout", filepath.Join(dir, "layout")}, extra...)...)
		var d sbom.Document
		readJSONFile(t, doc, &d)
		var out []string
		for _, p := range d.Packages {
			out = append(out, p.Name+" "+p.VersionInfo)
		}
		return out
	}
	withBuildInfo, withGoMod := modules(), modules(fromGoMod(t, t.TempDir())...)
	if diff := cmp.Diff(withBuildInfo, withGoMod); diff != "" {
		t.Errorf("modules from go.mod differ from the build info's (-build info +go.mod):\n%s", diff)
	}
	if len(withBuildInfo) < 5 {
		t.Errorf("the assembler's SBOM lists only %v", withBuildInfo)
	}
}

func checkSBOM(t *testing.T, doc, layout, digest string) {
	t.Helper()
	var d sbom.Document
	readJSONFile(t, doc, &d)
	if !hasPackage(d, "github.com/google/go-containerregistry", "pkg:golang/github.com/google/go-containerregistry@v0.22.1") ||
		!hasPackage(d, "github.com/rules-goimage/rules_goimage", "pkg:golang/github.com/rules-goimage/rules_goimage") {
		t.Errorf("the SBOM lacks the main module or go-containerregistry v0.22.1: %+v", d.Packages)
	}
	checkSPDX(t, doc)

	ref := referrer(t, layout, sbom.MediaType)
	m, err := ref.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject == nil || m.Subject.Digest.String() != digest || m.ArtifactType != sbom.MediaType {
		t.Fatalf("artifact manifest %+v; want an %s artifact whose subject is %s", m, sbom.MediaType, digest)
	}
	checkAttached(t, ref, doc)
}

func checkSPDX(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := spdxjson.Read(f)
	if err != nil {
		t.Fatalf("reading the SBOM as SPDX 2.3 JSON: %v", err)
	}
	if err := spdxlib.ValidateDocument(doc); err != nil {
		t.Errorf("the SBOM is not a valid SPDX document: %v", err)
	}
	if doc.SPDXVersion != "SPDX-2.3" {
		t.Errorf("SPDX version %q, want SPDX-2.3", doc.SPDXVersion)
	}
}

func hasPackage(d sbom.Document, name, purl string) bool {
	for _, p := range d.Packages {
		for _, r := range p.ExternalRefs {
			if p.Name == name && r.Locator == purl {
				return true
			}
		}
	}
	return false
}

// referrer is the one artifact of artifactType that the layout's
// index.json lists.
func referrer(t *testing.T, layout, artifactType string) v1.Image {
	t.Helper()
	idx := layoutIndex(t, layout)
	for _, d := range idx.Manifests {
		if d.ArtifactType == artifactType {
			img, err := layoutImageByDigest(t, layout, d.Digest)
			if err != nil {
				t.Fatal(err)
			}
			return img
		}
	}
	t.Fatalf("index.json lists no %s artifact: %+v", artifactType, idx.Manifests)
	return nil
}

func checkAttached(t *testing.T, ref v1.Image, doc string) {
	t.Helper()
	layers, err := ref.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("artifact has %d blobs (%v), want 1", len(layers), err)
	}
	rc, err := layers[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var attached bytes.Buffer
	attached.ReadFrom(rc)
	written, _ := os.ReadFile(doc)
	if !bytes.Equal(attached.Bytes(), written) {
		t.Errorf("the attached document differs from %s, written next to the image", doc)
	}
}
