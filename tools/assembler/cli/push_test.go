package cli

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func randomLayout(t *testing.T) (string, string) {
	t.Helper()
	img, err := random.Image(512, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return dir, d.String()
}

func TestPushTagsFromFileUnlessGiven(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	dir, digest := randomLayout(t)
	tagsFile := filepath.Join(t.TempDir(), "tags")
	os.WriteFile(tagsFile, []byte("v1\n\nlatest\n"), 0o644)
	digestFile := filepath.Join(t.TempDir(), "digest")

	for _, tc := range []struct {
		args []string
		tags []string
	}{
		{[]string{"--tags-file", tagsFile, "--digest-file", digestFile}, []string{"v1", "latest"}},
		{[]string{"--tags-file", tagsFile, "--tag", "override"}, []string{"override"}},
	} {
		repo := host + "/app" + tc.tags[0]
		args := append([]string{"push", "--layout", dir, "--repository", "example.com/overridden", "--repository", repo}, tc.args...)
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), args, &stdout, &stderr); code != 0 {
			t.Fatalf("Run(%q) = %d, stderr:\n%s", args, code, stderr.String())
		}
		if got, want := strings.TrimSpace(stdout.String()), repo+"@"+digest; got != want {
			t.Errorf("push printed %q, want %q", got, want)
		}
		r, _ := name.NewRepository(repo)
		listed, err := remote.List(r)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(listed, ",") != strings.Join(sorted(tc.tags), ",") {
			t.Errorf("%s has tags %q, want %q", repo, listed, tc.tags)
		}
	}
	if b, _ := os.ReadFile(digestFile); strings.TrimSpace(string(b)) != digest {
		t.Errorf("--digest-file holds %q, want %s", b, digest)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func TestPushAndLoadUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"push"}, {"push", "--layout", "x", "extra"}, {"load"}, {"load", "--nope"}} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("Run(%q) = %d, want 2", args, code)
		}
	}
}

// Tags move only once the image is signed: when signing fails, no tag
// names an unsigned image, and the error says so.
func TestPushTagsOnlyASignedImage(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	repo := strings.TrimPrefix(srv.URL, "http://") + "/app"
	dir, _ := randomLayout(t)
	var stdout, stderr bytes.Buffer
	args := []string{"push", "--layout", dir, "--repository", repo, "--tag", "v1", "--signer-command", "echo the signer is down >&2; exit 3"}
	if code := Run(context.Background(), args, &stdout, &stderr); code == 0 {
		t.Fatalf("a push whose signer fails succeeded: %s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "signing") {
		t.Errorf("the error does not say signing failed: %s", stderr.String())
	}
	r, err := name.NewRepository(repo)
	if err != nil {
		t.Fatal(err)
	}
	tags, err := remote.List(r)
	if err != nil && !strings.Contains(err.Error(), "NAME_UNKNOWN") {
		t.Fatal(err)
	}
	for _, tag := range tags {
		if tag == "v1" {
			t.Errorf("v1 names the image though signing it failed")
		}
	}
}
