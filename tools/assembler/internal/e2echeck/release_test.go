//go:build e2e

package e2echeck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// TestRelease checks a release that e2e/run.sh pushed with the key pair in
// E2E_RELEASE (cosign.key; another pair in other/), whose refs file is
// E2E_RELEASE/refs.txt, with the unmodified cosign: both images were pushed
// and signed, the YAML goimage_resolve wrote at build time (E2E_DEPLOY) names
// them, each platform image of the index is signed and has SLSA provenance
// and SBOM attestations, and moving the tag to an image the release never
// signed (E2E_UNSIGNED) makes cosign refuse it.
func TestRelease(t *testing.T) {
	release := env(t, "E2E_RELEASE")
	key, otherKey := filepath.Join(release, "cosign.pub"), filepath.Join(release, "other", "cosign.pub")
	refs := releaseRefs(t, filepath.Join(release, "refs.txt"))
	if len(refs) != 2 {
		t.Fatalf("the refs file lists %d images, want 2: %v", len(refs), refs)
	}
	deploy := readFile(t, env(t, "E2E_DEPLOY"))
	for label, ref := range refs {
		if !strings.Contains(deploy, ref) {
			t.Errorf("the resolved %s does not name the pushed %s: %s", env(t, "E2E_DEPLOY"), ref, deploy)
		}
		verify(t, ref, key, "verify")
		if out, err := cosign(t, "verify", "--key", otherKey, ref); err == nil {
			t.Errorf("cosign verify of %s (%s) passed with another key: %s", ref, label, out)
		}
	}
	t.Logf("goimage_resolve pinned both images at build time to the digests pushed; cosign verify passes with the release key and fails with another")

	multi := refs["release-multi"]
	if multi == "" {
		t.Fatalf("the refs file names no release-multi: %v", refs)
	}
	repo, _, _ := strings.Cut(multi, "@")
	for _, m := range remoteIndex(t, multi).Manifests {
		platformImage := repo + "@" + m.Digest.String()
		verify(t, platformImage, key, "verify")
		verify(t, platformImage, key, "verify-attestation", "--type", "slsaprovenance1")
		verify(t, platformImage, key, "verify-attestation", "--type", "spdxjson")
	}
	t.Log("each platform image of the index is signed, and its SLSA provenance and SBOM attestations verify")

	// Tampering: the tag moves to an image the release key never signed.
	testenv.Run(t, testenv.Tool(t, "skopeo"), "copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false",
		"docker://"+env(t, "E2E_UNSIGNED"), "docker://"+repo+":v1")
	if out, err := cosign(t, "verify", "--key", key, repo+":v1"); err == nil {
		t.Errorf("cosign verify passed for an image the release did not sign: %s", out)
	}
	t.Log("after the tag moved to an unsigned image, cosign verify fails")
}

// releaseRefs reads a refs file ("LABEL-or-NAME REF" lines) into a map from
// the repository's last path element to the reference.
func releaseRefs(t *testing.T, path string) map[string]string {
	t.Helper()
	refs := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(readFile(t, path)), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 2 {
			t.Fatalf("%s: line %q is not NAME REF", path, line)
		}
		repo, _, _ := strings.Cut(fields[1], "@")
		refs[repo[strings.LastIndex(repo, "/")+1:]] = fields[1]
	}
	return refs
}

// verify runs cosign COMMAND ARGS... --key KEY REF, which must pass.
func verify(t *testing.T, ref, key string, args ...string) {
	t.Helper()
	args = append(args, "--key", key, ref)
	if out, err := cosign(t, args...); err != nil {
		t.Errorf("cosign %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// cosign runs cosign offline (no transparency log) against the plain-HTTP
// registry of the run.
func cosign(t *testing.T, args ...string) (string, error) {
	t.Helper()
	args = append([]string{args[0], "--allow-http-registry", "--insecure-ignore-tlog=true"}, args[1:]...)
	return testenv.CosignRun(t, args...)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
