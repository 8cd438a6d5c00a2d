package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/release"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// rounds is how many times each race is run: each round starts both
// processes at once and lets the scheduler interleave them.
const rounds = 3

// TestConcurrentRuns starts two assembler processes that write the same
// place at once. Each must succeed, or fail with one clear line, at least
// one succeeds, and what they wrote is whole: every blob hashes to its
// digest, no layout is half-written, no temporary file stays.
func TestConcurrentRuns(t *testing.T) {
	assembler := testenv.Assembler(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Run("two imports into one layout", func(t *testing.T) {
		base := sizedLayout(t)
		for range rounds {
			dir := t.TempDir()
			out := filepath.Join(dir, "base")
			imp := []string{"import", "--base", base, "--layout", out}
			race(t, assembler, imp, imp, "another run wrote a folder there meanwhile", "is not empty; import writes a new folder")
			checkLayout(t, out)
			wantOnly(t, dir, "base")
		}
	})
	t.Run("two imports into one folder", func(t *testing.T) {
		base := sizedLayout(t)
		dir := t.TempDir()
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		if ok := race(t, assembler, []string{"import", "--base", base, "--layout", a}, []string{"import", "--base", base, "--layout", b}); ok != 2 {
			t.Errorf("%d of the imports into separate layouts succeeded, want both", ok)
		}
		checkLayout(t, a)
		checkLayout(t, b)
		wantOnly(t, dir, "a", "b")
	})
	t.Run("two pushes of one image", func(t *testing.T) {
		reg := testenv.StartRegistry(t, false)
		for range rounds {
			img, digest := sizedImage(t)
			push := []string{"push", "--layout", img, "--repository", reg.Host + "/team/app", "--tag", "v1"}
			race(t, assembler, push, push)
			checkPushed(t, reg.Host+"/team/app", digest, "v1")
		}
	})
	t.Run("a release and a push of one of its images", func(t *testing.T) {
		reg := testenv.StartRegistry(t, false)
		for range rounds {
			a, digestA := sizedImage(t)
			b, digestB := sizedImage(t)
			manifest := releaseManifest(t, map[string]string{reg.Host + "/team/a": a, reg.Host + "/team/b": b})
			race(t, assembler, []string{"release", "--manifest", manifest},
				[]string{"push", "--layout", a, "--repository", reg.Host + "/team/a", "--tag", "hotfix"})
			checkPushed(t, reg.Host+"/team/a", digestA, "latest", "hotfix")
			checkPushed(t, reg.Host+"/team/b", digestB, "latest")
		}
	})
}

// race runs the two commands at once and returns how many succeeded, at
// least one; one that fails must say why in one line: that it raced
// another run, or that the other was done first, as allowed says.
func race(t *testing.T, assembler string, a, b []string, allowed ...string) int {
	t.Helper()
	cmds := []*exec.Cmd{exec.Command(assembler, a...), exec.Command(assembler, b...)}
	outs := make([]*bytes.Buffer, len(cmds))
	for i, c := range cmds {
		outs[i] = &bytes.Buffer{}
		c.Stderr = outs[i]
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	ok := 0
	for i, c := range cmds {
		if err := c.Wait(); err == nil {
			ok++
			continue
		}
		lines := strings.Split(strings.TrimSpace(outs[i].String()), "\n")
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, "assembler: ") || !containsAny(last, allowed) {
			t.Errorf("assembler %s failed without saying it raced another run:\n%s", strings.Join(c.Args[1:], " "), outs[i])
		}
	}
	if ok == 0 {
		t.Fatalf("neither run succeeded:\n%s\n%s", outs[0], outs[1])
	}
	return ok
}

// sizedImage writes the layout of an image of four layers of 1 MiB of
// random bytes, large enough for two runs to interleave, and returns it
// with the image's digest.
func sizedImage(t *testing.T) (string, string) {
	t.Helper()
	img, err := random.Image(1<<20, 4)
	if err != nil {
		t.Fatal(err)
	}
	img = testenv.ForLinux(t, img, "amd64")
	dir := filepath.Join(t.TempDir(), "image")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return dir, d.String()
}

func sizedLayout(t *testing.T) string {
	dir, _ := sizedImage(t)
	return dir
}

// checkLayout opens dir as the assembler reads a layout, each blob checked
// against its digest, and validates its images, reading every blob.
func checkLayout(t *testing.T, dir string) {
	t.Helper()
	s, err := store.Open(dir)
	if err != nil {
		t.Fatalf("the layout %s: %v", dir, err)
	}
	defer s.Close()
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Errorf("the layout %s: %v", dir, err)
	}
}

// wantOnly fails if dir holds anything but names: a temporary file or work
// folder of a run.
func wantOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !containsString(names, e.Name()) {
			t.Errorf("%s was left in %s", e.Name(), dir)
		}
	}
}

func containsAny(s string, parts []string) bool {
	for _, p := range parts {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkPushed reads the image digest from repo, every blob of it checked
// against its digest, and checks that the tags name it.
func checkPushed(t *testing.T, repo, digest string, tags ...string) {
	t.Helper()
	ref, err := name.NewDigest(repo + "@" + digest)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(ref)
	if err != nil {
		t.Fatalf("reading %s: %v", ref, err)
	}
	if err := validate.Image(img); err != nil {
		t.Errorf("%s: %v", ref, err)
	}
	for _, tag := range tags {
		desc, err := remote.Head(ref.Context().Tag(tag))
		if err != nil || desc.Digest != mustHash(t, digest) {
			t.Errorf("%s:%s is %v (%v), want %s", repo, tag, desc, err, digest)
		}
	}
}

func mustHash(t *testing.T, s string) v1.Hash {
	t.Helper()
	h, err := v1.NewHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// releaseManifest writes a release of the layouts to their repositories,
// tagged latest.
func releaseManifest(t *testing.T, images map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "release.json")
	if err := os.WriteFile(path, releaseManifestJSON(t, images), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// releaseManifestJSON is a release manifest of images (by repository),
// each tagged latest.
func releaseManifestJSON(t *testing.T, images map[string]string) []byte {
	t.Helper()
	var m release.Manifest
	for repo, dir := range images {
		m.Images = append(m.Images, release.ManifestImage{Label: "//" + filepath.Base(repo) + ":image", Repository: repo, Tags: []string{"latest"}, Image: dir})
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
