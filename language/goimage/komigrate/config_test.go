package komigrate

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadKoConfig(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       KoConfig
	}{
		{
			// The builds of ko's documentation (ko.build/configuration).
			name: "builds",
			yaml: `builds:
- id: foo
  dir: .  # default is .
  main: ./foobar/foo
  env:
  - GOPRIVATE=git.internal.example.com,source.developers.google.com
  flags:
  - -tags
  - netgo
  ldflags:
  - -s -w
  - -extldflags "-static"
  - -X main.version={{.Env.VERSION}}
- id: bar
  dir: ./bar
  main: .  # default is .
  env:
  - GOCACHE=/workspace/.gocache
  ldflags:
  - -s
  - -w
`,
			want: KoConfig{Builds: []KoBuild{
				{
					ID: "foo", Dir: ".", Main: "./foobar/foo",
					Env:     stringList{"GOPRIVATE=git.internal.example.com,source.developers.google.com"},
					Flags:   flagList{"-tags", "netgo"},
					Ldflags: stringList{"-s -w", `-extldflags "-static"`, "-X main.version={{.Env.VERSION}}"},
				},
				{ID: "bar", Dir: "./bar", Main: ".", Env: stringList{"GOCACHE=/workspace/.gocache"}, Ldflags: stringList{"-s", "-w"}},
			}},
		},
		{
			// ko's defaults (ko.build/configuration, "Setting build flags and ldflags").
			name: "defaults",
			yaml: `defaultEnv:
- FOO=foo
defaultFlags:
- -v
defaultLdflags:
- -s
builds:
- id: foo
  dir: .
  main: ./foobar/foo
  flags:
  - -trimpath
  ldflags:
  - -w
  env:
  - FOO=bar
- id: bar
  dir: ./bar
  main: .
`,
			want: KoConfig{
				DefaultEnv: flagList{"FOO=foo"}, DefaultFlags: flagList{"-v"}, DefaultLdflags: stringList{"-s"},
				Builds: []KoBuild{
					{ID: "foo", Dir: ".", Main: "./foobar/foo", Flags: flagList{"-trimpath"}, Ldflags: stringList{"-w"}, Env: stringList{"FOO=bar"}},
					{ID: "bar", Dir: "./bar", Main: "."},
				},
			},
		},
		{
			// ko reads a string where it takes a list: flags split at spaces, ldflags whole.
			name: "strings for lists",
			yaml: "builds:\n- main: ./cmd/app\n  flags: -tags netgo\n  ldflags: -s -w -X main.v={{ .Git.Tag }}\n  env:\n",
			want: KoConfig{Builds: []KoBuild{
				{Main: "./cmd/app", Flags: flagList{"-tags", "netgo"}, Ldflags: stringList{"-s -w -X main.v={{ .Git.Tag }}"}},
			}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), ".ko.yaml")
			writeFile(t, path, tc.yaml)
			got, err := ReadKoConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tc.want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadKoConfigErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"builds:\n- ldflags: {a: b}\n", ".ko.yaml:2: ldflags: yaml: unmarshal errors"},
		{"defaultBaseImage: alpine\ndefaultBaseimages: [alpine]\n", `.ko.yaml:2: unknown key "defaultBaseimages" in the ko configuration; ko reads only defaultBaseImage, baseImageOverrides, defaultPlatforms, builds, defaultFlags, defaultLdflags, defaultEnv: correct or remove it`},
		{"builds:\n- id: a\n  main: ./cmd/a\n  linux_capability: [net_bind_service]\n", `.ko.yaml:4: unknown key "linux_capability" in builds[0]; ko reads only id, dir, main, ldflags, flags, env, linux_capabilities: correct or remove it`},
		{"builds: ./cmd/a\n", ".ko.yaml:1: builds is not a list"},
		{"defaultBaseImage: ''\n", ".ko.yaml:1: defaultBaseImage: defaultBaseImage is empty, which ko refuses too"},
	} {
		path := filepath.Join(t.TempDir(), ".ko.yaml")
		writeFile(t, path, tc.yaml)
		_, err := ReadKoConfig(path)
		if err == nil || !strings.Contains(err.Error(), "reading the ko configuration: "+filepath.Dir(path)+"/"+tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.yaml, err, tc.want)
		}
	}
}

// TestReadKoConfigKeys checks the keys ko reads whatever their case, the
// capabilities, and the GoReleaser settings ko ignores, which are kept
// for the report.
func TestReadKoConfigKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".ko.yaml")
	writeFile(t, path, "DefaultBaseImage: alpine\nbuilds:\n- ID: a\n  Main: ./cmd/a\n  goos: [linux]\n  linux_capabilities: cap_net_bind_service cap_chown\n  binary: a\n")
	got, err := ReadKoConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	want := &KoConfig{
		DefaultBaseImage: "alpine", DefaultBaseImageSet: true,
		Builds: []KoBuild{{ID: "a", Main: "./cmd/a", LinuxCapabilities: flagList{"cap_net_bind_service", "cap_chown"}}},
		Ignored: []IgnoredKey{
			{Key: "builds[0].goos", Line: 5, Why: "a GoReleaser build setting that ko does not use either"},
			{Key: "builds[0].binary", Line: 7, Why: "a GoReleaser build setting that ko does not use either"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

// TestApplyEnv checks that the KO_ variables win over the file as in ko,
// and that an empty one does not.
func TestApplyEnv(t *testing.T) {
	env := map[string]string{
		"KO_DEFAULTBASEIMAGE":   "registry.example.com/base:v2",
		"KO_DEFAULTPLATFORMS":   "linux/amd64,linux/arm64",
		"KO_DEFAULTLDFLAGS":     "",
		"KO_DEFAULTFLAGS":       "-tags netgo",
		"KO_DEFAULTENV":         "CGO_ENABLED=0 GOFLAGS=-mod=mod",
		"KO_BASEIMAGEOVERRIDES": `{"example.com/mono/cmd/a": "alpine"}`,
	}
	c := &KoConfig{DefaultBaseImage: "gcr.io/distroless/static", DefaultLdflags: stringList{"-s"}}
	if err := c.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	want := &KoConfig{
		DefaultBaseImage: "registry.example.com/base:v2", DefaultBaseImageSet: true,
		DefaultPlatforms:   []string{"linux/amd64,linux/arm64"},
		DefaultLdflags:     stringList{"-s"},
		DefaultFlags:       flagList{"-tags", "netgo"},
		DefaultEnv:         flagList{"CGO_ENABLED=0", "GOFLAGS=-mod=mod"},
		BaseImageOverrides: map[string]string{"example.com/mono/cmd/a": "alpine"},
		FromEnv: []string{"KO_DEFAULTBASEIMAGE=registry.example.com/base:v2", "KO_DEFAULTPLATFORMS=linux/amd64,linux/arm64",
			"KO_DEFAULTFLAGS=-tags netgo", "KO_DEFAULTENV=CGO_ENABLED=0 GOFLAGS=-mod=mod", `KO_BASEIMAGEOVERRIDES={"example.com/mono/cmd/a": "alpine"}`},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	err := (&KoConfig{}).ApplyEnv(func(k string) (string, bool) { return "x", k == "KO_BUILDS" })
	if err == nil || !strings.Contains(err.Error(), "KO_BUILDS is set") {
		t.Errorf("KO_BUILDS: error %v, want one naming it", err)
	}
}
