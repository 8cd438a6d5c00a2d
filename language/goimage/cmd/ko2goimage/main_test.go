package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bazel-contrib/bazel-gazelle/v2/cmd/gazelle/update"
	"github.com/bazelbuild/bazel-gazelle/language"
	golang "github.com/bazelbuild/bazel-gazelle/language/go"

	"github.com/rules-goimage/rules_goimage/language/goimage"
)

// koRepository is a ko project in a Bazel repository: a Go module in the
// folder go/ with two commands, one with its own base.
var koRepository = map[string]string{
	"MODULE.bazel":           "module(name = \"mono\")\n\nbazel_dep(name = \"rules_go\", version = \"0.59.0\")\nbazel_dep(name = \"rules_goimage\", version = \"0.0.0\")\n",
	"BUILD.bazel":            "",
	"go/go.mod":              "module example.com/mono\n\ngo 1.24\n",
	"go/BUILD.bazel":         "# gazelle:prefix example.com/mono\n",
	"go/cmd/api/main.go":     "package main\n\nfunc main() {}\n",
	"go/cmd/debug/main.go":   "package main\n\nfunc main() {}\n",
	"go/.ko.yaml":            "defaultBaseImage: gcr.io/distroless/static:nonroot\nbaseImageOverrides:\n  example.com/mono/cmd/debug: gcr.io/distroless/base:debug\ndefaultPlatforms:\n- linux/amd64\n- linux/arm64\nbuilds:\n- id: api\n  main: ./cmd/api\n",
	"go/internal/lib/lib.go": "package lib\n",
}

// TestMigrationThenGazelle migrates the ko configuration, runs a real
// Gazelle with the Go and goimage languages, and checks that each image
// gets the base ko used for its binary.
func TestMigrationThenGazelle(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	t.Setenv("BUILD_WORKING_DIRECTORY", "")
	root := writeRepository(t, koRepository)
	var out bytes.Buffer
	if err := run([]string{"-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"set in " + filepath.Join(root, "go/BUILD.bazel"),
		"created " + filepath.Join(root, "go/cmd/debug/BUILD.bazel"),
		"set in " + filepath.Join(root, "MODULE.bazel"),
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output does not contain %q:\n%s", want, out.String())
		}
	}
	t.Logf("MODULE.bazel:\n%s", readFile(t, filepath.Join(root, "MODULE.bazel")))

	langs := []language.Language{golang.NewLanguage(), goimage.NewLanguage()}
	if err := update.Run(context.Background(), langs, root, nil); err != nil {
		t.Fatal(err)
	}
	for pkg, want := range map[string]string{
		"go/cmd/api":   `base = "@distroless_static_nonroot//:image"`,
		"go/cmd/debug": `base = "@distroless_base_debug//:image"`,
	} {
		build := readFile(t, filepath.Join(root, pkg, "BUILD.bazel"))
		for _, w := range []string{want, `platforms = [`, `"linux/arm64"`} {
			if !strings.Contains(build, w) {
				t.Errorf("%s/BUILD.bazel does not contain %s:\n%s", pkg, w, build)
			}
		}
	}
}

func TestPrintModeWritesNothing(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	root := writeRepository(t, koRepository)
	var out bytes.Buffer
	if err := run([]string{"-mode", "print", "-ko_config", filepath.Join(root, "go/.ko.yaml"), "-repo_root", root}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "to create "+filepath.Join(root, "go/cmd/debug/BUILD.bazel")) {
		t.Errorf("output does not say what it would do:\n%s", out.String())
	}
	if got := readFile(t, filepath.Join(root, "go/BUILD.bazel")); got != koRepository["go/BUILD.bazel"] {
		t.Errorf("print mode changed go/BUILD.bazel:\n%s", got)
	}
	if got := readFile(t, filepath.Join(root, "MODULE.bazel")); got != koRepository["MODULE.bazel"] {
		t.Errorf("print mode changed MODULE.bazel:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(root, "go/cmd/debug/BUILD.bazel")); !os.IsNotExist(err) {
		t.Errorf("print mode created go/cmd/debug/BUILD.bazel")
	}
}

func TestErrors(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	files := map[string]string{}
	for k, v := range koRepository {
		files[k] = v
	}
	files["go/.ko.yaml"] = "baseImageOverrides:\n  example.com/other/cmd: alpine\n"
	root := writeRepository(t, files)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-ko_config", filepath.Join(root, "missing.yaml")}, "reading the ko configuration: stat " + filepath.Join(root, "missing.yaml")},
		{[]string{"-ko_config", filepath.Join(root, "go/.ko.yaml")}, `"example.com/other/cmd" is not a package of the module example.com/mono`},
		{[]string{"-mode", "diff"}, `-mode "diff": use fix or print`},
	} {
		err := run(tc.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%q): error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}

func writeRepository(t *testing.T, files map[string]string) string {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for p, content := range files {
		path := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
