package komigrate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// mapBuild maps one ko build of the module at "go", with the .ko.yaml there.
func mapBuild(t *testing.T, kb KoBuild) Build {
	t.Helper()
	b, err := newBuild(0, kb, &KoConfig{}, "go")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func notCarried(setting, why string) Note { return Note{Setting: setting, Why: why} }
func same(setting, why string) Note       { return Note{Setting: setting, Same: true, Why: why} }

// wantBuild is the part of a Build a mapping test checks.
type wantBuild struct {
	XDefs      map[string]string
	Gotags     []string
	GcGoopts   []string
	GcLinkopts []string
	Race       bool
	Notes      []Note
}

func checkBuild(t *testing.T, got Build, want wantBuild) {
	t.Helper()
	g := wantBuild{got.XDefs, got.Gotags, got.GcGoopts, got.GcLinkopts, got.Race, got.Notes}
	// A Why is checked by its start: the rest says what to do instead.
	cut := cmp.Transformer("why", func(n Note) Note {
		for _, w := range want.Notes {
			if w.Setting == n.Setting && strings.HasPrefix(n.Why, w.Why) {
				n.Why = w.Why
			}
		}
		return n
	})
	if diff := cmp.Diff(want, g, cut, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("build (-want +got):\n%s", diff)
	}
}

func TestLdflags(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ldflags []string
		want    wantBuild
	}{
		{"strip", []string{"-s -w"}, wantBuild{GcLinkopts: []string{"-s", "-w"}}},
		{"whole flags from a template", []string{"-s", "{{ .Env.LDFLAGS }}"}, wantBuild{GcLinkopts: []string{"-s"}, Notes: []Note{notCarried("{{.Env.LDFLAGS}}", "the template gives link flags only when ko builds")}}},
		{"strip, one a line", []string{"-s", "-w"}, wantBuild{GcLinkopts: []string{"-s", "-w"}}},
		{"-X", []string{"-X main.version=1.2.3", "-X=example.com/mono/version.Commit=abc", "--X 'main.say=hello world'"}, wantBuild{
			XDefs: map[string]string{"main.version": "1.2.3", "example.com/mono/version.Commit": "abc", "main.say": "hello world"},
		}},
		{"a later -X wins", []string{"-X main.v=1 -X main.v=2"}, wantBuild{XDefs: map[string]string{"main.v": "2"}}},
		{"-extldflags", []string{`-extldflags "-static"`}, wantBuild{GcLinkopts: []string{"-extldflags", "-static"}}},
		{"-extldflags with spaces", []string{`-extldflags "-static -lm"`}, wantBuild{Notes: []Note{
			notCarried(`-extldflags "-static -lm"`, `rules_go would split or expand "-static -lm" in gc_linkopts`),
		}}},
		{"flags rules_go sets", []string{"-linkmode external", "-buildid=", "-o out"}, wantBuild{Notes: []Note{
			notCarried("-linkmode external", "rules_go's link action sets it"),
			notCarried("-buildid=", "rules_go's link action sets it"),
			notCarried("-o out", "rules_go's link action sets it"),
		}}},
		{"unknown flag", []string{"-v", "-s"}, wantBuild{GcLinkopts: []string{"-s"}, Notes: []Note{
			notCarried("-v", "not known to mean the same in gc_linkopts"),
		}}},
		{"not flags", []string{"-X main.a=b c"}, wantBuild{XDefs: map[string]string{"main.a": "b"}, Notes: []Note{
			notCarried("c", "not a linker flag"),
		}}},
		{"bad -X", []string{"-X main.version", "-X version=1", "-X"}, wantBuild{Notes: []Note{
			notCarried("-X main.version", "not -X importpath.name=value"),
			notCarried("-X version=1", "not -X importpath.name=value"),
			notCarried("-X", "the flag has no value"),
		}}},
		{"unterminated quote", []string{"-s -X 'main.a=b"}, wantBuild{Notes: []Note{
			notCarried("-s -X 'main.a=b", "unterminated ' string"),
		}}},
		{"literal braces and dollar", []string{`-X main.json={"a":1}`, "-X main.home=$HOME", "-X main.empty={}"}, wantBuild{Notes: []Note{
			notCarried(`-X main.json={"a":1}`, "rules_go would read {...} in an x_defs value as a workspace status key"),
			notCarried("-X main.home=$HOME", "rules_go would read {...} in an x_defs value as a workspace status key and $ as a location"),
			notCarried("-X main.empty={}", "rules_go would read {...}"),
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkBuild(t, mapBuild(t, KoBuild{Ldflags: tc.ldflags}), tc.want)
		})
	}
}

func TestTemplates(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ldflags []string
		want    wantBuild
	}{
		{"status keys", []string{
			"-X main.commit={{.Git.FullCommit}} -X main.short={{.Git.ShortCommit}}",
			"-X 'main.date={{ .Date }}' -X main.ts={{.Timestamp}}",
			"-X main.version=v{{.Git.Tag}}-{{- .Git.TreeState -}}",
		}, wantBuild{XDefs: map[string]string{
			"main.commit":  "{STABLE_GIT_COMMIT}",
			"main.short":   "{STABLE_GIT_SHORT_COMMIT}",
			"main.date":    "{BUILD_DATE}",
			"main.ts":      "{BUILD_TIMESTAMP}",
			"main.version": "v{STABLE_GIT_TAG}-{STABLE_GIT_TREE_STATE}",
		}}},
		{"environment", []string{"-X main.version={{.Env.VERSION}}"}, wantBuild{Notes: []Note{
			notCarried("-X main.version={{.Env.VERSION}}", "{{.Env.VERSION}} reads the environment, which Bazel actions do not see; "+
				"print the value from a --workspace_status_command script as STABLE_VERSION and use {STABLE_VERSION} in x_defs"),
		}}},
		{"go env", []string{"-X main.goos={{.GoEnv.GOOS}}"}, wantBuild{Notes: []Note{
			notCarried("-X main.goos={{.GoEnv.GOOS}}", "{{.GoEnv.GOOS}} reads go env, which has no workspace status key"),
		}}},
		{"no status key", []string{"-X main.dirty={{.Git.IsDirty}}"}, wantBuild{Notes: []Note{
			notCarried("-X main.dirty={{.Git.IsDirty}}", "{{.Git.IsDirty}} has no workspace status key"),
		}}},
		{"function", []string{`-X main.v={{printf "%s" .Git.Tag}}`}, wantBuild{Notes: []Note{
			notCarried(`-X main.v={{printf "%s" .Git.Tag}}`, "{{printf \"%s\" .Git.Tag}} is a template that cannot be translated"),
		}}},
		{"control structure", []string{"-s", "{{if .Git.IsDirty}}-X main.dirty=yes{{end}}"}, wantBuild{GcLinkopts: []string{"-s"}, Notes: []Note{
			notCarried("{{if .Git.IsDirty}}-X main.dirty=yes{{end}}", "the template cannot be translated"),
		}}},
		{"bad template", []string{"-X main.v={{.Git.Tag"}, wantBuild{Notes: []Note{
			notCarried("-X main.v={{.Git.Tag", "the template cannot be translated"),
		}}},
		{"outside x_defs", []string{"-B {{.Git.FullCommit}}"}, wantBuild{Notes: []Note{
			notCarried("-B {{.Git.FullCommit}}", "only x_defs take values known when building; gc_linkopts cannot"),
		}}},
		{"in a name", []string{"-X main.{{.Git.Tag}}=1"}, wantBuild{Notes: []Note{
			notCarried("-X main.{{.Git.Tag}}=1", "an x_defs name cannot be a template"),
		}}},
		{"a NUL byte", []string{"-X main.v=\x000\x00"}, wantBuild{Notes: []Note{
			notCarried("-X main.v=\x000\x00", "the template cannot be translated"),
		}}},
		{"an untranslated -X drops the one it replaces", []string{"-X main.v=1 -X main.v={{.Env.V}}"}, wantBuild{Notes: []Note{
			notCarried("-X main.v={{.Env.V}}", "{{.Env.V}} reads the environment"),
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkBuild(t, mapBuild(t, KoBuild{Ldflags: tc.ldflags}), tc.want)
		})
	}
}

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []string
		env   []string
		want  wantBuild
	}{
		{"tags, two arguments", []string{"-tags", "netgo"}, nil, wantBuild{Gotags: []string{"netgo"}}},
		{"tags, one argument", []string{"-tags=netgo,osusergo,"}, nil, wantBuild{Gotags: []string{"netgo", "osusergo"}}},
		{"tags, old form", []string{"--tags", "netgo osusergo"}, nil, wantBuild{Gotags: []string{"netgo", "osusergo"}}},
		{"a later -tags wins", []string{"-tags=a", "-tags=b"}, nil, wantBuild{Gotags: []string{"b"}}},
		{"tags without value", []string{"-tags"}, nil, wantBuild{Notes: []Note{notCarried("-tags", "the flag has no value")}}},
		{"tags from a template", []string{"-tags={{.Env.TAGS}}"}, nil, wantBuild{Notes: []Note{
			notCarried("-tags={{.Env.TAGS}}", "only x_defs take values known when building; gotags cannot"),
		}}},
		{"trimpath", []string{"-trimpath", "-trimpath=false"}, nil, wantBuild{Notes: []Note{
			same("-trimpath", "rules_go always trims file system paths"),
			notCarried("-trimpath=false", "rules_go always trims file system paths"),
		}}},
		{"race with cgo", []string{"-race"}, []string{"CGO_ENABLED=1"}, wantBuild{Race: true, Notes: []Note{
			notCarried("CGO_ENABLED=1", `go_image builds its binary as pure Go; to build with cgo as ko did, set pure = "off" on the go_image`),
		}}},
		{"race without cgo", []string{"-race"}, nil, wantBuild{Notes: []Note{
			notCarried("-race", "the race detector needs cgo"),
		}}},
		{"race off", []string{"-race=false"}, nil, wantBuild{Notes: []Note{
			same("-race=false", "rules_go builds without the race detector"),
		}}},
		{"bad boolean", []string{"-race=maybe"}, nil, wantBuild{Notes: []Note{notCarried("-race=maybe", `"maybe" is not a boolean`)}}},
		{"gcflags", []string{"-gcflags=-N -l"}, nil, wantBuild{GcGoopts: []string{"-N", "-l"}}},
		{"gcflags, two arguments; the last wins", []string{"-gcflags", "-N", "-gcflags", "-l -m"}, nil, wantBuild{
			GcGoopts: []string{"-l", "-m"},
			Notes:    []Note{notCarried("-gcflags -N", "a later -gcflags replaces it, as in go build")},
		}},
		{"gcflags with a pattern", []string{"-gcflags=-m", "-gcflags=all=-N -l"}, nil, wantBuild{Notes: []Note{
			notCarried("-gcflags=-m", "a -gcflags with a package pattern applies to those packages"),
			notCarried("-gcflags=all=-N -l", "a -gcflags with a package pattern applies to those packages"),
		}}},
		{"gcflags rules_go would split", []string{`-gcflags=-d="a b"`}, nil, wantBuild{Notes: []Note{
			notCarried(`-gcflags=-d="a b"`, `rules_go would split or expand "-d=\"a" in gc_goopts`),
		}}},
		{"ldflags among flags", []string{"-ldflags=-s -w"}, nil, wantBuild{Notes: []Note{
			notCarried("-ldflags=-s -w", "list link flags under the build's ldflags"),
		}}},
		{"no attribute", []string{"-mod=vendor", "-v", "-buildvcs=false"}, nil, wantBuild{Notes: []Note{
			notCarried("-mod=vendor", "rules_go has no attribute for it"),
			notCarried("-v", "rules_go has no attribute for it"),
			notCarried("-buildvcs=false", "rules_go has no attribute for it"),
		}}},
		{"not a flag", []string{"netgo", "-", "--"}, nil, wantBuild{Notes: []Note{
			notCarried("netgo", "not a go build flag"),
			notCarried("-", "not a go build flag"),
			notCarried("--", "not a go build flag"),
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkBuild(t, mapBuild(t, KoBuild{Flags: tc.flags, Env: tc.env}), tc.want)
		})
	}
}

