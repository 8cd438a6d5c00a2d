package komigrate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gazelleBinary is a BUILD file as Gazelle's Go extension writes it for a
// main package.
const gazelleBinary = `load("@rules_go//go:def.bzl", "go_binary", "go_library")

go_library(
    name = "app_lib",
    srcs = ["main.go"],
    importpath = "example.com/mono/cmd/app",
    visibility = ["//visibility:private"],
)

go_binary(
    name = "app",
    embed = [":app_lib"],
    visibility = ["//visibility:public"],
)
`

var koBuild = Build{
	ID:         "app",
	XDefs:      map[string]string{"main.version": "{STABLE_GIT_TAG}", "main.commit": "{STABLE_GIT_COMMIT}"},
	Gotags:     []string{"netgo"},
	GcGoopts:   []string{"-N", "-l"},
	GcLinkopts: []string{"-s", "-w"},
	Race:       true,
}

func TestEditGoBinary(t *testing.T) {
	for _, tc := range []struct {
		name       string
		in         string
		build      Build
		want       string // "" when the file stays as it is
		wantAttrs  []AttrEdit
		wantRule   string
		wantReason string
	}{
		{
			name:  "sets",
			in:    gazelleBinary,
			build: koBuild,
			want: `load("@rules_go//go:def.bzl", "go_binary", "go_library")

go_library(
    name = "app_lib",
    srcs = ["main.go"],
    importpath = "example.com/mono/cmd/app",
    visibility = ["//visibility:private"],
)

go_binary(
    name = "app",
    embed = [":app_lib"],
    # keep: from the ko build
    gc_goopts = [
        "-N",
        "-l",
    ],
    # keep: from the ko build
    gc_linkopts = [
        "-s",
        "-w",
    ],
    gotags = ["netgo"],
    race = "on",
    visibility = ["//visibility:public"],
    x_defs = {
        "main.commit": "{STABLE_GIT_COMMIT}",
        "main.version": "{STABLE_GIT_TAG}",
    },
)
`,
			wantRule: "app",
			wantAttrs: []AttrEdit{
				{Name: `x_defs["main.commit"]`, Value: `"{STABLE_GIT_COMMIT}"`},
				{Name: `x_defs["main.version"]`, Value: `"{STABLE_GIT_TAG}"`},
				{Name: "gotags", Value: `["netgo"]`},
				{Name: "gc_goopts", Value: `["-N", "-l"]`},
				{Name: "gc_linkopts", Value: `["-s", "-w"]`},
				{Name: "race", Value: `"on"`},
			},
		},
		{
			name: "keeps the user's values",
			in: `go_binary(
    name = "app",
    embed = [":app_lib"],
    gotags = ["mine"],  # the user's
    race = "off",
    x_defs = {"main.version": "dev"},
)
`,
			build: Build{XDefs: koBuild.XDefs, Gotags: []string{"netgo"}, Race: true},
			want: `go_binary(
    name = "app",
    embed = [":app_lib"],
    gotags = ["mine"],  # the user's
    race = "off",
    x_defs = {
        "main.version": "dev",
        "main.commit": "{STABLE_GIT_COMMIT}",
    },
)
`,
			wantRule: "app",
			wantAttrs: []AttrEdit{
				{Name: `x_defs["main.commit"]`, Value: `"{STABLE_GIT_COMMIT}"`},
				{Name: `x_defs["main.version"]`, Value: `"{STABLE_GIT_TAG}"`, State: AttrKept, Kept: `"dev"`},
				{Name: "gotags", Value: `["netgo"]`, State: AttrKept, Kept: `["mine"]`},
				{Name: "race", Value: `"on"`, State: AttrKept, Kept: `"off"`},
			},
		},
		{
			name: "already set",
			in: `go_binary(
    name = "app",
    gotags = [
        "netgo",  # for the image
    ],
    x_defs = {"main.version": "{STABLE_GIT_TAG}"},
)
`,
			build:    Build{XDefs: map[string]string{"main.version": "{STABLE_GIT_TAG}"}, Gotags: []string{"netgo"}},
			wantRule: "app",
			wantAttrs: []AttrEdit{
				{Name: `x_defs["main.version"]`, Value: `"{STABLE_GIT_TAG}"`, State: AttrAlreadySet},
				{Name: "gotags", Value: `["netgo"]`, State: AttrAlreadySet},
			},
		},
		{
			name:     "x_defs that is not a dict",
			in:       "go_binary(\n    name = \"app\",\n    x_defs = X_DEFS,\n)\n",
			build:    Build{XDefs: map[string]string{"main.version": "1"}},
			wantRule: "app",
			wantAttrs: []AttrEdit{
				{Name: `x_defs["main.version"]`, Value: `"1"`, State: AttrKept, Kept: "x_defs = X_DEFS"},
			},
		},
		{
			name:       "no go_binary",
			in:         "# gazelle:goimage_base @static//:image\n",
			build:      koBuild,
			wantReason: "the BUILD file has no go_binary; run Gazelle first (bazel run //:gazelle), then ko2goimage again",
		},
		{
			name:       "several go_binary rules",
			in:         "go_binary(name = \"a\")\n\ngo_binary(name = \"b\")\n",
			build:      koBuild,
			wantReason: "the BUILD file has 2 go_binary rules (a, b); ko2goimage sets attributes on the only one",
		},
		{
			name:     "nothing to set",
			in:       gazelleBinary,
			wantRule: "app",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, e, err := editGoBinary("BUILD.bazel", []byte(tc.in), &tc.build)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want == "" {
				want = tc.in
			}
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("BUILD file (-want +got):\n%s", diff)
			}
			if e.Rule != tc.wantRule || e.Problem != tc.wantReason {
				t.Errorf("rule %q, problem %q; want %q, %q", e.Rule, e.Problem, tc.wantRule, tc.wantReason)
			}
			if diff := cmp.Diff(tc.wantAttrs, e.Attrs); diff != "" {
				t.Errorf("attributes (-want +got):\n%s", diff)
			}

			// Once edited, the file stays as it is.
			again, e, err := editGoBinary("BUILD.bazel", got, &tc.build)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(got) {
				t.Errorf("a second edit changes the file:\n%s", again)
			}
			for _, a := range e.Attrs {
				if a.State == AttrSet {
					t.Errorf("a second edit sets %s", a.Name)
				}
			}
		})
	}
}

func TestEditGoBinaryParseError(t *testing.T) {
	if _, _, err := editGoBinary("BUILD.bazel", []byte("go_binary(\n"), &koBuild); err == nil {
		t.Error("no error for a BUILD file that does not parse")
	}
}
