// Package sbom writes an SPDX 2.3 JSON document that lists the Go modules a
// binary was built from, as the Go toolchain recorded them in the binary's
// build info (what `go version -m` prints): the main module, every
// dependency (with replacements), and the Go standard library. For binaries
// linked without that record of modules (rules_go's before v0.63.0), the
// modules come from the packages Bazel linked and the package metadata of
// the repositories go_deps fetched them into (ModulesOfPackages).
//
// The document depends only on the binary and the given time, so it is as
// reproducible as the image it describes.
package sbom

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"time"
)

// MediaType is the media type of SPDX JSON documents, used as the artifact
// type when the document is attached to an image.
const MediaType = "application/spdx+json"

// Document is the subset of SPDX 2.3 that describes Go modules.
type Document struct {
	SPDXVersion       string         `json:"spdxVersion"`
	DataLicense       string         `json:"dataLicense"`
	SPDXID            string         `json:"SPDXID"`
	Name              string         `json:"name"`
	DocumentNamespace string         `json:"documentNamespace"`
	CreationInfo      CreationInfo   `json:"creationInfo"`
	Packages          []Package      `json:"packages"`
	Relationships     []Relationship `json:"relationships"`
}

// CreationInfo says who made the document, and when.
type CreationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

// Relationship links two SPDX elements.
type Relationship struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
}

// Modules are the modules of a binary, for when its build info lacks them
// (see ModulesOfPackages).
type Modules struct {
	Main debug.Module
	Deps []*debug.Module
}

// FromBinary reads the build info of the Go binary at path and returns its
// SBOM as indented JSON. name names the document (e.g. the image). modules
// are used as BuildInfo says.
func FromBinary(path, name string, created time.Time, modules *Modules) ([]byte, error) {
	bi, err := BuildInfo(path, modules)
	if err != nil {
		return nil, err
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return nil, err
	}
	doc := Document{
		SPDXVersion:       "SPDX-2.3",
		DataLicense:       "CC0-1.0",
		SPDXID:            "SPDXRef-DOCUMENT",
		Name:              name,
		DocumentNamespace: "https://spdx.org/spdxdocs/rules_goimage/" + sanitize(name) + "-" + sum,
		CreationInfo: CreationInfo{
			Created:  created.UTC().Format(time.RFC3339),
			Creators: []string{"Tool: rules_goimage-assembler"},
		},
	}
	doc.Packages, doc.Relationships = modulePackages(bi, name)
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// BuildInfo reads the Go build info of the binary at path: its Go version,
// build settings and modules. The SBOM and the provenance (package
// provenance) list the modules it returns. A binary that records its
// dependencies (go build's, rules_go's since v0.63.0) is the truth about
// them, and modules are not used. Otherwise modules, when not nil, stand for
// the dependencies, and for the main module when the binary names none.
func BuildInfo(path string, modules *Modules) (*buildinfo.BuildInfo, error) {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the Go build info of %s, which lists the modules it was built from: %w; only Go binaries (Go 1.18 or newer) have one", path, err)
	}
	if modules == nil || len(bi.Deps) > 0 {
		return bi, nil
	}
	bi.Deps = modules.Deps
	if bi.Main.Path == "" {
		bi.Main = modules.Main
	}
	if bi.Path == "" {
		bi.Path = modules.Main.Path
	}
	return bi, nil
}

func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
