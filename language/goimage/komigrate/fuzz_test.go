package komigrate

import (
	"os"
	"path/filepath"
	"testing"

	bzl "github.com/bazelbuild/buildtools/build"
)

// FuzzKoConfig feeds any bytes as a .ko.yaml, gives what it reads to the
// plan, and each build's attributes to a go_binary, which must parse and
// stay as it is on a second edit.
func FuzzKoConfig(f *testing.F) {
	f.Add([]byte("defaultBaseImage: gcr.io/distroless/static:nonroot\ndefaultPlatforms: [linux/amd64, linux/arm64]\nbaseImageOverrides:\n  example.com/app/cmd/a: cgr.dev/chainguard/static\n"))
	f.Add([]byte("defaultPlatforms: all\n"))
	f.Add([]byte("builds:\n- id: foo\n  dir: .\n  main: ./foobar/foo\n  env:\n  - GOPRIVATE=git.internal.example.com\n  - CGO_ENABLED=1\n  flags:\n  - -tags\n  - netgo\n  - -race\n  - -gcflags=-N -l\n  ldflags:\n  - -s -w\n  - -extldflags \"-static\"\n  - -X main.version={{.Env.VERSION}}\n  - -X 'main.commit={{ .Git.FullCommit }}'\n"))
	f.Add([]byte("defaultEnv: [FOO=foo]\ndefaultFlags: -v -trimpath\ndefaultLdflags: -s -X main.ts={{.Timestamp}}\nbuilds:\n- id: bar\n  dir: ./bar\n  main: .\n- main: cmd/x/main.go\n  ldflags: '{{if .Git.IsDirty}}-X main.dirty=yes{{end}}'\n"))
	f.Add([]byte("baseImageOverrides:\n  example.com/app/vendor/github.com/tsenart/vegeta/v12: ubuntu:latest\n  ko://github.com/x/y/cmd/z: alpine\nbuilds:\n- ID: a\n  Main: ./cmd/a\n  linux_capabilities: cap_net_bind_service chown+ep 12\n  goos: [linux]\n"))
	f.Add([]byte("defaultbaseimage: ''\nunknown: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), ".ko.yaml")
		os.WriteFile(path, data, 0o644)
		c, err := ReadKoConfig(path)
		if err != nil {
			if err.Error() == "" {
				t.Error("an error without a message")
			}
			return
		}
		p, err := NewPlan(c, Layout{ModulePath: "example.com/app", ModuleDir: "app", KoDir: "app/deploy", Requires: []string{"github.com/tsenart/vegeta/v12", "github.com/x/y"}})
		if err != nil {
			return
		}
		for i := range p.Builds {
			once, _, err := editGoBinary("BUILD.bazel", []byte(gazelleBinary), &p.Builds[i])
			if err != nil {
				t.Fatalf("build %s: %v", p.Builds[i].ID, err)
			}
			if _, err := bzl.ParseBuild("BUILD.bazel", once); err != nil {
				t.Fatalf("build %s: the edited file does not parse: %v\n%s", p.Builds[i].ID, err, once)
			}
			twice, _, _ := editGoBinary("BUILD.bazel", once, &p.Builds[i])
			if string(twice) != string(once) {
				t.Fatalf("build %s: a second edit changes the file:\n%s\n%s", p.Builds[i].ID, once, twice)
			}
		}
	})
}
