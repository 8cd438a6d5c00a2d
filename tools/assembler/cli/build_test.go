package cli

import (
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/build"
	"github.com/rules-goimage/rules_goimage/tools/assembler/check"
	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// Each flag of build lands in its field of the request package build
// takes; $SOURCE_DATE_EPOCH is the default epoch.
func TestBuildFlagsMakeTheRequest(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	f, err := parseBuildFlags([]string{
		"--base", "base.tar", "--base-name", "example.com/base", "--platform", "linux/arm64",
		"--binary", "bin/server", "--binary-path", "/usr/bin/server", "--binary-mode", "0500", "--capability", "net_bind_service",
		"--layer", "a.json", "--layer", "b.json", "--entrypoint", "/usr/bin/server", "--entrypoint", "-v", "--cmd=",
		"--env", "A=b", "--workdir", "/srv", "--user", "65532:65532", "--label", "team=core", "--annotation", "k=v",
		"--expose", "8080", "--volume", "/data", "--stop-signal", "TERM", "--healthcheck-cmd", "/usr/bin/server",
		"--healthcheck-interval", "5s", "--check", "tzdata=off", "--tag", "example.com/app:v1", "--created", "1714564800",
		"--compression", "zstd", "--compression-level", "3", "--follow-symlinks",
		"--output", "image.tar", "--layout", "layout", "--thin-layout", "thin", "--digest-file", "digest",
		"--sbom", "sbom.json", "--sbom-binary", "bin/other", "--sbom-packages", "packages.txt", "--sbom-go-mod", "go.mod",
		"--provenance", "provenance.json", "--provenance-label", "//app:image", "--provenance-status", "stable-status.txt",
	}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.request()
	if err != nil {
		t.Fatal(err)
	}
	want := &build.Request{
		Base: "base.tar", Platform: v1.Platform{OS: "linux", Architecture: "arm64"},
		Binary: &build.Binary{File: "bin/server", Path: "/usr/bin/server", Mode: 0o500, Capabilities: []string{"net_bind_service"}},
		Layers: []string{"a.json", "b.json"},
		Config: image.Config{
			Entrypoint: []string{"/usr/bin/server", "-v"}, Cmd: []string{}, Env: []string{"A=b"}, WorkingDir: "/srv", User: "65532:65532",
			Labels: map[string]string{"team": "core"}, ExposedPorts: []string{"8080"}, Volumes: []string{"/data"}, StopSignal: "TERM",
			Healthcheck: &image.Healthcheck{Test: []string{"CMD", "/usr/bin/server"}, Interval: 5 * time.Second},
			Created:     time.Unix(1714564800, 0).UTC(), Annotations: map[string]string{"k": "v"}, BaseName: "example.com/base",
		},
		Checks: check.Levels{"tzdata": check.Off}, Compression: "zstd", CompressionLevel: 3, Epoch: time.Unix(1700000000, 0).UTC(),
		FollowSymlinks: true, Tags: []string{"example.com/app:v1"},
		Documents: build.Documents{SBOM: "sbom.json", Provenance: "provenance.json", Binary: "bin/other", Packages: "packages.txt",
			GoMod: "go.mod", Label: "//app:image", Status: []string{"stable-status.txt"}},
		Outputs: build.Outputs{Tarball: "image.tar", Layout: "layout", ThinLayout: "thin", DigestFile: "digest"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}

// Without --entrypoint the request leaves it to the build (the binary's
// path); a bad --binary-mode or --platform is an error.
func TestBuildFlagDefaultsAndErrors(t *testing.T) {
	f, err := parseBuildFlags([]string{"--binary", "bin/server", "--output", "image.tar"}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.request()
	if err != nil {
		t.Fatal(err)
	}
	if r.Config.Entrypoint != nil || r.Config.Cmd != nil || r.Binary.Mode != 0o755 || r.Base != "scratch" || r.Platform.Architecture != "amd64" {
		t.Errorf("the defaults make %+v", r)
	}
	for args, want := range map[string]string{"--binary-mode=0999": `--binary-mode "0999" is not an octal file mode`, "--platform=linux": "--platform: "} {
		_, err := runErr("build", "--binary", "bin/server", "--output", filepath.Join(t.TempDir(), "x.tar"), args)
		wantError(t, err, want)
	}
}

// One build from argv to the image, end to end: the digest printed is the
// one of the image written.
func TestBuildEndToEnd(t *testing.T) {
	layout := filepath.Join(t.TempDir(), "layout")
	digest := runOK(t, "build", "--binary", testenv.HostBinary(t), "--platform", "linux/"+hostArch(), "--layout", layout)
	if got := layoutIndex(t, layout).Manifests[0].Digest.String(); got != digest {
		t.Errorf("build printed %s, the layout holds %s", digest, got)
	}
}
