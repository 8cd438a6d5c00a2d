package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// koPathsRepository is koRepository with a ko build that asks for
// capabilities and data in kodata.
func koPathsRepository() map[string]string {
	files := map[string]string{}
	for k, v := range koRepository {
		files[k] = v
	}
	files["go/.ko.yaml"] = "defaultBaseImage: gcr.io/distroless/static:nonroot\nbuilds:\n- id: api\n  main: ./cmd/api\n  linux_capabilities: [CAP_NET_BIND_SERVICE, chown, cap_chown+ep, 12]\n"
	files["go/BUILD.bazel"] = "# gazelle:prefix example.com/mono\n# gazelle:goimage_data kodata\n"
	files["go/cmd/api/kodata/index.html"] = "<p>hello</p>\n"
	return files
}

// TestCapabilitiesAndKoPaths runs Gazelle, then the migration with
// -ko_paths, then Gazelle again, and checks that the go_image rules keep
// the capabilities and ko's paths.
func TestCapabilitiesAndKoPaths(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	t.Setenv("BUILD_WORKING_DIRECTORY", "")
	root := writeRepository(t, koPathsRepository())
	gazelle(t, root)
	var out bytes.Buffer
	if err := run([]string{"-ko_paths", "-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out); err != nil {
		t.Fatal(err)
	}
	api := filepath.Join(root, "go/cmd/api/BUILD.bazel")
	wantLines(t, out.String(),
		`ko build api: go_image "image" in `+api+":",
		`    set capabilities = ["cap_net_bind_service", "chown"]`,
		`    set binary_path = "/ko-app/api"`,
		`    set data_path = "/var/run/ko"`,
		`go_image "image" in `+filepath.Join(root, "go/cmd/debug/BUILD.bazel")+":",
		`    set binary_path = "/ko-app/debug"`,
		"    not carried: linux_capabilities: cap_chown+ep: capabilities takes capability names, such as cap_net_bind_service; list the names",
		"    not carried: linux_capabilities: 12: capabilities takes capability names, such as cap_net_bind_service; list the names",
	)
	if !strings.Contains(out.String(), "The images keep ko's paths (-ko_paths)") {
		t.Errorf("output does not say the images keep ko's paths:\n%s", out.String())
	}
	gazelle(t, root)
	wantAttrs(t, api, "image", map[string]string{
		"capabilities":      "cap_net_bind_service chown",
		"binary_path":       "/ko-app/api",
		"data_path":         "/var/run/ko",
		"data_strip_prefix": "kodata",
	})
	wantAttrs(t, filepath.Join(root, "go/cmd/debug/BUILD.bazel"), "image", map[string]string{"binary_path": "/ko-app/debug", "data_path": "/var/run/ko"})
}

// TestPathsChange checks that without -ko_paths the output says where the
// binary and data were and where they go, and that capabilities wait for
// Gazelle's go_image.
func TestPathsChange(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	t.Setenv("BUILD_WORKING_DIRECTORY", "")
	root := writeRepository(t, koPathsRepository())
	var out bytes.Buffer
	if err := run([]string{"-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(),
		"The paths in the images change: ko put each binary at /ko-app/<name> and the kodata files at /var/run/ko (KO_DATA_PATH=/var/run/ko); "+
			"go_image puts the binary at /app/<binary> and the data at /app/data (KO_DATA_PATH=/app/data, set when the image has data). "+
			"To keep ko's paths, run ko2goimage again with -ko_paths.",
		"ko build api: not carried: "+filepath.Join(root, "go/cmd/api/BUILD.bazel")+": the package has no BUILD file; run Gazelle first (bazel run //:gazelle), then ko2goimage again",
	)
}

// TestKoEnvironment checks that KO_DEFAULTBASEIMAGE and KO_DEFAULTPLATFORMS
// win over the file, as in ko, and that the output says so.
func TestKoEnvironment(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	t.Setenv("KO_DEFAULTBASEIMAGE", "registry.example.com/team/base@sha256:"+strings.Repeat("c", 64))
	t.Setenv("KO_DEFAULTPLATFORMS", "linux/arm64,linux/s390x")
	root := writeRepository(t, koRepository)
	var out bytes.Buffer
	if err := run([]string{"-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(),
		"from the environment, over the ko configuration, as ko reads it: KO_DEFAULTBASEIMAGE=registry.example.com/team/base@sha256:"+strings.Repeat("c", 64),
		"from the environment, over the ko configuration, as ko reads it: KO_DEFAULTPLATFORMS=linux/arm64,linux/s390x",
		"    # gazelle:goimage_base @team_base//:image",
		"    # gazelle:goimage_platforms linux/arm64 linux/s390x",
	)
}

// TestUnknownKey checks that a key ko does not read stops the migration
// with the file and line, and that no file changes.
func TestUnknownKey(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	files := map[string]string{}
	for k, v := range koRepository {
		files[k] = v
	}
	files["go/.ko.yaml"] = "defaultBaseImage: alpine\nbuilds:\n- id: api\n  main: ./cmd/api\n  linuxCapabilities: [net_raw]\n"
	root := writeRepository(t, files)
	err := run([]string{"-ko_config", filepath.Join(root, "go/.ko.yaml")}, &bytes.Buffer{})
	want := filepath.Join(root, "go/.ko.yaml") + `:5: unknown key "linuxCapabilities" in builds[0]`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
	if got := readFile(t, filepath.Join(root, "go/BUILD.bazel")); got != files["go/BUILD.bazel"] {
		t.Errorf("a refused configuration changed go/BUILD.bazel:\n%s", got)
	}
}

// TestIgnoredKeysReported checks that GoReleaser settings, which ko reads
// and ignores, are named in the output.
func TestIgnoredKeysReported(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	files := map[string]string{}
	for k, v := range koRepository {
		files[k] = v
	}
	files["go/.ko.yaml"] = "builds:\n- id: api\n  main: ./cmd/api\n  goos: [linux]\n"
	root := writeRepository(t, files)
	var out bytes.Buffer
	if err := run([]string{"-mode", "print", "-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(), "not carried: builds[0].goos (line 4): a GoReleaser build setting that ko does not use either")
}

// TestHelp checks that -help prints the flags and is no error.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-help"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"-ko_config", "-ko_paths", "-pin", "-digest", "-mode", "-repo_root"} {
		if !strings.Contains(out.String(), flag) {
			t.Errorf("-help does not list %s:\n%s", flag, out.String())
		}
	}
}

// TestWithoutModuleFiles checks what a repository without MODULE.bazel,
// and one whose MODULE.bazel has no go_deps, are told.
func TestWithoutModuleFiles(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	files := map[string]string{}
	for k, v := range koRepository {
		files[k] = v
	}
	files["go/go.mod"] = "module example.com/mono\n\ngo 1.24\n\nrequire github.com/tsenart/vegeta/v12 v12.11.1\n"
	files["go/.ko.yaml"] = "baseImageOverrides:\n  github.com/tsenart/vegeta/v12: ubuntu:latest\n"
	root := writeRepository(t, files)
	var out bytes.Buffer
	if err := run([]string{"-mode", "print", "-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(), `    not carried: use_repo(go_deps, "com_github_tsenart_vegeta_v12"): MODULE.bazel has no go_deps extension, `+
		`which makes the repositories of the modules go.mod requires: add go_deps = use_extension("@gazelle//:extensions.bzl", "go_deps") and go_deps.from_file(go_mod = "//:go.mod")`)

	delete(files, "MODULE.bazel")
	files["WORKSPACE"] = ""
	root = writeRepository(t, files)
	out.Reset()
	if err := run([]string{"-mode", "print", "-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(), "The repository has no MODULE.bazel; add to it:", `use_repo(goimage, "chainguard_static", "ubuntu")`)
}
