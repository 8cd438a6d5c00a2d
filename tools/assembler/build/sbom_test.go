package build

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdxlib"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sbom"
)

// The SBOM of the assembler itself, a Go binary with dependencies, lists
// them; the SPDX project's own Go library reads it as SPDX 2.3 and finds it
// valid, and the layout attaches it to the image as an OCI 1.1 referrer. The
// binary comes with --binary, or in a prebuilt layer (as Bazel builds
// images) named by --sbom-binary.
func TestBuildAttachesSBOM(t *testing.T) {
	bin := testenv.Assembler(t)
	for _, tc := range []struct {
		name   string
		binary func(r *Request)
	}{
		{"a binary", func(r *Request) { r.Binary = &Binary{File: bin} }},
		{"a prebuilt layer", func(r *Request) {
			r.Layers = []string{prebuiltLayer(t, []layer.Entry{{Path: "/app/assembler", Kind: layer.File, Source: bin, Mode: 0o755}}, nil)}
			r.Documents.Binary = bin
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			r := &Request{Base: "scratch", Platform: hostPlatform(), Tags: []string{"example.com/assembler:v1"},
				Documents: Documents{SBOM: filepath.Join(dir, "sbom.spdx.json")}, Outputs: Outputs{Layout: filepath.Join(dir, "layout")}}
			tc.binary(r)
			checkSBOM(t, r.Documents.SBOM, r.Outputs.Layout, buildOK(t, r))
		})
	}
}

// A binary that records its modules (go build's) is the truth about them:
// a package listing and a go.mod that say otherwise (here, a package URL
// that names another version of go-containerregistry) change nothing, in
// the SBOM and in the provenance.
func TestSBOMPrefersBuildInfo(t *testing.T) {
	bin := testenv.Assembler(t)
	dir := t.TempDir()
	purl := "pkg:golang/github.com/google/go-containerregistry@v0.1.0"
	list := testenv.Run(t, "go", "list", "-C", testenv.ModuleRoot(t), "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./tools/assembler")
	var listing strings.Builder
	for _, pkg := range strings.Fields(list) {
		listing.WriteString(pkg)
		if strings.HasPrefix(pkg, "github.com/google/go-containerregistry/") {
			listing.WriteString("\t" + purl)
		}
		listing.WriteString("\n")
	}
	packages := filepath.Join(dir, "packages.txt")
	if err := os.WriteFile(packages, []byte(listing.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	modules := func(packages, goMod string) []string {
		dir := t.TempDir()
		doc, prov := filepath.Join(dir, "sbom.spdx.json"), filepath.Join(dir, "provenance.json")
		buildOK(t, &Request{Base: "scratch", Platform: hostPlatform(), Binary: &Binary{File: bin},
			Documents: Documents{SBOM: doc, Provenance: prov, Packages: packages, GoMod: goMod}, Outputs: Outputs{Layout: filepath.Join(dir, "layout")}})
		var d sbom.Document
		readJSONFile(t, doc, &d)
		var out []string
		for _, p := range d.Packages {
			out = append(out, p.Name+" "+p.VersionInfo)
		}
		data, err := os.ReadFile(prov)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "go-containerregistry@v0.1.0") {
			t.Errorf("the provenance names the listing's version of go-containerregistry, not the binary's:\n%s", data)
		}
		return out
	}
	withBuildInfo, withPackages := modules("", ""), modules(packages, filepath.Join(testenv.ModuleRoot(t), "go.mod"))
	if diff := cmp.Diff(withBuildInfo, withPackages); diff != "" {
		t.Errorf("a package listing changed the modules of a binary that records them (-build info +listing):\n%s", diff)
	}
	if !slices.Contains(withBuildInfo, "github.com/google/go-containerregistry v0.22.1") {
		t.Errorf("the assembler's SBOM lacks go-containerregistry v0.22.1: %v", withBuildInfo)
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
