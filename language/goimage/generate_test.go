package goimage

import (
	"bytes"
	"context"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bazel-contrib/bazel-gazelle/v2/config"
	"github.com/bazel-contrib/bazel-gazelle/v2/language"
	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
	bzl "github.com/bazelbuild/buildtools/build"
	"github.com/google/go-cmp/cmp"
)

func TestImageName(t *testing.T) {
	for _, tc := range []struct {
		naming, bin string
		binaries    []string
		want        string
	}{
		{"", "server", []string{"server"}, "image"},
		{"", "server", []string{"server", "worker"}, "server_image"},
		{"", "image", []string{"image"}, "image_image"},
		{"{binary}_oci", "server", []string{"server"}, "server_oci"},
		{"oci_{binary}", "worker", []string{"server", "worker"}, "oci_worker"},
	} {
		if got := imageName(tc.naming, tc.bin, tc.binaries); got != tc.want {
			t.Errorf("imageName(%q, %q, %q) = %q, want %q", tc.naming, tc.bin, tc.binaries, got, tc.want)
		}
	}
}

func TestImageRepository(t *testing.T) {
	for _, tc := range []struct{ template, rel, bin, want string }{
		{"r.example.com/{package}", "services/API", "api", "r.example.com/services/api"},
		{"r.example.com/team/{binary}", "x", "My+Tool", "r.example.com/team/my-tool"},
		{"r.example.com/{package}/{binary}", "a/b", "c_d", "r.example.com/a/b/c_d"},
	} {
		if got := imageRepository(tc.template, tc.rel, tc.bin); got != tc.want {
			t.Errorf("imageRepository(%q, %q, %q) = %q, want %q", tc.template, tc.rel, tc.bin, got, tc.want)
		}
	}
}

// TestImageRepositoryInvalid checks that a template that gives no valid
// repository for one image is logged, and the image gets no repository.
func TestImageRepositoryInvalid(t *testing.T) {
	var logs bytes.Buffer
	log.SetOutput(&logs)
	defer log.SetOutput(os.Stderr)
	if got := imageRepository("r.example.com/{package}", "", "root"); got != "" {
		t.Errorf("root package: got repository %q, want none", got)
	}
	if want := `//: directive goimage_repository: value "r.example.com/{package}" gives no repository for binary "root"`; !strings.Contains(logs.String(), want) {
		t.Errorf("log %q does not contain %q", logs.String(), want)
	}
}

// TestDataNeedsFiles checks that goimage_data sets data only for a folder
// that holds files: a glob that matches nothing may fail the build.
func TestDataNeedsFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "kodata", "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	args := generateArgs(t, dir, "# gazelle:goimage_data kodata", `go_binary(name = "app", srcs = ["main.go"])`)
	if got := imageAttrs(t, args); got["data"] != "" {
		t.Errorf("empty data folder: got data = %s, want none", got["data"])
	}
	if err := os.WriteFile(filepath.Join(dir, "kodata", "empty", "f.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"binary":            `":app"`,
		"data":              `glob(["kodata/**"])`,
		"data_strip_prefix": `"kodata"`,
		"visibility":        `["//visibility:public"]`,
	}
	if diff := cmp.Diff(want, imageAttrs(t, args)); diff != "" {
		t.Errorf("data folder with a file (-want +got):\n%s", diff)
	}
}

// TestLibraryBinariesGetNoImage checks that go_binary rules that build a
// library instead of a program get no image.
func TestLibraryBinariesGetNoImage(t *testing.T) {
	args := generateArgs(t, t.TempDir(), "", `
go_binary(name = "plugin", srcs = ["p.go"], linkmode = "plugin")
go_binary(name = "shared", srcs = ["s.go"], linkmode = "c-shared")
go_binary(name = "pie", srcs = ["main.go"], linkmode = "pie")
`)
	res := generate(t, args)
	if len(res.Gen) != 1 || res.Gen[0].AttrString("binary") != ":pie" {
		t.Errorf("generated %v, want one image of :pie", ruleNames(res.Gen))
	}
}

func TestOffGeneratesNothing(t *testing.T) {
	args := generateArgs(t, t.TempDir(), "# gazelle:goimage off", `
go_binary(name = "app", srcs = ["main.go"])
go_image(name = "old_image", binary = ":gone")
`)
	res := generate(t, args)
	if len(res.Gen)+len(res.Empty) != 0 {
		t.Errorf("with goimage off: generated %v and emptied %v, want nothing", ruleNames(res.Gen), ruleNames(res.Empty))
	}
}

// generateArgs configures the extension from directives and returns the
// arguments of Generate for a package at dir with the given rules.
func generateArgs(t *testing.T, dir, directives, rules string) language.GenerateArgs {
	t.Helper()
	c := config.New()
	f := buildFile(t, "app", directives+"\n"+rules)
	configure(t, c, "app", f)
	return language.GenerateArgs{Config: c, Dir: dir, Rel: "app", File: f}
}

// generate runs Generate on a new language value.
func generate(t *testing.T, args language.GenerateArgs) language.GenerateResult {
	t.Helper()
	res, err := (&goimageLang{}).Generate(context.Background(), args)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// imageAttrs generates the package's only image and returns its attributes
// as Starlark.
func imageAttrs(t *testing.T, args language.GenerateArgs) map[string]string {
	t.Helper()
	res := generate(t, args)
	if len(res.Gen) != 1 {
		t.Fatalf("generated %v, want one image", ruleNames(res.Gen))
	}
	attrs := map[string]string{}
	for _, key := range res.Gen[0].AttrKeys() {
		if key != "name" {
			attrs[key] = bzl.FormatString(res.Gen[0].Attr(key))
		}
	}
	return attrs
}

func ruleNames(rules []*rule.Rule) []string {
	var names []string
	for _, r := range rules {
		names = append(names, r.Kind()+" "+r.Name())
	}
	return names
}