func TestEnv(t *testing.T) {
	b := mapBuild(t, KoBuild{Env: []string{
		"CGO_ENABLED=0",
		"GOEXPERIMENT=rangefunc,arenas",
		"GOFLAGS=-tags=netgo",
		"GOAMD64=v3",
		"GOPRIVATE=git.internal.example.com,source.developers.google.com",
		"GOCACHE=/workspace/.gocache",
		"FOO=bar",
		"NOVALUE",
	}})
	checkBuild(t, b, wantBuild{Notes: []Note{
		same("CGO_ENABLED=0", "go_image builds its binary as pure Go, without cgo"),
		notCarried("GOEXPERIMENT=rangefunc,arenas", `rules_go sets experiments for the whole Go SDK: go_sdk.download(..., experiments = ["rangefunc", "arenas"]) in MODULE.bazel`),
		notCarried("GOFLAGS=-tags=netgo", "list these under the build's flags"),
		notCarried("GOAMD64=v3", "go_image builds for its platforms (goimage_platforms)"),
		notCarried("GOPRIVATE=git.internal.example.com,source.developers.google.com", "Bazel fetches modules with go_deps"),
		same("GOCACHE=/workspace/.gocache", "Bazel keeps its own caches"),
		notCarried("FOO=bar", "rules_go builds with a fixed environment; no attribute sets FOO"),
		notCarried("NOVALUE", "not NAME=value"),
	}})
}

