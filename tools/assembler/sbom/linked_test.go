package sbom

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestModulesOfPackages(t *testing.T) {
	dir := t.TempDir()
	goMod := writeFile(t, filepath.Join(dir, "go.mod"), `module example.com/app

go 1.24

require (
	github.com/a/b v1.2.3
	github.com/bazelbuild/rules_go v0.59.0
	github.com/c/d v0.1.0 // indirect
	github.com/e/f v1.0.0
	github.com/unused/g v1.0.0
)

replace github.com/c/d => github.com/fork/d v0.1.1

replace github.com/e/f => github.com/e/f v1.1.0
`)
	// Package URLs as Gazelle writes them into go_deps' repositories.
	ab := "pkg:golang/github.com/a/b@v1.4.0?checksum=h1%3AAbC%2B%2F%3D"
	cd := "pkg:golang/github.com/c/d@v0.1.1"
	ef := "pkg:golang/github.com/e/f@v1.1.0"
	npm := "pkg:npm/left-pad@1.3.0"
	listing := writeFile(t, filepath.Join(dir, "packages.txt"), strings.Join([]string{
		"github.com/a/b",
		"github.com/a/b/sub/pkg\t" + ab,
		"github.com/a/b\t" + ab,
		"github.com/c/d/x\t" + cd,
		"github.com/e/f\t" + ef,
		"github.com/bazelbuild/rules_go/go/runfiles",
		"example.com/app/internal/store",
		"example.com/handwritten\t" + npm,
		"",
	}, "\n"))

	got, err := ModulesOfPackages(listing, goMod)
	if err != nil {
		t.Fatal(err)
	}
	want := &Modules{
		Main: debug.Module{Path: "example.com/app", Version: "(devel)"},
		Deps: []*debug.Module{
			// go_deps fetched v1.4.0, which minimal version selection over
			// another go.mod picked; go.mod requires v1.2.3.
			{Path: "github.com/a/b", Version: "v1.4.0", Sum: "h1:AbC+/="},
			{Path: "github.com/bazelbuild/rules_go", Version: "v0.59.0"},
			{Path: "github.com/c/d", Version: "v0.1.0", Replace: &debug.Module{Path: "github.com/fork/d", Version: "v0.1.1"}},
			{Path: "github.com/e/f", Version: "v1.0.0", Replace: &debug.Module{Path: "github.com/e/f", Version: "v1.1.0"}},
			{Path: "example.com/handwritten"},
		},
	}
	sortDeps := cmp.Transformer("sorted", func(in []*debug.Module) map[string]*debug.Module {
		out := map[string]*debug.Module{}
		for _, m := range in {
			out[m.Path] = m
		}
		return out
	})
	if diff := cmp.Diff(want, got, sortDeps); diff != "" {
		t.Errorf("modules (-want +got): the fetched versions, go.mod's replacements, go.mod for packages without metadata\n%s", diff)
	}
	for i := 1; i < len(got.Deps); i++ {
		if got.Deps[i-1].Path >= got.Deps[i].Path {
			t.Errorf("modules not sorted by path, each once: %s before %s", got.Deps[i-1].Path, got.Deps[i].Path)
		}
	}
}

// Without a go.mod, the metadata alone names the modules; the main module is
// left for the binary's build info (or the document's name).
func TestModulesOfPackagesWithoutGoMod(t *testing.T) {
	dir := t.TempDir()
	listing := writeFile(t, filepath.Join(dir, "packages.txt"), "github.com/a/b/c\tpkg:golang/github.com/a/b@v1.4.0\ngithub.com/bazelbuild/rules_go/go/runfiles\n")
	got, err := ModulesOfPackages(listing, "")
	if err != nil {
		t.Fatal(err)
	}
	want := &Modules{Deps: []*debug.Module{
		{Path: "github.com/a/b", Version: "v1.4.0"},
		{Path: "github.com/bazelbuild/rules_go/go/runfiles"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("modules (-want +got):\n%s", diff)
	}
}

func TestModulesOfPackagesErrors(t *testing.T) {
	dir := t.TempDir()
	listing := writeFile(t, filepath.Join(dir, "packages.txt"), "github.com/a/b\n")
	noModule := writeFile(t, filepath.Join(dir, "go.mod"), "go 1.24\n")
	for _, tc := range []struct{ name, listing, goMod, want string }{
		{"go.mod without a module line", listing, noModule, "has no module line"},
		{"missing go.mod", listing, filepath.Join(dir, "missing.mod"), "missing.mod"},
		{"missing listing", filepath.Join(dir, "missing.txt"), "", "missing.txt"},
		{"bad package URL", writeFile(t, filepath.Join(dir, "l1"), "github.com/a/b\tpkg:golang/a%zz@v1"), "", "package github.com/a/b: package URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ModulesOfPackages(tc.listing, tc.goMod)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %q", err, tc.want)
			}
		})
	}
}

func TestParseGoPurl(t *testing.T) {
	for _, tc := range []struct {
		purl string
		want *debug.Module
	}{
		{"pkg:golang/rsc.io/quote@v1.5.2", &debug.Module{Path: "rsc.io/quote", Version: "v1.5.2"}},
		{"pkg:golang/rsc.io/quote", &debug.Module{Path: "rsc.io/quote"}},
		{"pkg:golang/golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c?checksum=h1%3AqgOY6WgZOaTkIIMiVjBQcw93ERBE4m30iBm00nkL0i8%3D#sub",
			&debug.Module{Path: "golang.org/x/text", Version: "v0.0.0-20170915032832-14c0d48ead0c", Sum: "h1:qgOY6WgZOaTkIIMiVjBQcw93ERBE4m30iBm00nkL0i8="}},
		{"pkg:npm/left-pad@1.3.0", nil},
	} {
		got, err := ParseGoPurl(tc.purl)
		if err != nil {
			t.Errorf("ParseGoPurl(%q): %v", tc.purl, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseGoPurl(%q) (-want +got):\n%s", tc.purl, diff)
		}
	}
	for _, bad := range []string{"pkg:golang/", "pkg:golang/a%zz@v1", "pkg:golang/a@v1?checksum=%zz"} {
		if _, err := ParseGoPurl(bad); err == nil {
			t.Errorf("ParseGoPurl(%q) accepted it", bad)
		}
	}
}
