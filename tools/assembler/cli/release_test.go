package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/release"
)

// TestReleaseCommand runs a release as `bazel run` of a goimage_release
// does: a manifest whose paths are relative to its folder, a repository
// and tags in files, and refs files relative to the working directory.
func TestReleaseCommand(t *testing.T) {
	reg := testenv.StartRegistry(t, false)
	locked := testenv.StartRegistry(t, true)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	root := t.TempDir()
	var images []release.ManifestImage
	digests := map[string]string{}
	for _, app := range []string{"a", "b"} {
		dir, digest := randomLayout(t)
		layoutDir := filepath.Join(root, app, "image")
		if err := os.MkdirAll(filepath.Dir(layoutDir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(dir, layoutDir); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(root, app, "repository"), []byte(reg.Host+"/team/"+app+"\n"), 0o644)
		os.WriteFile(filepath.Join(root, app, "tags"), []byte("v1\nlatest\n"), 0o644)
		digests[app] = digest
		images = append(images, release.ManifestImage{
			Label: "//" + app + ":image", RepositoryFile: "../" + app + "/repository", TagsFile: "../" + app + "/tags", Image: "../" + app + "/image",
		})
	}
	images = append(images, release.ManifestImage{Label: "//b:image", Repository: locked.Host + "/team/b", Image: "../b/image"})
	manifest := filepath.Join(root, "release", "release.json")
	os.MkdirAll(filepath.Dir(manifest), 0o755)
	b, _ := json.Marshal(release.Manifest{Images: images})
	os.WriteFile(manifest, b, 0o644)
	wd := t.TempDir()
	t.Setenv("BUILD_WORKING_DIRECTORY", wd)

	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"release", "--manifest", manifest, "--refs-file", "refs.json", "--refs-text", "refs.txt"}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("release exited with %d, want 1 (one image failed); stderr:\n%s", code, stderr.String())
	}
	for _, want := range []string{"2 of 3 images pushed, 1 failed", "FAILED  //b:image to " + locked.Host + "/team/b"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "//b:image to "+locked.Host+"/team/b failed") {
		t.Errorf("the error does not name the failed image:\n%s", stderr.String())
	}
	text, err := os.ReadFile(filepath.Join(wd, "refs.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := "//a:image " + reg.Host + "/team/a@" + digests["a"] + "\n//b:image " + reg.Host + "/team/b@" + digests["b"] + "\n"
	if string(text) != want {
		t.Errorf("refs.txt = %q, want %q", text, want)
	}
	var refs release.Refs
	b, err = os.ReadFile(filepath.Join(wd, "refs.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	if len(refs.Images) != 3 || !refs.Images[0].Pushed || !refs.Images[1].Pushed || refs.Images[2].Pushed || refs.Images[2].Error == "" {
		t.Errorf("refs.json = %s", b)
	}
	repo, _ := name.NewRepository(reg.Host + "/team/a")
	tags, err := remote.List(repo)
	if err != nil || strings.Join(tags, ",") != "latest,v1" {
		t.Errorf("team/a has tags %q (%v), want latest and v1 from the tags file", tags, err)
	}
}

func TestReleaseManifestErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ content, want string }{
		{`{"images": [{"label": "//a:image", "repo": "x"}]}`, `unknown field "repo"`},
		{`{"images": [{"repository": "x"}]}`, "image 1 has no label"},
		{`{"images": `, "is not valid"},
	} {
		p := filepath.Join(dir, "m.json")
		os.WriteFile(p, []byte(tc.content), 0o644)
		_, err := runErr("release", "--manifest", p)
		wantError(t, err, tc.want)
	}
	_, err := runErr("release")
	wantError(t, err, "--manifest is required")
}

// A release in which one image meets a storm of 503s exits 1, naming the
// image; run again on a healthy registry it pushes that one and exits 0.
func TestReleaseExitCodeUnderFaults(t *testing.T) {
	reg := testenv.StartRegistry(t, false)
	proxy := testenv.StartFaultProxy(t, reg.Host)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	var images []release.ManifestImage
	for _, app := range []string{"a", "b", "c", "d"} {
		dir, _ := randomLayout(t)
		images = append(images, release.ManifestImage{Label: "//" + app + ":image", Repository: proxy.Host + "/team/" + app, Tags: []string{"v1"}, Image: dir})
	}
	manifest := filepath.Join(t.TempDir(), "release.json")
	b, _ := json.Marshal(release.Manifest{Images: images})
	if err := os.WriteFile(manifest, b, 0o644); err != nil {
		t.Fatal(err)
	}
	proxy.Inject(testenv.BlobUpload("team/c"), -1, testenv.Status(http.StatusServiceUnavailable))

	// Several signer commands run at a time, printing to the one stderr.
	args := []string{"release", "--manifest", manifest, "--signer-command", "cat >/dev/null; echo signing >&2; echo c2lnbmF0dXJl"}
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), args, &stdout, &stderr); code != 1 {
		t.Fatalf("release exited with %d, want 1 (one image failed); stderr:\n%s", code, stderr.String())
	}
	for _, want := range []string{"3 of 4 images pushed, 1 failed", "FAILED  //c:image to " + proxy.Host + "/team/c: ", "503"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "//c:image to "+proxy.Host+"/team/c failed") || !strings.Contains(stderr.String(), "running the release again pushes only what is missing") {
		t.Errorf("the error does not name the failed image and what to do:\n%s", stderr.String())
	}

	proxy.Clear()
	stdout.Reset()
	stderr.Reset()
	if code := Run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("the rerun exited with %d, want 0; stderr:\n%s", code, stderr.String())
	}
	if n := proxy.Count("/blobs/uploads/"); n != proxy.Count("/v2/team/c/blobs/uploads/") {
		t.Errorf("the rerun sent upload requests to repositories the first run completed:\n%s", proxy)
	}
}
