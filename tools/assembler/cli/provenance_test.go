package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/provenance"
)

const stampedCommit = "0123456789abcdef0123456789abcdef01234567"

// provenanceBuild builds the assembler's own binary into an image with a
// stamped provenance and an SBOM, in a tarball and a layout, in a fresh
// temporary directory; it returns the files and the image digest.
type provenanceBuild struct {
	statement, tarball, layout, digest string
}

func buildWithProvenance(t *testing.T, bin string, extra ...string) provenanceBuild {
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
	args := append([]string{"build", "--binary", bin, "--platform", "linux/" + hostArch(), "--tag", "example.com/assembler:v1",
		"--output", b.tarball, "--layout", b.layout, "--sbom", filepath.Join(dir, "sbom.spdx.json"),
		"--provenance", b.statement, "--provenance-label", "//tools/assembler:image",
		"--provenance-status", stable, "--provenance-status", volatile}, extra...)
	b.digest = runOK(t, args...)
	return b
}

func TestProvenanceUsageErrors(t *testing.T) {
	dir := t.TempDir()
	layer := filepath.Join(dir, "layer.json")
	runOK(t, "layer", "--file", testenv.HostBinary(t)+"=/app/hello", "--output", filepath.Join(dir, "layer.tar.gz"), "--descriptor", layer)
	_, err := runErr("build", "--layer", layer, "--layout", filepath.Join(dir, "out"), "--provenance", filepath.Join(dir, "p.json"))
	wantError(t, err, "--provenance lists the modules of a Go binary", "--sbom-binary")
	_, err = runErr("build", "--binary", testenv.HostBinary(t), "--layout", filepath.Join(dir, "out"), "--provenance-label", "//app:image")
	wantError(t, err, "give --provenance FILE")
	status := filepath.Join(dir, "stable-status.txt")
	writeFile(t, status, "BUILD_TIMESTAMP yesterday\n")
	_, err = runErr("build", "--binary", testenv.HostBinary(t), "--layout", filepath.Join(dir, "out"), "--provenance", filepath.Join(dir, "p.json"), "--provenance-status", status)
	wantError(t, err, "BUILD_TIMESTAMP", "yesterday")
	wantNoFiles(t, filepath.Join(dir, "out"))
}

// assembler push pushes the statement with the image: an OCI 1.1 referrer
// that crane and skopeo find under the referrers fallback tag of a registry
// without the referrers API (Debian's docker-registry), whose blob is the
// statement.
func TestPushCarriesProvenance(t *testing.T) {
	reg := testenv.StartRegistry(t, false)
	b := buildWithProvenance(t, testenv.HostBinary(t))
	repo := reg.Host + "/app"
	runOK(t, "push", "--layout", b.layout, "--repository", repo, "--tag", "v1")
	fallback := repo + ":" + strings.Replace(b.digest, ":", "-", 1)
	crane := testenv.Tool(t, "crane")
	for _, raw := range []string{
		testenv.Run(t, crane, "manifest", fallback),
		testenv.Run(t, testenv.Tool(t, "skopeo"), "inspect", "--raw", "--tls-verify=false", "docker://"+fallback),
	} {
		var idx v1.IndexManifest
		if err := json.Unmarshal([]byte(raw), &idx); err != nil {
			t.Fatal(err)
		}
		art := artifactOfType(idx, provenance.MediaType)
		if art == nil {
			t.Fatalf("the referrers of %s lack the provenance: %s", b.digest, raw)
		}
		var m v1.Manifest
		if err := json.Unmarshal([]byte(testenv.Run(t, crane, "manifest", repo+"@"+art.Digest.String())), &m); err != nil {
			t.Fatal(err)
		}
		blob := testenv.Run(t, crane, "blob", fmt.Sprintf("%s@%s", repo, m.Layers[0].Digest))
		if blob != string(readFile(t, b.statement)) || m.Subject.Digest.String() != b.digest {
			t.Errorf("the pushed provenance %s is not the statement the build wrote, about %s", art.Digest, b.digest)
		}
	}
}

func artifactOfType(idx v1.IndexManifest, artifactType string) *v1.Descriptor {
	for _, d := range idx.Manifests {
		if d.ArtifactType == artifactType {
			return &d
		}
	}
	return nil
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cosign accepts the predicate as SLSA Provenance v1 (it parses the
// predicate of --type slsaprovenance1 and refuses one without its required
// fields), signs it as a DSSE attestation of the pushed image, and
// `cosign verify-attestation --type slsaprovenance1` verifies it and gives
// back our predicate, offline, with a key pair.
func TestCosignAcceptsPredicate(t *testing.T) {
	cosign := testenv.Cosign(t)
	reg := testenv.StartRegistry(t, false)
	b := buildWithProvenance(t, testenv.HostBinary(t))
	ref := reg.Host + "/app@" + b.digest
	runOK(t, "push", "--layout", b.layout, "--repository", reg.Host+"/app", "--tag", "v1")

	dir := t.TempDir()
	var s struct{ Predicate json.RawMessage }
	readJSONFile(t, b.statement, &s)
	predicate := filepath.Join(dir, "predicate.json")
	writeFile(t, predicate, string(s.Predicate))
	run := func(args ...string) (string, error) {
		cmd := exec.Command(cosign, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "COSIGN_PASSWORD=")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if err != nil {
			err = fmt.Errorf("cosign %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String(), err
	}
	mustRun := func(args ...string) string {
		out, err := run(args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	mustRun("generate-key-pair")
	attest := []string{"attest", "--key", "cosign.key", "--type", "slsaprovenance1", "--tlog-upload=false", "--yes", "--allow-http-registry"}
	if _, err := run(append(attest, "--predicate", b.statement, ref)...); err == nil || !strings.Contains(err.Error(), "buildDefinition") {
		t.Fatalf("cosign took a whole statement for a provenance predicate (%v): the check below would prove nothing", err)
	}
	mustRun(append(attest, "--predicate", predicate, ref)...)
	out := mustRun("verify-attestation", "--key", "cosign.pub", "--type", "slsaprovenance1", "--insecure-ignore-tlog", "--allow-http-registry", ref)

	var envelope struct{ Payload []byte }
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &envelope); err != nil {
		t.Fatalf("verify-attestation printed %q: %v", out, err)
	}
	var signed struct {
		PredicateType string
		Predicate     json.RawMessage
	}
	if err := json.Unmarshal(envelope.Payload, &signed); err != nil {
		t.Fatal(err)
	}
	var ours, theirs any
	json.Unmarshal(s.Predicate, &ours)
	json.Unmarshal(signed.Predicate, &theirs)
	if signed.PredicateType != provenance.PredicateType || !reflect.DeepEqual(ours, theirs) {
		t.Errorf("the verified attestation is %s with %s; want our predicate", signed.PredicateType, signed.Predicate)
	}
}
