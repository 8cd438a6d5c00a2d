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
	bzl "github.com/bazelbuild/buildtools/build"

	"github.com/rules-goimage/rules_goimage/language/goimage"
)

// project is a repository laid out like a public project's, around its
// real .ko.yaml from testdata (see testdata/README.md).
type project struct {
	config   string   // the file in testdata
	text     string   // the configuration, when it is not from testdata
	koPath   string   // where the project keeps it
	module   string   // the Go module path
	requires []string // go.mod's requirements, "path version"
	mains    []string // folders of main packages
}

func (p project) files(t *testing.T) map[string]string {
	t.Helper()
	config := []byte(p.text)
	if p.config != "" {
		var err error
		if config, err = os.ReadFile(filepath.Join("testdata", p.config)); err != nil {
			t.Fatal(err)
		}
	}
	goMod := "module " + p.module + "\n\ngo 1.24\n"
	for _, r := range p.requires {
		goMod += "\nrequire " + r + "\n"
	}
	files := map[string]string{
		"MODULE.bazel": "module(name = \"project\")\n\nbazel_dep(name = \"rules_go\", version = \"0.59.0\")\n" +
			"bazel_dep(name = \"gazelle\", version = \"0.54.0\")\nbazel_dep(name = \"rules_goimage\", version = \"0.0.0\")\n\n" +
			"go_deps = use_extension(\"@gazelle//:extensions.bzl\", \"go_deps\")\ngo_deps.from_file(go_mod = \"//:go.mod\")\n",
		"BUILD.bazel": "# gazelle:prefix " + p.module + "\n",
		"go.mod":      goMod,
		p.koPath:      string(config),
	}
	for _, m := range p.mains {
		files[m+"/main.go"] = "package main\n\nfunc main() {}\n"
	}
	return files
}

// migrateProject runs Gazelle, the migration, Gazelle again, and the
// migration once more, which must change no file. It returns the
// repository and what the first migration printed.
func migrateProject(t *testing.T, p project, args ...string) (string, string) {
	t.Helper()
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	t.Setenv("BUILD_WORKING_DIRECTORY", "")
	root := writeRepository(t, p.files(t))
	gazelle(t, root)
	var out bytes.Buffer
	if err := run(append(args, "-ko_config", filepath.Join(root, p.koPath)), &out); err != nil {
		t.Fatalf("%s: %v", p.config, err)
	}
	gazelle(t, root)
	before := snapshot(t, root)
	var again bytes.Buffer
	if err := run(append(args, "-ko_config", filepath.Join(root, p.koPath)), &again); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, root); after != before {
		t.Errorf("a second migration changed files:\n%s", after)
	}
	if strings.Contains(again.String(), "\nset in") || strings.HasPrefix(again.String(), "set in") {
		t.Errorf("a second migration, which changes nothing, says it sets:\n%s", again.String())
	}
	return root, out.String()
}

func gazelle(t *testing.T, root string) {
	t.Helper()
	langs := []language.Language{golang.NewLanguage(), goimage.NewLanguage()}
	if err := update.Run(context.Background(), langs, root, nil); err != nil {
		t.Fatal(err)
	}
}

