package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// httpProgram verifies TLS certificates, which the checks look for.
const httpProgram = "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc main() { fmt.Println(http.Get(\"https://example.com\")) }\n"

// A binary's layer, made apart as the Bazel rules make it, carries its
// facts in its descriptor, for the checks of the images that take it.
func TestLayerDescriptorRecordsBinaryFacts(t *testing.T) {
	dir := t.TempDir()
	desc := filepath.Join(dir, "bin.json")
	runOK(t, "layer", "--binary", testenv.GoBinary(t, httpProgram, "linux", hostArch())+"=/app/client", "--platform", "linux/"+hostArch(),
		"--output", filepath.Join(dir, "bin.tar.gz"), "--descriptor", desc, "--quiet")
	var raw struct {
		Binaries map[string]json.RawMessage `json:"binaries"`
	}
	readJSONFile(t, desc, &raw)
	var facts bytes.Buffer
	json.Compact(&facts, raw.Binaries["/app/client"])
	if got := facts.String(); got != `{"go":{"x509":true}}` {
		t.Errorf("the descriptor's facts of /app/client are %s, want {\"go\":{\"x509\":true}}", got)
	}
	if _, d, err := layer.ReadDescriptor(desc); err != nil || d.Binaries["/app/client"].Go == nil {
		t.Fatalf("reading the descriptor back: %v", err)
	}
}

// An unknown check or level is a usage error that lists what there is.
func TestCheckFlagUsage(t *testing.T) {
	for spec, want := range map[string]string{
		"nope=off":    "the checks are architecture, base-architecture, dynamic, entrypoint, user, ca-certificates, tzdata",
		"tzdata=loud": "the levels are off, warn and error",
	} {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), []string{"build", "--binary", "x", "--output", "x.tar", "--check", spec}, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), want) {
			t.Errorf("--check %s: exit %d, stderr lacks %q:\n%s", spec, code, want, stderr.String())
		}
	}
}
