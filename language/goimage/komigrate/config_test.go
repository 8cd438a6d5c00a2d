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
				DefaultEnv: stringList{"FOO=foo"}, DefaultFlags: flagList{"-v"}, DefaultLdflags: stringList{"-s"},
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
	path := filepath.Join(t.TempDir(), ".ko.yaml")
	writeFile(t, path, "builds:\n- ldflags: {a: b}\n")
	if _, err := ReadKoConfig(path); err == nil || !strings.Contains(err.Error(), "reading the ko configuration "+path) {
		t.Errorf("error %v, want one naming the file", err)
	}
}