// snapshot is every file of the repository, with its path.
func snapshot(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		b.WriteString("==> " + p + "\n" + string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// imageAttrs returns the string attributes of the go_image name in a BUILD file.
func imageAttrs(t *testing.T, path, name string) map[string]string {
	t.Helper()
	f, err := bzl.ParseBuild(path, []byte(readFile(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Rules("go_image") {
		if r.Name() == name {
			attrs := map[string]string{}
			for _, a := range r.AttrKeys() {
				if s := r.AttrString(a); s != "" {
					attrs[a] = s
				} else if l := r.AttrStrings(a); l != nil {
					attrs[a] = strings.Join(l, " ")
				}
			}
			return attrs
		}
	}
	t.Fatalf("%s has no go_image %q:\n%s", path, name, readFile(t, path))
	return nil
}

func wantAttrs(t *testing.T, path, name string, want map[string]string) {
	t.Helper()
	got := imageAttrs(t, path, name)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: go_image %q has %s = %q, want %q", path, name, k, got[k], v)
		}
	}
}

func wantIn(t *testing.T, path string, lines ...string) {
	t.Helper()
	content := readFile(t, path)
	for _, l := range lines {
		if !strings.Contains(content, l) {
			t.Errorf("%s lacks\n%s\n%s", path, l, content)
		}
	}
}

// TestKnativeServingVegeta migrates knative/serving's .ko.yaml, whose
// override names the main package of github.com/tsenart/vegeta/v12, a
// module it requires, and whose base is ko's default.
func TestKnativeServingVegeta(t *testing.T) {
	p := project{
		config:   "knative-serving-09b4cd3.ko.yaml",
		koPath:   ".ko.yaml",
		module:   "knative.dev/serving",
		requires: []string{"github.com/tsenart/vegeta/v12 v12.11.1"},
		mains:    []string{"cmd/activator"},
	}
	root, out := migrateProject(t, p)
	wantLines(t, out,
		`baseImageOverrides["knative.dev/serving/vendor/github.com/tsenart/vegeta/v12"]: created go_image "vegeta_image" in `+filepath.Join(root, "BUILD.bazel")+":",
		"    the key names the vendored copy of github.com/tsenart/vegeta/v12, which go_deps provides from the module github.com/tsenart/vegeta/v12",
		`    set binary = "@com_github_tsenart_vegeta_v12//:v12"`,
		`    set goimage.pull(name = "chainguard_static") of cgr.dev/chainguard/static`,
		"        ko's default base: the ko configuration names none",
		`    set base = "@ubuntu//:image"`,
		`    use_repo(go_deps, "com_github_tsenart_vegeta_v12"): the repositories of the dependencies' go_binary rules`,
	)
	wantAttrs(t, filepath.Join(root, "BUILD.bazel"), "vegeta_image", map[string]string{
		"binary": "@com_github_tsenart_vegeta_v12//:v12",
		"base":   "@ubuntu//:image",
	})
	wantIn(t, filepath.Join(root, "BUILD.bazel"), "# gazelle:goimage_base @chainguard_static//:image", `load("@rules_goimage//rules:defs.bzl", "go_image")`)
	wantAttrs(t, filepath.Join(root, "cmd/activator/BUILD.bazel"), "image", map[string]string{"base": "@chainguard_static//:image"})
	wantIn(t, filepath.Join(root, "MODULE.bazel"),
		"    name = \"chainguard_static\",\n    # ko's default base: the ko configuration names none.\n",
		"    #   bazel run @rules_goimage//language/goimage/cmd/ko2goimage -- -digest cgr.dev/chainguard/static:latest\n    image = \"cgr.dev/chainguard/static:latest\",\n",
		`use_repo(goimage, "chainguard_static", "ubuntu")`,
		`use_repo(go_deps, "com_github_tsenart_vegeta_v12")`,
	)

	// The same package as modules name it, which knative/serving's later
	// .ko.yaml does.
	p.config, p.text = "", "baseImageOverrides:\n  github.com/tsenart/vegeta/v12: ubuntu:latest\n"
	root, _ = migrateProject(t, p)
	wantAttrs(t, filepath.Join(root, "BUILD.bazel"), "vegeta_image", map[string]string{"binary": "@com_github_tsenart_vegeta_v12//:v12"})

	// With ko's paths: ko names the binary after its import path.
	root, _ = migrateProject(t, p, "-ko_paths")
	wantAttrs(t, filepath.Join(root, "BUILD.bazel"), "vegeta_image", map[string]string{"binary_path": "/ko-app/v12", "data_path": "/var/run/ko"})
	wantAttrs(t, filepath.Join(root, "cmd/activator/BUILD.bazel"), "image", map[string]string{"binary_path": "/ko-app/activator"})
}

// TestDependencyBinaryIsGazelles runs Gazelle on a module laid out as
// github.com/tsenart/vegeta/v12 is, a main package at its root, as go_deps
// runs it in the module's repository, and checks that the go_binary is
// the one the migration names.
func TestDependencyBinaryIsGazelles(t *testing.T) {
	root := writeRepository(t, map[string]string{
		"MODULE.bazel":      "module(name = \"vegeta\")\n",
		"BUILD.bazel":       "# gazelle:prefix github.com/tsenart/vegeta/v12\n",
		"main.go":           "package main\n\nfunc main() {}\n",
		"internal/cmd/x.go": "package main\n\nfunc main() {}\n",
	})
	gazelle(t, root)
	for dir, want := range map[string]string{"": "v12", "internal/cmd": "cmd"} {
		f, err := bzl.ParseBuild("BUILD.bazel", []byte(readFile(t, filepath.Join(root, dir, "BUILD.bazel"))))
		if err != nil {
			t.Fatal(err)
		}
		bins := f.Rules("go_binary")
		if len(bins) != 1 || bins[0].Name() != want {
			t.Errorf("%s: Gazelle wrote go_binary rules %v, want one named %q", dir, bins, want)
		}
	}
}

// TestTektonPipeline migrates tektoncd/pipeline's .ko.yaml, which gives
// five of its commands their own bases.
func TestTektonPipeline(t *testing.T) {
	p := project{
		config: "tektoncd-pipeline-3da945d.ko.yaml",
		koPath: ".ko.yaml",
		module: "github.com/tektoncd/pipeline",
		mains:  []string{"cmd/creds-init", "cmd/git-init", "cmd/bash", "cmd/entrypoint", "cmd/gsutil", "cmd/controller"},
	}
	root, out := migrateProject(t, p)
	t.Log(out)
	for cmd, base := range map[string]string{
		"creds-init": "@build_build_base//:image",
		"git-init":   "@build_build_base//:image",
		"bash":       "@busybox//:image",
		"entrypoint": "@busybox//:image",
		"gsutil":     "@google_cloud_sdk_alpine//:image",
		"controller": "@chainguard_static//:image",
	} {
		wantAttrs(t, filepath.Join(root, "cmd", cmd, "BUILD.bazel"), "image", map[string]string{"base": base})
	}
	wantIn(t, filepath.Join(root, "MODULE.bazel"),
		`image = "gcr.io/knative-nightly/github.com/knative/build/build-base:latest",`,
		`image = "index.docker.io/library/busybox:latest",`,
		`use_repo(goimage, "chainguard_static", "busybox", "build_build_base", "google_cloud_sdk_alpine")`)
}

// TestTektonPipelineVendored migrates tektoncd/pipeline's earlier
// .ko.yaml, whose overrides name commands of github.com/knative/build
// vendored under the project's old module path.
func TestTektonPipelineVendored(t *testing.T) {
	p := project{
		config:   "tektoncd-pipeline-0064f0e.ko.yaml",
		koPath:   ".ko.yaml",
		module:   "github.com/tektoncd/pipeline",
		requires: []string{"github.com/knative/build v0.3.0"},
		mains:    []string{"cmd/controller"},
	}
	root, out := migrateProject(t, p)
	t.Log(out)
	for name, bin := range map[string]string{
		"creds_init_image": "@com_github_knative_build//cmd/creds-init:creds-init",
		"git_init_image":   "@com_github_knative_build//cmd/git-init:git-init",
	} {
		wantAttrs(t, filepath.Join(root, "BUILD.bazel"), name, map[string]string{"binary": bin, "base": "@build_pipeline_build_base//:image"})
	}
	wantIn(t, filepath.Join(root, "MODULE.bazel"), `use_repo(go_deps, "com_github_knative_build")`)
}

// TestSigstoreRekor migrates sigstore/rekor's .ko.yaml, whose builds read
// the environment in templates.
func TestSigstoreRekor(t *testing.T) {
	p := project{
		config: "sigstore-rekor-053cf53.ko.yaml",
		koPath: ".ko.yaml",
		module: "github.com/sigstore/rekor",
		mains:  []string{"cmd/rekor-server", "cmd/rekor-cli", "cmd/backfill-index"},
	}
	root, out := migrateProject(t, p)
	for _, want := range []string{
		"    not carried: -tags {{ .Env.GIT_HASH }}: only x_defs take values known when building; gotags cannot\n",
		"    not carried: {{.Env.LDFLAGS}}: the template gives link flags only when ko builds",
		"    nothing to carry: CGO_ENABLED=0: go_image builds its binary as pure Go, without cgo\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, cmd := range []string{"rekor-server", "rekor-cli", "backfill-index"} {
		wantAttrs(t, filepath.Join(root, "cmd", cmd, "BUILD.bazel"), "image", map[string]string{"base": "@distroless_static_debian12_nonroot//:image"})
		wantIn(t, filepath.Join(root, "cmd", cmd, "BUILD.bazel"), "    # keep: from the ko build\n    gc_linkopts = [\n        \"-extldflags\",\n        \"-static\",\n    ],\n")
	}
}

// TestGoContainerregistry migrates go-containerregistry's two ko
// configurations, kept below the module's root.
func TestGoContainerregistry(t *testing.T) {
	p := project{
		config: "go-containerregistry-default-db9613c.ko.yaml",
		koPath: ".ko/default/.ko.yaml",
		module: "github.com/google/go-containerregistry",
		mains:  []string{"cmd/crane"},
	}
	root, out := migrateProject(t, p)
	t.Log(out)
	wantAttrs(t, filepath.Join(root, "cmd/crane/BUILD.bazel"), "image", map[string]string{"base": "@chainguard_static//:image"})

	p.config, p.koPath = "go-containerregistry-debug-44ba8c0.ko.yaml", ".ko/debug/.ko.yaml"
	root, out = migrateProject(t, p)
	t.Log(out)
	wantAttrs(t, filepath.Join(root, "cmd/crane/BUILD.bazel"), "image", map[string]string{"base": "@go_containerregistry_debug_base//:image"})
}
