package cli

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/build"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// Each flag of index lands in its field of the request package build takes.
func TestIndexFlagsMakeTheRequest(t *testing.T) {
	f, err := parseIndexArgs([]string{"--image", "amd64", "--image", "arm64", "--tag", "example.com/app:v1", "--docker-platform", "linux/arm64",
		"--thin", "--follow-symlinks", "--thin-layout", "thin", "--digest-file", "digest"}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.request()
	if err != nil {
		t.Fatal(err)
	}
	want := &build.IndexRequest{
		Images: []string{"amd64", "arm64"}, Tags: []string{"example.com/app:v1"}, DockerPlatform: &v1.Platform{OS: "linux", Architecture: "arm64"},
		Thin: true, FollowSymlinks: true, Outputs: build.Outputs{ThinLayout: "thin", DigestFile: "digest"},
	}
	if got.Open == nil {
		t.Error("the request has no Open, which reads the image.json of the Bazel rules")
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(build.IndexRequest{}, "Open")); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}

// Thin images make only a thin layout; no image is a usage error.
func TestIndexUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--output", "i.tar"}, "give the images with --image"},
		{[]string{"--image", "a", "--thin", "--output", "i.tar"}, "only --thin-layout can be written"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), append([]string{"index"}, tc.args...), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("index %q: exit %d, stderr lacks %q:\n%s", tc.args, code, tc.want, stderr.String())
		}
	}
}

// One index from argv, end to end: the digest printed is the one of the
// index written.
func TestIndexEndToEnd(t *testing.T) {
	image := filepath.Join(t.TempDir(), "image")
	runOK(t, "build", "--binary", testenv.HostBinary(t), "--platform", "linux/"+hostArch(), "--layout", image, "--quiet")
	layout := filepath.Join(t.TempDir(), "index")
	digest := runOK(t, "index", "--image", image, "--layout", layout)
	if got := layoutIndex(t, layout).Manifests[0].Digest.String(); got != digest {
		t.Errorf("index printed %s, the layout holds %s", digest, got)
	}
}
