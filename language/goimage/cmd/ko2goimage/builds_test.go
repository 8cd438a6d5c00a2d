package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bazel-contrib/bazel-gazelle/v2/cmd/gazelle/update"
	"github.com/bazelbuild/bazel-gazelle/language"
	golang "github.com/bazelbuild/bazel-gazelle/language/go"

	"github.com/rules-goimage/rules_goimage/language/goimage"
)

// koBuildsConfig is a .ko.yaml whose build of cmd/api sets ldflags, flags
// and env as ko's documentation shows them.
const koBuildsConfig = `defaultBaseImage: gcr.io/distroless/static:nonroot
defaultLdflags:
- -s -w
builds:
- id: api
  main: ./cmd/api
  env:
  - GOPRIVATE=git.internal.example.com
  - CGO_ENABLED=0
  flags:
  - -tags
  - netgo
  - -trimpath
  - -gcflags=-N -l
  ldflags:
  - -s -w
  - -extldflags "-static"
  - -X main.version={{.Env.VERSION}}
  - -X main.commit={{.Git.FullCommit}} -X 'main.built={{ .Date }}'
- id: debug
  main: ./cmd/debug
`

// TestBuildsThenGazelle migrates a ko configuration with builds before and
// after Gazelle wrote the go_binary rules, and checks that the attributes
// survive Gazelle and that a second migration changes nothing.
func TestBuildsThenGazelle(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	t.Setenv("BUILD_WORKING_DIRECTORY", "")
	files := map[string]string{}
	for k, v := range koRepository {
		files[k] = v
	}
	files["go/.ko.yaml"] = koBuildsConfig
	root := writeRepository(t, files)
	koConfig := filepath.Join(root, "go/.ko.yaml")
	api := filepath.Join(root, "go/cmd/api/BUILD.bazel")

	var out bytes.Buffer
	if err := run([]string{"-ko_config", koConfig}, &out); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(),
		"ko build api: not carried: "+api+": the package has no BUILD file; run Gazelle first (bazel run //:gazelle), then ko2goimage again",
		"ko build debug: not carried: "+filepath.Join(root, "go/cmd/debug/BUILD.bazel")+": the package has no BUILD file; run Gazelle first (bazel run //:gazelle), then ko2goimage again",
	)

	langs := []language.Language{golang.NewLanguage(), goimage.NewLanguage()}
	if err := update.Run(context.Background(), langs, root, nil); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run([]string{"-ko_config", koConfig}, &out); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(),
		`ko build api: go_binary "api" in `+api+":",
		`    set x_defs["main.built"] = "{BUILD_DATE}"`,
		`    set x_defs["main.commit"] = "{STABLE_GIT_COMMIT}"`,
		`    set gotags = ["netgo"]`,
		`    set gc_goopts = ["-N", "-l"]`,
		`    set gc_linkopts = ["-s", "-w", "-extldflags", "-static"]`,
		"    not carried: GOPRIVATE=git.internal.example.com: Bazel fetches modules with go_deps in MODULE.bazel, not when it builds the go_binary",
		"    nothing to carry: CGO_ENABLED=0: go_image builds its binary as pure Go, without cgo",
		"    nothing to carry: -trimpath: rules_go always trims file system paths from the binaries it builds",
		"    not carried: -X main.version={{.Env.VERSION}}: {{.Env.VERSION}} reads the environment, which Bazel actions do not see; "+
			"print the value from a --workspace_status_command script as STABLE_VERSION and use {STABLE_VERSION} in x_defs",
		`    echo "BUILD_DATE $(date -u +%Y-%m-%dT%H:%M:%SZ)"`,
		`    echo "STABLE_GIT_COMMIT $(git show --format=%H --quiet HEAD)"`,
		"defaultLdflags apply to every binary ko builds; they are carried to the builds listed under builds. List any other binary ko builds there to carry them to it too.",
		`ko build debug: go_binary "debug" in `+filepath.Join(root, "go/cmd/debug/BUILD.bazel")+":",
		`    set gc_linkopts = ["-s", "-w"]`,
	)

	// Gazelle rewrites gc_goopts and gc_linkopts from the sources unless
	// they are kept.
	if err := update.Run(context.Background(), langs, root, nil); err != nil {
		t.Fatal(err)
	}
	build := readFile(t, api)
	for _, want := range []string{
		"    # keep: from the ko build\n    gc_goopts = [\n",
		"    # keep: from the ko build\n    gc_linkopts = [\n        \"-s\",\n        \"-w\",\n        \"-extldflags\",\n        \"-static\",\n    ],\n",
		`    gotags = ["netgo"],`,
		"    x_defs = {\n        \"main.built\": \"{BUILD_DATE}\",\n        \"main.commit\": \"{STABLE_GIT_COMMIT}\",\n    },\n",
	} {
		if !strings.Contains(build, want) {
			t.Errorf("go/cmd/api/BUILD.bazel after Gazelle lacks\n%s\n%s", want, build)
		}
	}

	out.Reset()
	if err := run([]string{"-ko_config", koConfig}, &out); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, api); got != build {
		t.Errorf("a second migration changed go/cmd/api/BUILD.bazel:\n%s", got)
	}
	wantLines(t, out.String(), `    already set gotags = ["netgo"]`)
}

// TestPrintModeBuilds checks that -mode print says what it would set on a
// go_binary, and writes nothing.
func TestPrintModeBuilds(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	files := map[string]string{}
	for k, v := range koRepository {
		files[k] = v
	}
	files["go/.ko.yaml"] = "builds:\n- id: api\n  main: ./cmd/api\n  flags: [-race]\n  env: [CGO_ENABLED=1]\n"
	files["go/cmd/api/BUILD.bazel"] = "go_binary(\n    name = \"api\",\n    race = \"off\",\n)\n"
	files["go/cmd/debug/BUILD.bazel"] = "go_binary(\n    name = \"debug\",\n)\n"
	root := writeRepository(t, files)
	var out bytes.Buffer
	if err := run([]string{"-mode", "print", "-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(),
		`    kept race = "off", as the go_binary has it; ko has "on"`,
		`    not carried: CGO_ENABLED=1: go_image builds its binary as pure Go; to build with cgo as ko did, set pure = "off" on the go_image`,
	)
	if got := readFile(t, filepath.Join(root, "go/cmd/api/BUILD.bazel")); got != files["go/cmd/api/BUILD.bazel"] {
		t.Errorf("print mode changed go/cmd/api/BUILD.bazel:\n%s", got)
	}
}

// wantLines checks that each line is in the output, as a whole line.
func wantLines(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains("\n"+out+"\n", "\n"+l+"\n") {
			t.Errorf("output lacks the line\n%s\n%s", l, out)
		}
	}
}
