//go:build e2e

package e2echeck

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"os/user"
	"regexp"
	"sort"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestPush: each reference a push of E2E_TARBALL printed (E2E_PUSHED) is
// E2E_REPOSITORY@<the digest that was built>, and each of E2E_TAGS names
// that digest in the registry.
func TestPush(t *testing.T) {
	repo, built := env(t, "E2E_REPOSITORY"), builtDigest(t, env(t, "E2E_TARBALL"))
	want := repo + "@" + built.String()
	for _, ref := range strings.Fields(env(t, "E2E_PUSHED")) {
		if ref != want {
			t.Errorf("the push printed %s, want %s", ref, want)
		}
	}
	for _, tag := range strings.Fields(env(t, "E2E_TAGS")) {
		if got := fetch(t, repo+":"+tag).Digest; got != built {
			t.Errorf("%s:%s is %s, want %s", repo, tag, got, built)
		}
	}
	t.Logf("pushed %s, tagged %s", want, env(t, "E2E_TAGS"))
}

// elfMachines are the ELF e_machine values of the platforms' binaries.
var elfMachines = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

// TestIndex: the image index E2E_INDEX lists linux/amd64 and linux/arm64,
// each image's /app/hello_e2e is an ELF binary of its architecture, and each
// image's SBOM was pushed beside it.
func TestIndex(t *testing.T) {
	ref := env(t, "E2E_INDEX")
	repo, _, _ := strings.Cut(ref, "@")
	index := remoteIndex(t, ref)
	var platforms []string
	for _, m := range index.Manifests {
		platforms = append(platforms, m.Platform.OS+"/"+m.Platform.Architecture)
	}
	sort.Strings(platforms)
	if got := strings.Join(platforms, " "); got != "linux/amd64 linux/arm64" {
		t.Fatalf("the index %s lists %s, want linux/amd64 linux/arm64", ref, got)
	}
	t.Logf("the index %s lists %v", ref, platforms)
	for _, m := range index.Manifests {
		binary := fileInTopLayer(t, remoteImage(t, repo+"@"+m.Digest.String()), "app/hello_e2e")
		f, err := elf.NewFile(bytes.NewReader(binary))
		if err != nil {
			t.Fatalf("the %s image's /app/hello_e2e: %v", m.Platform.Architecture, err)
		}
		if want := elfMachines[m.Platform.Architecture]; f.Machine != want {
			t.Errorf("the %s image's binary has ELF machine %v, want %v", m.Platform.Architecture, f.Machine, want)
		} else {
			t.Logf("the %s image's /app/hello_e2e is an ELF binary for %v", m.Platform.Architecture, f.Machine)
		}
		checkSBOM(t, repo, m.Digest)
	}
}

// checkSBOM: the SBOM of the image repo@digest was pushed, and the registry
// (which has no referrers API) lists it under the fallback tag sha256-<hex>.
func checkSBOM(t *testing.T, repo string, digest v1.Hash) {
	t.Helper()
	var sbom string
	for _, m := range remoteIndex(t, repo+":sha256-"+digest.Hex).Manifests {
		if m.ArtifactType == "application/spdx+json" {
			sbom = m.Digest.String()
		}
	}
	if sbom == "" {
		t.Errorf("no SBOM refers to %s@%s", repo, digest)
		return
	}
	var manifest v1.Manifest
	if err := json.Unmarshal(fetch(t, repo+"@"+sbom).Manifest, &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest.Subject == nil || manifest.Subject.Digest != digest {
		t.Errorf("the SBOM %s does not name %s as its subject", sbom, digest)
	}
	t.Logf("the SBOM %s of %s was pushed with it", sbom, digest)
}

// TestUnstamped: built without --stamp, the label of E2E_TARBALL stays as
// written.
func TestUnstamped(t *testing.T) {
	if got := configFile(t, tarballImage(t, env(t, "E2E_TARBALL")), "E2E_TARBALL").Config.Labels["built.by"]; got != "{BUILD_USER}" {
		t.Fatalf("without --stamp the label is %s, want {BUILD_USER} as written", got)
	}
	t.Log("without --stamp, labels stay as written")
}

// TestStamp: pushed with --stamp, E2E_STAMPED has the user's name as label
// and a build-<timestamp> tag, and E2E_STAMPED_REPOSITORY_REF was pushed to
// the repository the workspace status named, E2E_STAMPED_REPOSITORY, tagged v1.
func TestStamp(t *testing.T) {
	stamped := env(t, "E2E_STAMPED")
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	if got := configFile(t, remoteImage(t, stamped), stamped).Config.Labels["built.by"]; got != me.Username {
		t.Errorf("with --stamp the label is %s, want %s", got, me.Username)
	}
	repo, _, _ := strings.Cut(stamped, "@")
	tags, err := remote.List(reference(t, repo).Context())
	if err != nil {
		t.Fatal(err)
	}
	if !matchesAny(regexp.MustCompile(`^build-[0-9]+$`), tags) {
		t.Errorf("with --stamp the pushed tags are %v, want build-<timestamp>", tags)
	}
	t.Logf("with --stamp, the label is %s and %s is tagged %v", me.Username, stamped, tags)
	ref, repository := env(t, "E2E_STAMPED_REPOSITORY_REF"), env(t, "E2E_STAMPED_REPOSITORY")
	if !strings.HasPrefix(ref, repository+"@sha256:") {
		t.Errorf("the push to a stamped repository printed %s, want %s@sha256:...", ref, repository)
	}
	fetch(t, repository+":v1")
	t.Logf("with --stamp, the push went to the repository the workspace status named: %s", ref)
}

func matchesAny(re *regexp.Regexp, values []string) bool {
	for _, v := range values {
		if re.MatchString(v) {
			return true
		}
	}
	return false
}
