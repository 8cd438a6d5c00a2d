package build

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

func hostArch() string { return runtime.GOARCH }

// hostPlatform is the platform of the images the tests run.
func hostPlatform() v1.Platform { return v1.Platform{OS: "linux", Architecture: hostArch()} }

// thinBuild is a build of the binary bin (none when empty) on base for the
// host's platform, written as a thin layout.
func thinBuild(t *testing.T, base, bin string) *Request {
	t.Helper()
	r := &Request{Base: base, Platform: hostPlatform(), Outputs: Outputs{ThinLayout: filepath.Join(t.TempDir(), "thin")}}
	if bin != "" {
		r.Binary = &Binary{File: bin}
	}
	return r
}

// hostBuild is a build of the host's hello binary on scratch, written as
// an OCI layout directory, which it returns with the request.
func hostBuild(t *testing.T) (*Request, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "layout")
	return &Request{Base: "scratch", Platform: hostPlatform(), Binary: &Binary{File: testenv.HostBinary(t)}, Outputs: Outputs{Layout: out}}, out
}

// run builds r and returns the image digest and the warnings it printed.
func run(r *Request) (string, string, error) {
	var warnings bytes.Buffer
	img, err := Image(context.Background(), r, &warnings)
	if err != nil {
		return "", warnings.String(), err
	}
	d, err := img.Digest()
	return d.String(), warnings.String(), err
}

// buildOK builds r, which must succeed, and returns the image digest.
func buildOK(t *testing.T, r *Request) string {
	t.Helper()
	digest, _, err := run(r)
	if err != nil {
		t.Fatalf("building %+v: %v", r, err)
	}
	return digest
}

// buildWarnings builds r, which must succeed, and returns its warnings.
func buildWarnings(t *testing.T, r *Request) string {
	t.Helper()
	_, warnings, err := run(r)
	if err != nil {
		t.Fatalf("building %+v: %v", r, err)
	}
	return warnings
}

func buildErr(r *Request) error {
	_, _, err := run(r)
	return err
}

func wantError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error does not mention %q:\n%v", p, err)
		}
	}
}

func wantQuiet(t *testing.T, what, warnings string) {
	t.Helper()
	if warnings != "" {
		t.Errorf("%s: want no warning, got:\n%s", what, warnings)
	}
}

// wantNoFiles fails if dir holds anything: failed builds leave nothing.
func wantNoFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("a failed build left %s behind", filepath.Join(dir, e.Name()))
	}
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(readFile(t, path), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
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

func layoutIndex(t *testing.T, dir string) *v1.IndexManifest {
	t.Helper()
	var idx v1.IndexManifest
	readJSONFile(t, filepath.Join(dir, "index.json"), &idx)
	return &idx
}

func layoutManifest(t *testing.T, dir string) *v1.Manifest {
	t.Helper()
	var m v1.Manifest
	readJSONFile(t, filepath.Join(dir, "blobs", "sha256", layoutIndex(t, dir).Manifests[0].Digest.Hex), &m)
	return &m
}

func layoutImageByDigest(t *testing.T, dir string, h v1.Hash) (v1.Image, error) {
	t.Helper()
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, err
	}
	return p.Image(h)
}

// untarred extracts an image tarball, an OCI layout too, and returns its
// folder.
func untarred(t *testing.T, tarball string) string {
	t.Helper()
	dir := t.TempDir()
	testenv.Untar(t, tarball, dir)
	return dir
}
