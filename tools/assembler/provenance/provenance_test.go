package provenance

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const commit = "0123456789abcdef0123456789abcdef01234567"

// fixture is an image with a base, a module replaced by another, one
// replaced by a directory, one with its go.sum hash (the spec's example),
// and a package no module provides.
func fixture(status map[string]string) Build {
	return Build{
		Name:       "//app:image",
		Digest:     v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("ab", 32)},
		Label:      "//app:image",
		Platform:   "linux/arm64",
		BaseName:   "gcr.io/distroless/static:nonroot",
		BaseDigest: v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("cd", 32)},
		GoVersion:  "go1.26.8",
		Main:       debug.Module{Path: "example.com/app", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "github.com/a/b", Version: "v1.2.3"},
			{Path: "github.com/bazelbuild/rules_go/go/runfiles"},
			{Path: "github.com/c/d", Version: "v0.1.0", Replace: &debug.Module{Path: "github.com/fork/d", Version: "v0.1.1"}},
			{Path: "github.com/marklodato/go-hello-world", Version: "v0.0.1", Sum: "h1:Khu2En+0gcYPZ2kuIihfswbzxv/mIHXgzPZ018Oty48="},
			{Path: "example.com/local", Version: "v0.0.0", Replace: &debug.Module{Path: "../local"}},
		},
		Status: status,
	}
}

