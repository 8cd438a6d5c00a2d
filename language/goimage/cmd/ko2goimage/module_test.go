package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	bzl "github.com/bazelbuild/buildtools/build"
)

// TestModuleMerge migrates into a MODULE.bazel that uses the goimage
// extension already, under another name, with one of the bases pinned:
// the pulls go through that extension, the pinned one stays, and a
// second run says that everything is set.
func TestModuleMerge(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	t.Setenv("BUILD_WORKING_DIRECTORY", "")
	pinned := "sha256:" + strings.Repeat("d", 64)
	files := map[string]string{}
	for k, v := range koRepository {
		files[k] = v
	}
	files["MODULE.bazel"] = `module(name = "mono")

bazel_dep(name = "rules_goimage", version = "0.0.0")

images = use_extension("@rules_goimage//rules:extensions.bzl", "goimage")
images.pull(
    name = "distroless_static_nonroot",
    image = "gcr.io/distroless/static",
    digest = "` + pinned + `",
)
images.local(
    name = "distroless_base_debug",
    layout = "//third_party:debug",
)
use_repo(images, "distroless_static_nonroot", "distroless_base_debug")

bazel_dep(name = "rules_go", version = "0.59.0")
`
	files["go/.ko.yaml"] = "defaultBaseImage: gcr.io/distroless/static:nonroot\nbaseImageOverrides:\n  example.com/mono/cmd/debug: gcr.io/distroless/base:debug\n  example.com/mono/cmd/api: alpine:3.20\n"
	root := writeRepository(t, files)
	module := filepath.Join(root, "MODULE.bazel")
	var out bytes.Buffer
	if err := run([]string{"-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(),
		"set in "+module+":",
		`    already set goimage.pull(name = "distroless_static_nonroot")`,
		`    kept goimage.pull(name = "distroless_base_debug") of goimage.local, as MODULE.bazel has it; ko used gcr.io/distroless/base`,
		`    set goimage.pull(name = "alpine_3_20") of index.docker.io/library/alpine`,
	)
	content := readFile(t, module)
	f, err := bzl.ParseModule(module, []byte(content))
	if err != nil {
		t.Fatalf("MODULE.bazel does not parse: %v\n%s", err, content)
	}
	assigned := map[string]int{}
	for _, stmt := range f.Stmt {
		if a, ok := stmt.(*bzl.AssignExpr); ok {
			assigned[a.LHS.(*bzl.Ident).Name]++
		}
	}
	if assigned["images"] != 1 || assigned["goimage"] != 0 {
		t.Errorf("MODULE.bazel assigns %v, want images once and goimage never:\n%s", assigned, content)
	}
	for _, want := range []string{
		"images.pull(\n    name = \"alpine_3_20\",\n",
		`use_repo(images, "distroless_static_nonroot", "distroless_base_debug", "alpine_3_20")`,
		`    digest = "` + pinned + `",`,
	} {
		if !strings.Contains(content, want) {
			t.Errorf("MODULE.bazel lacks\n%s\n%s", want, content)
		}
	}

	out.Reset()
	if err := run([]string{"-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(),
		"already set in "+module+":",
		"already set in "+filepath.Join(root, "go/BUILD.bazel")+":",
		"already set in "+filepath.Join(root, "go/cmd/debug/BUILD.bazel")+":",
		`    already set goimage.pull(name = "alpine_3_20")`,
	)
	if got := readFile(t, module); got != content {
		t.Errorf("a second run changed MODULE.bazel:\n%s", got)
	}
}

// TestModuleMergeDevDependency checks that a goimage extension used as a
// dev_dependency is used too, not declared again.
func TestModuleMergeDevDependency(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	files := map[string]string{}
	for k, v := range koRepository {
		files[k] = v
	}
	files["MODULE.bazel"] = "module(name = \"mono\")\n\ngoimage = use_extension(\"@rules_goimage//rules:extensions.bzl\", \"goimage\", dev_dependency = True)\n"
	root := writeRepository(t, files)
	if err := run([]string{"-ko_config", filepath.Join(root, "go/.ko.yaml")}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	content := readFile(t, filepath.Join(root, "MODULE.bazel"))
	if n := strings.Count(content, "goimage = use_extension("); n != 1 {
		t.Errorf("MODULE.bazel declares goimage %d times:\n%s", n, content)
	}
	if !strings.Contains(content, `use_repo(goimage, "distroless_static_nonroot", "distroless_base_debug")`) {
		t.Errorf("MODULE.bazel lacks the use_repo:\n%s", content)
	}
}
