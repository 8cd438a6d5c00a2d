package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"build"}, {"build", "--binary", "x"}, {"layer"}, {"index"}, {"inspect"}} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("Run(%q) = %d, want 2", args, code)
		}
	}
}

// Every verb documents its flags in --help, which exits 0.
func TestHelp(t *testing.T) {
	for verb, flags := range map[string][]string{
		"build":   {"-base", "-binary", "-layer", "-platform", "-output", "-layout", "-sbom", "-source-date-epoch", "-created", "-capability", "REGISTRY/REPO[:TAG]@sha256"},
		"layer":   {"-file", "-dir", "-symlink", "-tree", "-owner", "-output", "-descriptor", "-compression", "-capability"},
		"index":   {"-image", "-output", "-layout", "-tag", "-docker-platform", "manifest.json"},
		"inspect": {"IMAGE"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), []string{verb, "--help"}, &stdout, &stderr); code != 0 {
			t.Errorf("%s --help exited %d", verb, code)
		}
		for _, f := range flags {
			if !strings.Contains(stdout.String(), f) {
				t.Errorf("%s --help does not mention %s:\n%s", verb, f, stdout.String())
			}
		}
	}
}

func TestInspect(t *testing.T) {
	dir := t.TempDir()
	tarball := filepath.Join(dir, "image.tar")
	digest := runOK(t, "build", "--binary", testenv.HostBinary(t), "--platform", "linux/"+hostArch(), "--tag", "example.com/app:v1",
		"--env", "A=b", "--expose", "8080", "--output", tarball, "--sbom", filepath.Join(dir, "sbom.json"))
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"inspect", tarball}, &stdout, &stderr); code != 0 {
		t.Fatalf("inspect exited %d: %s", code, stderr.String())
	}
	for _, want := range []string{"example.com/app:v1", "image       " + digest + " linux/" + hostArch(),
		`entrypoint  ["/app/hello"]`, `env         ["A=b"]`, "8080/tcp", "go binary /app/hello", "MiB", "application/spdx+json, refers to " + digest} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("inspect output lacks %q:\n%s", want, stdout.String())
		}
	}
}
