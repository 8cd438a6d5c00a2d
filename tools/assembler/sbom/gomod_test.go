package sbom

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestModulesFromGoMod(t *testing.T) {
	goMod := filepath.Join(t.TempDir(), "go.mod")
	content := `module example.com/app

go 1.24

require (
	github.com/a/b v1.2.3
	github.com/a/b/v2 v2.0.1
	github.com/c/d v0.1.0 // indirect
	github.com/unused/e v1.0.0
)

replace github.com/c/d => github.com/fork/d v0.1.1
`
	if err := os.WriteFile(goMod, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	main, deps, err := ModulesFromGoMod(goMod, []string{
		"example.com/app/cmd/server",
		"example.com/app/internal/store",
		"github.com/a/b",
		"github.com/a/b/sub/pkg",
		"github.com/a/b/v2/pkg",
		"github.com/c/d/x",
		"github.com/bazelbuild/rules_go/go/runfiles",
	})
	if err != nil {
		t.Fatal(err)
	}
	if main.Path != "example.com/app" {
		t.Errorf("main module %q, want example.com/app", main.Path)
	}
	want := []*debug.Module{
		{Path: "github.com/a/b", Version: "v1.2.3"},
		{Path: "github.com/a/b/v2", Version: "v2.0.1"},
		{Path: "github.com/bazelbuild/rules_go/go/runfiles"},
		{Path: "github.com/c/d", Version: "v0.1.0", Replace: &debug.Module{Path: "github.com/fork/d", Version: "v0.1.1"}},
	}
	if diff := cmp.Diff(want, deps); diff != "" {
		t.Errorf("modules (-want +got): only the ones that provide a package, each once, with its replacement\n%s", diff)
	}
}

func TestModulesFromGoModErrors(t *testing.T) {
	dir := t.TempDir()
	noModule := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(noModule, []byte("go 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ModulesFromGoMod(noModule, nil); err == nil {
		t.Error("a go.mod without a module line was accepted")
	}
	if _, _, err := ModulesFromGoMod(filepath.Join(dir, "missing.mod"), nil); err == nil {
		t.Error("a missing go.mod was accepted")
	}
}