// The statements of a fixture, stamped and not, are the golden files byte
// for byte (go test -update rewrites them after a deliberate change).
func TestGolden(t *testing.T) {
	for file, status := range map[string]map[string]string{
		"statement.json": nil,
		"statement_stamped.json": {
			"STABLE_GIT_COMMIT": commit, "BUILD_SCM_REVISION": strings.Repeat("f", 40),
			"BUILD_TIMESTAMP": "1700000000", "BUILD_USER": "alice",
		},
	} {
		t.Run(file, func(t *testing.T) {
			got, err := JSON(fixture(status))
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", file)
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("statement differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// The fields that make the statement what it is, read back from its JSON
// under the names the specs give them: in-toto Statement v1 and SLSA
// Provenance v1. (spec_test.go checks every field against the specs' own
// bindings.)
func TestSpecFields(t *testing.T) {
	got, err := JSON(fixture(map[string]string{"STABLE_GIT_COMMIT": commit, "BUILD_TIMESTAMP": "1700000000"}))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Type    string `json:"_type"`
		Subject []struct {
			Name   string            `json:"name"`
			Digest map[string]string `json:"digest"`
		} `json:"subject"`
		PredicateType string `json:"predicateType"`
		Predicate     struct {
			BuildDefinition struct {
				BuildType            string            `json:"buildType"`
				ExternalParameters   map[string]string `json:"externalParameters"`
				ResolvedDependencies []struct {
					Name   string            `json:"name"`
					URI    string            `json:"uri"`
					Digest map[string]string `json:"digest"`
				} `json:"resolvedDependencies"`
			} `json:"buildDefinition"`
			RunDetails struct {
				Builder struct {
					ID string `json:"id"`
				} `json:"builder"`
				Metadata struct {
					StartedOn string `json:"startedOn"`
				} `json:"metadata"`
			} `json:"runDetails"`
		} `json:"predicate"`
	}
	if err := json.Unmarshal(got, &s); err != nil {
		t.Fatal(err)
	}
	bd, rd := s.Predicate.BuildDefinition, s.Predicate.RunDetails
	checks := []struct {
		what      string
		got, want any
	}{
		{"_type", s.Type, "https://in-toto.io/Statement/v1"},
		{"predicateType", s.PredicateType, "https://slsa.dev/provenance/v1"},
		{"subject", len(s.Subject), 1},
		{"subject digest", s.Subject[0].Digest["sha256"], strings.Repeat("ab", 32)},
		{"buildType", bd.BuildType, BuildType},
		{"externalParameters", bd.ExternalParameters, map[string]string{"label": "//app:image", "platform": "linux/arm64"}},
		{"base", bd.ResolvedDependencies[0].Digest["sha256"], strings.Repeat("cd", 32)},
		{"source", bd.ResolvedDependencies[1].Digest["gitCommit"], commit},
		{"stdlib", bd.ResolvedDependencies[2].URI, "pkg:golang/stdlib@go1.26.8"},
		{"a module", bd.ResolvedDependencies[3].URI, "pkg:golang/github.com/a/b@v1.2.3"},
		// The spec's own example of a Go module's hash.
		{"dirHash", bd.ResolvedDependencies[6].Digest["dirHash"], "2a1bb6127fb481c60f67692e22285fb306f3c6ffe62075e0ccf674d7c3adcb8f"},
		{"builder.id", rd.Builder.ID, "https://github.com/rules-goimage/rules_goimage@v" + Version},
		{"startedOn", rd.Metadata.StartedOn, "2023-11-14T22:13:20Z"},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.what, diff)
		}
	}
}

// Without workspace status, the statement names no revision and no time:
// it depends on the image alone, and the same build gives the same bytes.
func TestUnstampedIsReproducible(t *testing.T) {
	first, err := JSON(fixture(nil))
	if err != nil {
		t.Fatal(err)
	}
	second, err := JSON(fixture(map[string]string{}))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("two statements of the same image differ")
	}
	for _, s := range []string{"gitCommit", "metadata", "startedOn"} {
		if bytes.Contains(first, []byte(s)) {
			t.Errorf("an unstamped statement has %q:\n%s", s, first)
		}
	}
}

// A scratch image has no base to list, and a build outside Bazel no label.
func TestScratchWithoutLabel(t *testing.T) {
	b := fixture(nil)
	b.Name, b.Label, b.BaseName, b.BaseDigest = "", "", "", v1.Hash{}
	s, err := New(b)
	if err != nil {
		t.Fatal(err)
	}
	if s.Subject[0].Name != "_" {
		t.Errorf("subject name %q, want \"_\", the spec's name for an unnamed subject", s.Subject[0].Name)
	}
	if _, ok := s.Predicate.BuildDefinition.ExternalParameters["label"]; ok {
		t.Error("externalParameters has a label, without one given")
	}
	if first := s.Predicate.BuildDefinition.ResolvedDependencies[0]; first.Name != "stdlib" {
		t.Errorf("first dependency %+v, want the standard library: scratch is no dependency", first)
	}
}

// A revision that is no full commit hash (git describe) is recorded as a
// parameter, not as a source a verifier could check; a tree with changes
// the commit lacks is marked on the source.
func TestRevisions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   map[string]string
		source   *ResourceDescriptor
		revision string
	}{
		{"full hash", map[string]string{"STABLE_GIT_COMMIT": commit}, &ResourceDescriptor{Name: "source", Digest: map[string]string{"gitCommit": commit}}, ""},
		{"dirty by git describe", map[string]string{"BUILD_SCM_REVISION": commit + "-dirty"},
			&ResourceDescriptor{Name: "source", Digest: map[string]string{"gitCommit": commit}, Annotations: map[string]string{"modified": "true"}}, ""},
		{"dirty by status", map[string]string{"BUILD_SCM_REVISION": commit, "BUILD_SCM_STATUS": "Modified"},
			&ResourceDescriptor{Name: "source", Digest: map[string]string{"gitCommit": commit}, Annotations: map[string]string{"modified": "true"}}, ""},
		{"git describe", map[string]string{"BUILD_SCM_REVISION": "v1.2-3-g0123abc-dirty"}, nil, "v1.2-3-g0123abc-dirty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.source, sourceRevision(tc.status)); diff != "" {
				t.Errorf("source (-want +got):\n%s", diff)
			}
			if got := revisionParameter(tc.status); got != tc.revision {
				t.Errorf("sourceRevision parameter %q, want %q", got, tc.revision)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Build)
		want string
	}{
		{"bad timestamp", func(b *Build) { b.Status = map[string]string{"BUILD_TIMESTAMP": "yesterday"} }, "BUILD_TIMESTAMP is \"yesterday\""},
		{"no digest", func(b *Build) { b.Digest = v1.Hash{} }, "not a sha256 digest"},
		{"no platform", func(b *Build) { b.Platform = "" }, "platform"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := fixture(nil)
			tc.edit(&b)
			_, err := JSON(b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one that says %q", err, tc.want)
			}
		})
	}
}

// Version is the version MODULE.bazel declares, which builder.id names.
func TestVersionIsTheModules(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "MODULE.bazel"))
	if err != nil {
		t.Skipf("MODULE.bazel is not beside the sources here: %v", err)
	}
	if want := `version = "` + Version + `"`; !bytes.Contains(data, []byte(want)) {
		t.Errorf("MODULE.bazel does not declare %s: update provenance.Version with the module's version", want)
	}
}

// writeRenamed copies the file src to dst with old replaced by new.
func writeRenamed(t *testing.T, src, dst, old, new string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s has no %s", src, old)
	}
	if err := os.WriteFile(dst, bytes.ReplaceAll(data, []byte(old), []byte(new)), 0o644); err != nil {
		t.Fatal(err)
	}
}
