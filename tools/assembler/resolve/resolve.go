// Package resolve rewrites the image references of YAML files (Kubernetes
// manifests, Helm values, Compose files) into references by digest,
// repository@sha256:..., before anything is pushed: a go_image's digest is
// known once it is built, and its repository is declared with it.
//
// A reference is a scalar value (of a mapping or a sequence, never a key)
// written as a Bazel label ("//app:image", "@//app:image", "//app" for
// "//app:app") or as ko's "ko://example.com/cmd/app"; or a plain name the
// rule gives an image, such as "api", as the value of an "image" key only,
// since a plain word is also a container's name elsewhere. Only those values change: the files are rewritten in
// place, byte for byte otherwise, so comments, ordering, quoting and every
// document of a multi-document file stay as written. A value that looks
// like a reference (a label or ko://) but names no image the rule knows is
// an error naming the file and line, since deploying it would fail later
// and farther away; other values are left alone. Block scalars (| and >)
// are text, not references, and are never changed.
package resolve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Refs maps the names of images, as Key normalizes them, to the
// references by digest that replace them.
type Refs map[string]string

// labelPattern is a Bazel label of a target, with or without a repository.
var labelPattern = regexp.MustCompile(`^@{0,2}[A-Za-z0-9_.~+-]*//[A-Za-z0-9_./+-]*(:[A-Za-z0-9_./+=,@~-]+)?$`)

// imageKey is the key whose values plain names are replaced in:
// Kubernetes' and Compose's "image".
const imageKey = "image"

// koPrefix marks ko's references to a Go main package by import path.
const koPrefix = "ko://"

// Key normalizes a name: labels of the main repository lose their "@" or
// "@@", and "//app" becomes "//app:app", so that every spelling of a label
// finds the same image. Other names are kept as they are.
func Key(s string) string {
	if !labelPattern.MatchString(s) {
		return s
	}
	repo, rest, _ := strings.Cut(s, "//")
	repo = apparentRepo(repo)
	if !strings.Contains(rest, ":") {
		pkg := rest
		if i := strings.LastIndex(pkg, "/"); i >= 0 {
			pkg = pkg[i+1:]
		}
		rest += ":" + pkg
	}
	return repo + "//" + rest
}

// apparentRepo is the repository part of a label as a BUILD file of the
// main module writes it: "" for the main repository, and "@name" for a
// module's, which Bazel spells canonically as "@@name~" (Bazel 7) or
// "@@name+" (Bazel 8) in the labels the rules hand over.
func apparentRepo(repo string) string {
	name := strings.TrimLeft(repo, "@")
	if name == "" {
		return ""
	}
	if base, ok := strings.CutSuffix(name, "~"); ok && !strings.ContainsAny(base, "~+") {
		name = base
	} else if base, ok := strings.CutSuffix(name, "+"); ok && !strings.ContainsAny(base, "~+") {
		name = base
	}
	return "@" + name
}

// looksLikeOurs says whether an unknown value is still meant as an image
// reference: a label or a ko:// reference.
func looksLikeOurs(s string) bool {
	return strings.HasPrefix(s, koPrefix) || labelPattern.MatchString(s) && !strings.HasSuffix(s, "//")
}

// replacement is one scalar to rewrite, at a byte offset of the source.
type replacement struct {
	offset int
	old    string
	new    string
}

// YAML rewrites the references of src, the content of the file named file
// (for errors only), and returns the new content. A file past the limits
// (MaxBytes, MaxDocuments, MaxAliasNodes) is refused.
func YAML(file string, src []byte, refs Refs) ([]byte, error) {
	if len(src) > MaxBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes, the most goimage_resolve reads; split it into several files", file, MaxBytes)
	}
	lines := lineOffsets(src)
	var reps []replacement
	var errs []error
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for docs := 0; ; docs++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s is not valid YAML: %w", file, err)
		}
		if docs == MaxDocuments {
			return nil, fmt.Errorf("%s holds more than %d YAML documents, the most goimage_resolve reads in one file; split it into several files", file, MaxDocuments)
		}
		if err := checkDocument(file, &doc); err != nil {
			return nil, err
		}
		walk(&doc, "", func(n *yaml.Node, key string) {
			r, err := replace(file, src, lines, n, key, refs)
			if err != nil {
				errs = append(errs, err)
			} else if r != nil {
				reps = append(reps, *r)
			}
		})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return apply(src, reps), nil
}

