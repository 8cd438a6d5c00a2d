package provenance

import (
	"encoding/base64"
	"encoding/hex"
	"runtime/debug"
	"strings"

	"github.com/rules-goimage/rules_goimage/tools/assembler/sbom"
)

// dependencies are what the image was built from, in a fixed order: the
// base, the source revision, the Go standard library, then the modules in
// the order of Deps (sorted by path, as the Go toolchain and package sbom
// list them).
func dependencies(b Build) ([]ResourceDescriptor, error) {
	var deps []ResourceDescriptor
	if b.BaseDigest.Hex != "" {
		deps = append(deps, ResourceDescriptor{
			Name:   baseName(b.BaseName),
			Digest: map[string]string{b.BaseDigest.Algorithm: b.BaseDigest.Hex},
		})
	}
	if source := sourceRevision(b.Status); source != nil {
		deps = append(deps, *source)
	}
	if b.GoVersion != "" {
		deps = append(deps, ResourceDescriptor{Name: "stdlib", URI: sbom.Purl("stdlib", b.GoVersion)})
	}
	for _, m := range b.Deps {
		deps = append(deps, module(m))
	}
	return deps, nil
}

func baseName(name string) string {
	if name == "" {
		return "base"
	}
	return name
}

// module describes a module by its package URL: the replacement's, when it
// is replaced by another module (the code that was linked), annotated with
// what it replaces. A module replaced by a directory keeps its own URL,
// annotated with the directory, which has no URL. A module the binary
// records with its go.sum hash (go build's, not rules_go's) also has the
// digest in-toto defines for that hash, dirHash.
func module(m *debug.Module) ResourceDescriptor {
	used := m
	var annotations map[string]string
	switch r := m.Replace; {
	case r != nil && isLocal(r.Path):
		annotations = map[string]string{"replacedBy": r.Path}
	case r != nil:
		used = r
		annotations = map[string]string{"replaces": strings.TrimSpace(m.Path + " " + m.Version)}
	}
	rd := ResourceDescriptor{Name: used.Path, URI: sbom.Purl(used.Path, used.Version), Annotations: annotations}
	if d := dirHash(used.Sum); d != "" {
		rd.Digest = map[string]string{"dirHash": d}
	}
	return rd
}

func isLocal(path string) bool { return strings.HasPrefix(path, ".") || strings.HasPrefix(path, "/") }

// dirHash turns a go.sum hash "h1:<base64>" into in-toto's dirHash, the
// same SHA-256 in lowercase hex; other hashes give "". (The digest set spec
// heads the algorithm "dirHash" and its example "dirHash1"; the spec's own
// Go bindings know and check "dirHash".)
func dirHash(sum string) string {
	b64, ok := strings.CutPrefix(sum, "h1:")
	if !ok {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != 32 {
		return ""
	}
	return hex.EncodeToString(raw)
}
