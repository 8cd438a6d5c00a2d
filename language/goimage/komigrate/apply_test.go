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
	changes, err := Edits(root, plan)
	if err != nil {
		t.Fatal(err)
	}
	edits := changes.Files
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
	for _, e := range again.Files {
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

// TestEditsBuilds checks the go_binary edits: in the BUILD file the
// directives also change, in a file of their own, through a main that
// names a source file, for a package Gazelle has not seen yet, and for a
// build with nothing to set.
func TestEditsBuilds(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"cmd/a/BUILD.bazel": gazelleBinary,
		"cmd/b/BUILD":       gazelleBinary,
		"cmd/b/main.go":     "package main\n",
		"cmd/c/BUILD.bazel": strings.Replace(gazelleBinary, "go_binary(", "go_binary(\n    gotags = [\"netgo\"],", 1),
		"cmd/new/main.go":   "package main\n",
	}
	for p, content := range files {
		writeFile(t, filepath.Join(root, p), content)
	}
	tags := Build{Gotags: []string{"netgo"}}
	plan := &Plan{
		Packages: []PackageDirectives{{"cmd/a", []Directive{{"goimage_base", "@debug//:image"}}}},
		Builds: []Build{
			{ID: "a", Dir: "cmd/a", Gotags: tags.Gotags},
			{ID: "b", Dir: "cmd/b/main.go", Gotags: tags.Gotags},
			{ID: "c", Dir: "cmd/c", Gotags: tags.Gotags},
			{ID: "new", Dir: "cmd/new", Gotags: tags.Gotags},
			{ID: "plain", Dir: "cmd/new"},
		},
	}
	changes, err := Edits(root, plan)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range changes.Files {
		paths = append(paths, strings.TrimPrefix(e.Path, root+"/"))
	}
	// cmd/c's go_binary has the tags already: its file is not rewritten.
	if diff := cmp.Diff([]string{"cmd/a/BUILD.bazel", "cmd/b/BUILD"}, paths); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if a := string(changes.Files[0].Content); !strings.HasPrefix(a, "# gazelle:goimage_base @debug//:image\n") || !strings.Contains(a, `gotags = ["netgo"]`) {
		t.Errorf("cmd/a/BUILD.bazel lacks the directive or the tags:\n%s", a)
	}
	var got []string
	for _, e := range changes.Builds {
		got = append(got, strings.TrimPrefix(e.Path, root+"/")+" "+e.Rule+" "+e.Problem)
	}
	want := []string{
		"cmd/a/BUILD.bazel app ",
		"cmd/b/BUILD app ",
		"cmd/c/BUILD.bazel app ",
		"cmd/new/BUILD.bazel  the package has no BUILD file; run Gazelle first (bazel run //:gazelle), then ko2goimage again",
		"  ", // nothing to set: no go_binary needed
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("build edits (-want +got):\n%s", diff)
	}

	if err := Write(changes.Files); err != nil {
		t.Fatal(err)
	}
	again, err := Edits(root, plan)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range again.Files {
		if got, _ := os.ReadFile(e.Path); string(got) != string(e.Content) {
			t.Errorf("%s changes on a second migration:\n%s", e.Path, e.Content)
		}
	}

	plan.Builds = append(plan.Builds, Build{ID: "gone", Dir: "cmd/gone"})
	if _, err := Edits(root, plan); err == nil || !strings.Contains(err.Error(), "ko build gone: main package folder "+filepath.Join(root, "cmd/gone")+": not found") {
		t.Errorf("error %v, want one naming the missing folder", err)
	}
}
