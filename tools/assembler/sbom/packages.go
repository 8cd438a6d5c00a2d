package sbom

import (
	"debug/buildinfo"
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
)

// Package is an SPDX package: here, one Go module.
type Package struct {
	Name                  string        `json:"name"`
	SPDXID                string        `json:"SPDXID"`
	VersionInfo           string        `json:"versionInfo,omitempty"`
	DownloadLocation      string        `json:"downloadLocation"`
	FilesAnalyzed         bool          `json:"filesAnalyzed"`
	LicenseConcluded      string        `json:"licenseConcluded"`
	LicenseDeclared       string        `json:"licenseDeclared"`
	CopyrightText         string        `json:"copyrightText"`
	SourceInfo            string        `json:"sourceInfo,omitempty"`
	PrimaryPackagePurpose string        `json:"primaryPackagePurpose"`
	ExternalRefs          []ExternalRef `json:"externalRefs,omitempty"`
}

// ExternalRef is a package URL (purl) for a module.
type ExternalRef struct {
	Category string `json:"referenceCategory"`
	Type     string `json:"referenceType"`
	Locator  string `json:"referenceLocator"`
}

// modulePackages lists the main module, then the standard library, then the
// dependencies in the order the build info has them (sorted by path). A
// main module without a path (a binary linked without module information)
// is named after the document.
func modulePackages(bi *buildinfo.BuildInfo, name string) ([]Package, []Relationship) {
	main := newPackage("SPDXRef-Package-main", bi.Main.Path, bi.Main.Version, "APPLICATION")
	if main.Name == "" {
		main.Name = name
	}
	main.SourceInfo = vcsSource(bi.Settings)
	std := newPackage("SPDXRef-Package-stdlib", "stdlib", bi.GoVersion, "LIBRARY")
	pkgs := []Package{main, std}
	rels := []Relationship{
		{"SPDXRef-DOCUMENT", "DESCRIBES", main.SPDXID},
		{main.SPDXID, "DEPENDS_ON", std.SPDXID},
	}
	for n, dep := range bi.Deps {
		p := dependency(n, dep)
		pkgs = append(pkgs, p)
		rels = append(rels, Relationship{main.SPDXID, "DEPENDS_ON", p.SPDXID})
	}
	return pkgs, rels
}

func dependency(n int, dep *debug.Module) Package {
	id := fmt.Sprintf("SPDXRef-Package-%d-%s", n+1, sanitize(dep.Path))
	if dep.Replace == nil {
		return newPackage(id, dep.Path, dep.Version, "LIBRARY")
	}
	p := newPackage(id, dep.Replace.Path, dep.Replace.Version, "LIBRARY")
	p.SourceInfo = fmt.Sprintf("replaces %s %s", dep.Path, dep.Version)
	return p
}

func newPackage(id, path, version, purpose string) Package {
	p := Package{
		Name: path, SPDXID: id, VersionInfo: version,
		DownloadLocation: "NOASSERTION", LicenseConcluded: "NOASSERTION",
		LicenseDeclared: "NOASSERTION", CopyrightText: "NOASSERTION",
		PrimaryPackagePurpose: purpose,
	}
	if path != "" && !strings.HasPrefix(path, ".") && !strings.HasPrefix(path, "/") {
		p.ExternalRefs = []ExternalRef{{"PACKAGE-MANAGER", "purl", Purl(path, version)}}
	}
	return p
}

// Purl is the package URL of a Go module: pkg:golang/<path>@<version>, or
// without @<version> for a module without one (the main module's "(devel)").
func Purl(path, version string) string {
	u := "pkg:golang/" + path
	if version != "" && version != "(devel)" {
		u += "@" + version
	}
	return u
}

func vcsSource(settings []debug.BuildSetting) string {
	var vcs, rev string
	for _, s := range settings {
		switch s.Key {
		case "vcs":
			vcs = s.Value
		case "vcs.revision":
			rev = s.Value
		}
	}
	if rev == "" {
		return ""
	}
	return fmt.Sprintf("built from %s revision %s", vcs, rev)
}

var notIDChar = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// sanitize makes s usable in SPDX identifiers and namespaces.
func sanitize(s string) string { return strings.Trim(notIDChar.ReplaceAllString(s, "-"), "-") }
