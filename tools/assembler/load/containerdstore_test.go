package load

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// The seed story, on the engine this tool exists for, with the assembler's
// command line: a two-platform base (and its attestation) is pulled for the
// host's platform into Docker with the containerd image store and saved by
// that engine's own docker save, which lists every platform and holds one.
// That archive is a base for the host's platform, and is refused for the
// other with the name it records and the fix; the image built on it loads
// into the same engine by the digest that was built, with every tag, and runs.
func TestSeedOnContainerdStore(t *testing.T) {
	docker, _ := testenv.ContainerdStore().Use(t)
	asm := testenv.Assembler(t)
	src := testenv.PushSourceImage(t)
	host, other := "linux/"+runtime.GOARCH, "linux/arm64"
	if runtime.GOARCH == "arm64" {
		other = "linux/amd64"
	}
	base := src.Index
	t.Cleanup(func() { testenv.RunErr(docker, "rmi", "-f", base) })
	testenv.Run(t, docker, "pull", "-q", "--platform", host, base)
	saved := filepath.Join(t.TempDir(), "saved.tar")
	testenv.Run(t, docker, "save", "-o", saved, base)

	described := testenv.Run(t, asm, "inspect", saved)
	t.Logf("assembler inspect of the engine's docker save:\n%s", described)
	for _, want := range []string{"names       " + base, "index       " + src.Digests["index"], "image       " + src.Digests[host] + " " + host,
		"image       " + src.Digests[other] + " for " + other + ": not in the archive", "docker pull --platform " + other + " " + base,
		"attestation "} {
		if !strings.Contains(described, want) {
			t.Errorf("assembler inspect lacks %q", want)
		}
	}
	if strings.Contains(described, "unknown/unknown") {
		t.Errorf("assembler inspect shows the attestation as an image of platform unknown/unknown")
	}

	dir := t.TempDir()
	bin := testenv.GoBinary(t, testenv.HelloSource, "linux", runtime.GOARCH)
	image := filepath.Join(dir, "image.tar")
	out := testenv.Run(t, asm, "build", "--base", saved, "--binary", bin, "--platform", host, "--output", image)
	built := lastLine(out)

	otherBin := testenv.GoBinary(t, testenv.HelloSource, "linux", strings.TrimPrefix(other, "linux/"))
	_, err := testenv.RunErr(asm, "build", "--base", saved, "--binary", otherBin, "--platform", other, "--output", filepath.Join(dir, "other.tar"))
	t.Logf("assembler build for %s: %v", other, err)
	for _, want := range []string{"its " + other + " image is incomplete", "docker pull --platform " + other + " " + base, "docker save --platform"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("building for %s on a base that lacks it: error %v, want one containing %q", other, err, want)
		}
	}

	tags := []string{uniqueTag(t, docker), uniqueTag(t, docker)}
	testenv.Run(t, asm, "load", "--layout", image, "--tag", tags[0], "--tag", tags[1])
	for _, tag := range tags {
		if got := imageID(t, docker, tag); got != built {
			t.Errorf("%s: loaded image ID %s, want the digest that was built, %s", tag, got, built)
		}
	}
	run := testenv.Run(t, docker, "run", "--rm", tags[1])
	if want := "hello from the image, GREETING=from-the-base"; strings.TrimSpace(run) != want {
		t.Errorf("docker run %s printed %q, want %q", tags[1], run, want)
	}
}

// When the engine's own platform was not pulled, its docker save fails
// unless told which platform to save (--platform), as the fix that the
// assembler's missing-platform message gives says.
func TestContainerdStoreSavesOtherPlatformsWithPlatform(t *testing.T) {
	docker, _ := testenv.ContainerdStore().Use(t)
	asm := testenv.Assembler(t)
	src := testenv.PushSourceImage(t)
	other := "arm64"
	if runtime.GOARCH == "arm64" {
		other = "amd64"
	}
	base := src.Index
	t.Cleanup(func() { testenv.RunErr(docker, "rmi", "-f", base) })
	testenv.Run(t, docker, "pull", "-q", "--platform", "linux/"+other, base)
	dir := t.TempDir()
	if _, err := testenv.RunErr(docker, "save", "-o", filepath.Join(dir, "plain.tar"), base); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("docker save of an image whose engine platform was not pulled: error %v, want content not found", err)
	}
	saved := filepath.Join(dir, "saved.tar")
	testenv.Run(t, docker, "save", "--platform", "linux/"+other, "-o", saved, base)
	bin := testenv.GoBinary(t, testenv.HelloSource, "linux", other)
	testenv.Run(t, asm, "build", "--base", saved, "--binary", bin, "--platform", "linux/"+other, "--output", filepath.Join(dir, "image.tar"))
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
