package komigrate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewPlan(t *testing.T) {
	c := &KoConfig{
		DefaultBaseImage: "gcr.io/distroless/static:nonroot",
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
	if p.Bases[0].Name != "static_v1" || p.Bases[1].Name != "static_v1_2" {
		t.Errorf("base names %q and %q, want static_v1 and static_v1_2", p.Bases[0].Name, p.Bases[1].Name)
	}
}

func TestNewPlanErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    KoConfig
		want string
	}{
		{"outside the module", KoConfig{BaseImageOverrides: map[string]string{"other.com/x": "alpine"}}, `baseImageOverrides: "other.com/x" is not a package of the module example.com/mono`},
		{"bad reference", KoConfig{DefaultBaseImage: "Bad Image"}, `defaultBaseImage: "Bad Image" is not an image reference`},
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
    # ko used the tag "nonroot": bazel shows the digest to pin here.
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
