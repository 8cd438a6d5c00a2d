package build

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/provenance"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sbom"
)

const stampedCommit = "0123456789abcdef0123456789abcdef01234567"

// provenanceBuild builds the assembler's own binary into an image with a
// stamped provenance and an SBOM, in a tarball and a layout, in a fresh
// temporary directory; it returns the files and the image digest.
type provenanceBuild struct {
	statement, tarball, layout, digest string
}

func buildWithProvenance(t *testing.T, bin string) provenanceBuild {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir())
	dir := t.TempDir()
	stable, volatile := filepath.Join(dir, "stable-status.txt"), filepath.Join(dir, "volatile-status.txt")
	writeFile(t, stable, "BUILD_USER alice\nSTABLE_GIT_COMMIT "+stampedCommit+"\n")
	writeFile(t, volatile, "BUILD_TIMESTAMP 1700000000\n")
	b := provenanceBuild{
		statement: filepath.Join(dir, "provenance.intoto.json"),
		tarball:   filepath.Join(dir, "image.tar"),
		layout:    filepath.Join(dir, "layout"),
	}
	b.digest = buildOK(t, &Request{
		Base: "scratch", Platform: hostPlatform(), Binary: &Binary{File: bin}, Tags: []string{"example.com/assembler:v1"}, Epoch: time.Unix(0, 0),
		Documents: Documents{SBOM: filepath.Join(dir, "sbom.spdx.json"), Provenance: b.statement, Label: "//tools/assembler:image",
			Status: []string{stable, volatile}},
		Outputs: Outputs{Tarball: b.tarball, Layout: b.layout},
	})
	return b
}

// The statement names the image manifest as its subject and the binary's
// modules, the source revision and the build time; it is valid by the
// in-toto bindings of the specs; the layout and the tarball attach it to
// the image beside the SBOM, as an OCI 1.1 referrer of type
// application/vnd.in-toto+json whose blob is the statement.
func TestBuildAttachesProvenance(t *testing.T) {
	b := buildWithProvenance(t, testenv.Assembler(t))
	var s provenance.Statement
	readJSONFile(t, b.statement, &s)
	if got := "sha256:" + s.Subject[0].Digest["sha256"]; got != b.digest || s.Subject[0].Name != "//tools/assembler:image" {
		t.Errorf("subject %+v, want //tools/assembler:image with digest %s", s.Subject, b.digest)
	}
	deps := map[string]provenance.ResourceDescriptor{}
	for _, d := range s.Predicate.BuildDefinition.ResolvedDependencies {
		deps[d.Name] = d
	}
	ggcr := deps["github.com/google/go-containerregistry"]
	if ggcr.URI != "pkg:golang/github.com/google/go-containerregistry@v0.22.1" || len(ggcr.Digest["dirHash"]) != 64 {
		t.Errorf("go-containerregistry is %+v; want v0.22.1 with the dirHash of its go.sum hash", ggcr)
	}
	if deps["source"].Digest["gitCommit"] != stampedCommit || s.Predicate.RunDetails.Metadata == nil {
		t.Errorf("the stamped statement lacks the revision or the time: %+v, %+v", deps["source"], s.Predicate.RunDetails)
	}
	validateStatement(t, b.statement)

	for _, layout := range []string{b.layout, untarred(t, b.tarball)} {
		for _, artifactType := range []string{provenance.MediaType, sbom.MediaType} {
			ref := referrer(t, layout, artifactType)
			m, err := ref.Manifest()
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject == nil || m.Subject.Digest.String() != b.digest {
				t.Errorf("the %s artifact of %s refers to %+v, want %s", artifactType, layout, m.Subject, b.digest)
			}
		}
		checkAttached(t, referrer(t, layout, provenance.MediaType), b.statement)
	}
}

// Two builds of the same inputs give the same statement and the same
// image with it, whatever the temporary and output directories.
func TestProvenanceIsReproducible(t *testing.T) {
	bin := testenv.HostBinary(t)
	first, second := buildWithProvenance(t, bin), buildWithProvenance(t, bin)
	for _, f := range []func(provenanceBuild) string{
		func(b provenanceBuild) string { return b.statement },
		func(b provenanceBuild) string { return b.tarball },
	} {
		a, b := readFile(t, f(first)), readFile(t, f(second))
		if !bytes.Equal(a, b) {
			t.Errorf("%s and %s differ", f(first), f(second))
		}
	}
}

// Without workspace status (a build without --stamp) the statement has no
// revision and no time.
func TestProvenanceUnstamped(t *testing.T) {
	r, _ := hostBuild(t)
	r.Documents.Provenance = filepath.Join(t.TempDir(), "p.json")
	buildOK(t, r)
	data := readFile(t, r.Documents.Provenance)
	for _, s := range []string{"gitCommit", "startedOn"} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("an unstamped statement has %s:\n%s", s, data)
		}
	}
}

// validateStatement checks a statement with the in-toto project's Go
// bindings of the specs (see package provenance's testdata/validate).
func validateStatement(t *testing.T, path string) {
	t.Helper()
	cmd := exec.Command(testenv.Tool(t, "go"), "run", ".", path)
	cmd.Dir = filepath.Join(testenv.ModuleRoot(t), "tools", "assembler", "provenance", "testdata", "validate")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the statement is not valid in-toto SLSA provenance: %v\n%s", err, out)
	}
}
