package sbom

import (
	"debug/buildinfo"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestModulePackages(t *testing.T) {
	bi := &buildinfo.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "example.com/app", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "github.com/a/b", Version: "v1.2.3"},
			{Path: "github.com/c/d", Version: "v0.1.0", Replace: &debug.Module{Path: "github.com/fork/d", Version: "v0.1.1"}},
			{Path: "example.com/local", Version: "v0.0.0", Replace: &debug.Module{Path: "../local"}},
		},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "abc123"}},
	}
	pkgs, rels := modulePackages(bi, "example.com/app:v1")
	type row struct{ ID, Name, Version, Purl, Source string }
	var got []row
	for _, p := range pkgs {
		r := row{p.SPDXID, p.Name, p.VersionInfo, "", p.SourceInfo}
		if len(p.ExternalRefs) == 1 {
			r.Purl = p.ExternalRefs[0].Locator
		}
		got = append(got, r)
	}
	want := []row{
		{"SPDXRef-Package-main", "example.com/app", "(devel)", "pkg:golang/example.com/app", "built from git revision abc123"},
		{"SPDXRef-Package-stdlib", "stdlib", "go1.26.8", "pkg:golang/stdlib@go1.26.8", ""},
		{"SPDXRef-Package-1-github.com-a-b", "github.com/a/b", "v1.2.3", "pkg:golang/github.com/a/b@v1.2.3", ""},
		{"SPDXRef-Package-2-github.com-c-d", "github.com/fork/d", "v0.1.1", "pkg:golang/github.com/fork/d@v0.1.1", "replaces github.com/c/d v0.1.0"},
		{"SPDXRef-Package-3-example.com-local", "../local", "", "", "replaces example.com/local v0.0.0"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	if len(rels) != len(pkgs) || rels[0].Type != "DESCRIBES" || rels[1].Related != "SPDXRef-Package-stdlib" {
		t.Errorf("relationships %+v: want the document to describe main, and main to depend on the rest", rels)
	}
}