// walk calls f for every scalar that is a value, not a key, with the key
// it is the value of ("" in a sequence or at the top).
func walk(n *yaml.Node, key string, f func(n *yaml.Node, key string)) {
	switch n.Kind {
	case yaml.ScalarNode:
		f(n, key)
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			walk(n.Content[i+1], n.Content[i].Value, f)
		}
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			walk(c, "", f)
		}
	}
}

// replace returns the replacement of one scalar, nil when it is no
// reference, or an error for a reference to an unknown image.
func replace(file string, src []byte, lines []int, n *yaml.Node, key string, refs Refs) (*replacement, error) {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || n.Tag != "!!str" {
		return nil, nil
	}
	ref, ok := refs[Key(n.Value)]
	if ok && !looksLikeOurs(n.Value) && key != imageKey {
		// A plain name, such as "api", is also a container's name or a
		// label's value; it is a reference only where an image goes.
		return nil, nil
	}
	if !ok {
		// A label-shaped value elsewhere may be a URL path ("//cdn.example.com/a.js")
		// or a path with a doubled slash: unknown, it is left as written.
		if strings.HasPrefix(n.Value, koPrefix) || key == imageKey && looksLikeOurs(n.Value) {
			return nil, fmt.Errorf("%s:%d: %q names no image of this goimage_resolve; add its go_image to images (a ko:// path to names), or correct the reference; known: %s", file, n.Line, n.Value, known(refs))
		}
		return nil, nil
	}
	quote := ""
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		quote = `"`
	case n.Style&yaml.SingleQuotedStyle != 0:
		quote = `'`
	}
	old := quote + n.Value + quote
	offset := valueOffset(src, lines, n, old)
	if offset < 0 {
		return nil, fmt.Errorf("%s:%d: the reference %q is written with escapes or over several lines, which cannot be replaced in place; write it on one line, unquoted", file, n.Line, n.Value)
	}
	return &replacement{offset: offset, old: old, new: quote + ref + quote}, nil
}

func known(refs Refs) string {
	names := make([]string, 0, len(refs))
	for k := range refs {
		names = append(names, k)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// lineOffsets returns the byte offset at which each line starts.
func lineOffsets(src []byte) []int {
	offsets := []int{0}
	for i, b := range src {
		if b == '\n' {
			offsets = append(offsets, i+1)
		}
	}
	return offsets
}

// byteOffset turns the parser's line and column (1-based, the column in
// characters) into a byte offset, or -1.
func byteOffset(src []byte, lines []int, line, column int) int {
	if line < 1 || line > len(lines) {
		return -1
	}
	off := lines[line-1]
	for c := 1; c < column; c++ {
		if off >= len(src) || src[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(src[off:])
		off += size
	}
	return off
}

// valueOffset finds where the scalar old is written: at the parser's
// position, or after an anchor or tag on the same line; -1 if not there.
func valueOffset(src []byte, lines []int, n *yaml.Node, old string) int {
	start := byteOffset(src, lines, n.Line, n.Column)
	if start < 0 {
		return -1
	}
	end := bytes.IndexByte(src[start:], '\n')
	if end < 0 {
		end = len(src) - start
	}
	i := bytes.Index(src[start:start+end], []byte(old))
	if i < 0 {
		return -1
	}
	return start + i
}

// apply makes the replacements, which do not overlap.
func apply(src []byte, reps []replacement) []byte {
	sort.Slice(reps, func(i, j int) bool { return reps[i].offset < reps[j].offset })
	var out bytes.Buffer
	last := 0
	for _, r := range reps {
		out.Write(src[last:r.offset])
		out.WriteString(r.new)
		last = r.offset + len(r.old)
	}
	out.Write(src[last:])
	return out.Bytes()
}
