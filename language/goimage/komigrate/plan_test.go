package komigrate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewPlan(t *testing.T) {
	c := &KoConfig{
		DefaultBaseImage: "gcr.io/distroless/static:nonroot", DefaultBaseImageSet: true,
		BaseImageOverrides: map[string]string{
			"example.com/mono/cmd/debug":  "gcr.io/distroless/base:debug",
			"ko://example.com/mono/cmd/x": "gcr.io/distroless/static:nonroot",
			"example.com/mono/cmd/pinned": "registry.example.com/team/base@sha256:" + strings.Repeat("a", 64),
			"example.com/mono/cmd/hub":    "alpine",
		},
		DefaultPlatforms: []string{"linux/amd64", "linux/arm64"},
	}
	got, err := NewPlan(c, Layout{ModulePath: "example.com/mono", ModuleDir: "go", KoDir: "go"})
	if err != nil {
		t.Fatal(err)
	}
	want := &Plan{
		ModulePath: "example.com/mono", ModuleDir: "go",
		Packages: []PackageDirectives{
			{"go", []Directive{{"goimage_base", "@distroless_static_nonroot//:image"}, {"goimage_platforms", "linux/amd64 linux/arm64"}}},
			{"go/cmd/debug", []Directive{{"goimage_base", "@distroless_base_debug//:image"}}},
			{"go/cmd/hub", []Directive{{"goimage_base", "@alpine//:image"}}},
			{"go/cmd/pinned", []Directive{{"goimage_base", "@team_base//:image"}}},
			{"go/cmd/x", []Directive{{"goimage_base", "@distroless_static_nonroot//:image"}}},
		},
		Bases: []Base{
			{Name: "distroless_static_nonroot", Image: "gcr.io/distroless/static", Tag: "nonroot"},
			{Name: "distroless_base_debug", Image: "gcr.io/distroless/base", Tag: "debug"},
			{Name: "alpine", Image: "index.docker.io/library/alpine", Tag: "latest"},
			{Name: "team_base", Image: "registry.example.com/team/base", Digest: "sha256:" + strings.Repeat("a", 64)},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}

func TestNewPlanNamesBasesApart(t *testing.T) {
	c := &KoConfig{BaseImageOverrides: map[string]string{
		"m/a": "one.example.com/static:v1",
		"m/b": "two.example.com/static:v1",
	}}
	p, err := NewPlan(c, Layout{ModulePath: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Bases[1].Name != "static_v1" || p.Bases[2].Name != "static_v1_2" {
		t.Errorf("base names %q and %q, want static_v1 and static_v1_2", p.Bases[1].Name, p.Bases[2].Name)
	}
}

func TestNewPlanErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    KoConfig
		want string
	}{
		{"outside the module", KoConfig{BaseImageOverrides: map[string]string{"other.com/x": "alpine"}}, `baseImageOverrides: "other.com/x" is not a package of the module example.com/mono`},
		{"bad reference", KoConfig{DefaultBaseImage: "Bad Image", DefaultBaseImageSet: true}, `defaultBaseImage: "Bad Image" is not an image reference`},
		{"all platforms", KoConfig{DefaultPlatforms: []string{"all"}}, `defaultPlatforms: "all" has no equivalent`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewPlan(&tc.c, Layout{ModulePath: "example.com/mono"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestModuleSnippet(t *testing.T) {
	p := &Plan{Bases: []Base{
		{Name: "static", Image: "gcr.io/distroless/static", Tag: "nonroot"},
		{Name: "base", Image: "registry.example.com/base", Digest: "sha256:" + strings.Repeat("b", 64)},
	}}
	want := `goimage = use_extension("@rules_goimage//rules:extensions.bzl", "goimage")

goimage.pull(
    name = "static",
    # ko used the tag "nonroot": pin it with the digest that this prints
    # (bazel also shows it on the first build):
    #   bazel run @rules_goimage//language/goimage/cmd/ko2goimage -- -digest gcr.io/distroless/static:nonroot
    image = "gcr.io/distroless/static:nonroot",
)

goimage.pull(
    name = "base",
    image = "registry.example.com/base",
    digest = "sha256:` + strings.Repeat("b", 64) + `",
)

use_repo(goimage, "static", "base")
`
	if diff := cmp.Diff(want, p.ModuleSnippet()); diff != "" {
		t.Errorf("snippet (-want +got):\n%s", diff)
	}
}

// TestNewPlanKoDefault checks that a configuration without a base gets
// ko's own, and that platforms listed in one entry are split as ko does.
func TestNewPlanKoDefault(t *testing.T) {
	p, err := NewPlan(&KoConfig{DefaultPlatforms: []string{"linux/amd64,linux/arm64"}}, Layout{ModulePath: "example.com/mono"})
	if err != nil {
		t.Fatal(err)
	}
	wantPackages := []PackageDirectives{{"", []Directive{{"goimage_base", "@chainguard_static//:image"}, {"goimage_platforms", "linux/amd64 linux/arm64"}}}}
	if diff := cmp.Diff(wantPackages, p.Packages); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	wantBases := []Base{{Name: "chainguard_static", Image: "cgr.dev/chainguard/static", Tag: "latest", KoDefault: true}}
	if diff := cmp.Diff(wantBases, p.Bases); diff != "" {
		t.Errorf("bases (-want +got):\n%s", diff)
	}
	if !strings.Contains(p.ModuleSnippet(), "    # ko's default base: the ko configuration names none.\n") {
		t.Errorf("the snippet does not say the base is ko's default:\n%s", p.ModuleSnippet())
	}
}

// TestNewPlanDependencies checks baseImageOverrides of main packages of
// required modules, also in the vendored form of GOPATH days.
func TestNewPlanDependencies(t *testing.T) {
	c := &KoConfig{
		DefaultBaseImage: "gcr.io/distroless/static:nonroot", DefaultBaseImageSet: true,
		DefaultPlatforms: []string{"linux/amd64"},
		BaseImageOverrides: map[string]string{
			"knative.dev/serving/vendor/github.com/tsenart/vegeta/v12": "ubuntu:latest",
			"ko://github.com/google/ko/cmd/ko-tool":                    "ubuntu:latest",
		},
	}
	l := Layout{ModulePath: "knative.dev/serving", Requires: []string{"github.com/tsenart/vegeta/v12", "github.com/google/ko", "github.com/google"}}
	p, err := NewPlan(c, l)
	if err != nil {
		t.Fatal(err)
	}
	ubuntu := Base{Name: "ubuntu", Image: "index.docker.io/library/ubuntu", Tag: "latest"}
	want := []Dependency{
		{
			Key: "knative.dev/serving/vendor/github.com/tsenart/vegeta/v12", ImportPath: "github.com/tsenart/vegeta/v12",
			Module: "github.com/tsenart/vegeta/v12", Repo: "com_github_tsenart_vegeta_v12", Binary: "@com_github_tsenart_vegeta_v12//:v12",
			Name: "vegeta_image", Base: ubuntu, Platforms: []string{"linux/amd64"},
		},
		{
			Key: "ko://github.com/google/ko/cmd/ko-tool", ImportPath: "github.com/google/ko/cmd/ko-tool",
			Module: "github.com/google/ko", Repo: "com_github_google_ko", Binary: "@com_github_google_ko//cmd/ko-tool:ko-tool",
			Name: "ko_tool_image", Base: ubuntu, Platforms: []string{"linux/amd64"},
		},
	}
	if diff := cmp.Diff(want, p.Dependencies); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
	if len(p.Packages) != 1 {
		t.Errorf("packages %v, want only the module's root", p.Packages)
	}
}

// TestGoDepsRepoName checks names as go_deps makes them.
func TestGoDepsRepoName(t *testing.T) {
	for module, want := range map[string]string{
		"github.com/tsenart/vegeta/v12":         "com_github_tsenart_vegeta_v12",
		"gopkg.in/yaml.v3":                      "in_gopkg_yaml_v3",
		"github.com/Azure/go-autorest/autorest": "com_github_azure_go_autorest_autorest",
		"knative.dev/pkg":                       "dev_knative_pkg",
	} {
		if got := goDepsRepoName(module); got != want {
			t.Errorf("goDepsRepoName(%q) = %q, want %q", module, got, want)
		}
	}
}