// TestDefaults checks that a build's own flags, ldflags and env replace
// ko's defaults, each on its own, as in ko.
func TestDefaults(t *testing.T) {
	c := &KoConfig{
		DefaultFlags:   flagList{"-tags=default"},
		DefaultLdflags: stringList{"-s"},
		DefaultEnv:     flagList{"CGO_ENABLED=1"},
	}
	b, err := newBuild(0, KoBuild{Flags: flagList{"-race"}, Ldflags: stringList{"-w"}}, c, "")
	if err != nil {
		t.Fatal(err)
	}
	checkBuild(t, b, wantBuild{Race: true, GcLinkopts: []string{"-w"}, Notes: []Note{
		notCarried("CGO_ENABLED=1", "go_image builds its binary as pure Go"),
	}})
	b, err = newBuild(0, KoBuild{Env: stringList{"CGO_ENABLED=0"}}, c, "")
	if err != nil {
		t.Fatal(err)
	}
	checkBuild(t, b, wantBuild{Gotags: []string{"default"}, GcLinkopts: []string{"-s"}, Notes: []Note{
		same("CGO_ENABLED=0", "go_image builds its binary as pure Go"),
	}})
}

func TestBuildDir(t *testing.T) {
	for _, tc := range []struct {
		dir, main, koDir string
		want             string
	}{
		{"", "", "", ""},
		{".", "./cmd/app", "go", "go/cmd/app"},
		{"./bar", ".", "go", "go/bar"},
		{"", "./cmd/app/main.go", "", "cmd/app/main.go"},
		{"..", "./tools/x", "go", "tools/x"},
	} {
		b, err := newBuild(3, KoBuild{Dir: tc.dir, Main: tc.main}, &KoConfig{}, tc.koDir)
		if err != nil {
			t.Fatal(err)
		}
		if b.Dir != tc.want || b.ID != "#3" {
			t.Errorf("dir %q, main %q under %q: Dir %q, ID %q; want %q, #3", tc.dir, tc.main, tc.koDir, b.Dir, b.ID, tc.want)
		}
	}
	_, err := newBuild(0, KoBuild{ID: "up", Dir: "../.."}, &KoConfig{}, "go")
	if want := `builds[0] (up): dir "../.." and main "" name a folder outside the repository`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestNewPlanBuilds(t *testing.T) {
	c := &KoConfig{
		Builds: []KoBuild{
			{ID: "first", Main: "./cmd/app", Ldflags: stringList{"-s"}},
			{ID: "other", Main: "./cmd/other"},
			{ID: "second", Main: "cmd/app/", Ldflags: stringList{"-w"}},
		},
		DefaultLdflags: stringList{"-s -w"},
		DefaultEnv:     flagList{"CGO_ENABLED=0"},
	}
	p, err := NewPlan(c, Layout{ModulePath: "example.com/mono", ModuleDir: "go", KoDir: "go"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range p.Builds {
		got = append(got, b.ID+" "+b.Dir+" "+strings.Join(b.GcLinkopts, " "))
	}
	// ko keeps the last entry for a main package.
	want := []string{"other go/cmd/other -s -w", "second go/cmd/app -w"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("builds (-want +got):\n%s", diff)
	}
	if n := p.Builds[1].Notes; len(n) != 2 || n[1] != same("builds entry first", "names the same main package; ko uses the last entry, this one") {
		t.Errorf("notes of the second build: %v", n)
	}
	if diff := cmp.Diff([]string{"defaultLdflags", "defaultEnv"}, p.Defaults); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestStatusKeys(t *testing.T) {
	p := &Plan{Builds: []Build{
		mapBuild(t, KoBuild{Ldflags: stringList{"-X main.a={{.Git.FullCommit}}-{{.Date}}"}}),
		mapBuild(t, KoBuild{Ldflags: stringList{"-X main.b={{.Timestamp}}{{.Git.FullCommit}}"}}),
	}}
	var got []string
	for _, k := range p.StatusKeys() {
		got = append(got, k.Key)
	}
	if diff := cmp.Diff([]string{"BUILD_DATE", "BUILD_TIMESTAMP", "STABLE_GIT_COMMIT"}, got); diff != "" {
		t.Errorf("status keys (-want +got):\n%s", diff)
	}
}
