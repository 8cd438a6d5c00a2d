package komigrate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEditsAndWrite(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"BUILD.bazel":        "# gazelle:prefix example.com/mono\n# gazelle:goimage_base //old:base\n",
		"cmd/a/BUILD":        "load(\"@rules_go//go:def.bzl\", \"go_binary\")\n\ngo_binary(\n    name = \"a\",\n)\n",
		"cmd/b/main.go":      "package main\n",
		"cmd/c/BUILD.bazel":  "",
		"cmd/c/unrelated.go": "package main\n",
	}
	for p, content := range files {
		writeFile(t, filepath.Join(root, p), content)
	}
	plan := &Plan{Packages: []PackageDirectives{
		{"", []Directive{{"goimage_base", "@static//:image"}, {"goimage_platforms", "linux/amd64"}}},
		{"cmd/a", []Directive{{"goimage_base", "@debug//:image"}}},
		{"cmd/b", []Directive{{"goimage_base", "@debug//:image"}}},
		{"cmd/c", []Directive{{"goimage_base", "@debug//:image"}}},
	}}
	edits, err := Edits(root, plan)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(edits); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"BUILD.bazel":       "# gazelle:goimage_platforms linux/amd64\n# gazelle:prefix example.com/mono\n# gazelle:goimage_base @static//:image\n",
		"cmd/a/BUILD":       "# gazelle:goimage_base @debug//:image\n\nload(\"@rules_go//go:def.bzl\", \"go_binary\")\n\ngo_binary(\n    name = \"a\",\n)\n",
		"cmd/b/BUILD.bazel": "# gazelle:goimage_base @debug//:image\n",
		"cmd/c/BUILD.bazel": "# gazelle:goimage_base @debug//:image\n",
	}
	for p, content := range want {
		got, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(content, string(got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", p, diff)
		}
	}
	if !edits[2].Created || edits[1].Created {
		t.Errorf("Created: cmd/a %v, cmd/b %v; want false, true", edits[1].Created, edits[2].Created)
	}

	// A second migration with the same plan changes nothing.
	again, err := Edits(root, plan)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range again {
		got, _ := os.ReadFile(e.Path)
		if string(got) != string(e.Content) {
			t.Errorf("%s changes on a second migration:\n%s", e.Path, e.Content)
		}
	}
}

// TestEditsMissingPackage checks that a package folder that does not exist
// fails the migration before any file is written.
func TestEditsMissingPackage(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "BUILD.bazel"), "")
	plan := &Plan{Packages: []PackageDirectives{
		{"", []Directive{{"goimage_base", "@static//:image"}}},
		{"cmd/gone", []Directive{{"goimage_base", "@debug//:image"}}},
	}}
	_, err := Edits(root, plan)
	if err == nil || !strings.Contains(err.Error(), "cmd/gone: not found") {
		t.Errorf("error %v, want one naming the missing folder", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
