package goimage

import (
	"slices"
	"strings"

	"github.com/bazel-contrib/bazel-gazelle/v2/config"
	"github.com/bazel-contrib/bazel-gazelle/v2/language"
	"github.com/bazel-contrib/bazel-gazelle/v2/merger"
	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
	golang "github.com/bazelbuild/bazel-gazelle/language/go"
	bzl "github.com/bazelbuild/buildtools/build"
)

const binaryKind = "go_binary"

// goBinaryInfo is how Gazelle matches and merges go_binary rules, as the
// Go language declares it.
var goBinaryInfo = golang.NewLanguage().Kinds()[binaryKind]

// packageBinaries lists the go_binary targets the package will have once
// Gazelle has merged this run's rules into its BUILD file: those the Go
// language generated, under the name of the rule they merge into, then
// those already in the file that the Go language does not delete.
//
// The extension runs after the Go language, so args.OtherGen and
// args.OtherEmpty hold its rules; the merge itself happens after every
// language ran, which is why it is predicted here with Gazelle's merger.
func packageBinaries(args language.GenerateArgs) []string {
	var existing []*rule.Rule
	if args.File != nil {
		existing = args.File.Rules
	}
	aliases := kindAliases(args.Config, binaryKind)
	merged := map[*rule.Rule]bool{}
	var names []string
	for _, r := range args.OtherGen {
		if r.Kind() != binaryKind {
			continue
		}
		name := r.Name()
		old, err := merger.Match(existing, r, goBinaryInfo, aliases)
		if err != nil {
			continue // the merger skips a rule it cannot match unambiguously
		}
		if old != nil {
			merged[old] = true
			name = old.Name()
			r = old
		}
		if makesExecutable(r) {
			names = appendNew(names, name)
		}
	}
	for _, r := range existing {
		if merged[r] || aliases[r.Kind()] != binaryKind || !makesExecutable(r) || deletedBy(r, args.OtherEmpty, existing, aliases) {
			continue
		}
		names = appendNew(names, r.Name())
	}
	return names
}

// kindAliases maps each kind that stands for kind in this directory's BUILD
// files (through map_kind or alias_kind) to kind, in the form Gazelle's
// merger takes.
func kindAliases(c *config.Config, kind string) map[string]string {
	aliases := map[string]string{kind: kind}
	for alias, underlying := range c.AliasMap {
		if underlying == kind {
			aliases[alias] = kind
		}
	}
	if mapped, ok := c.KindMap[kind]; ok {
		aliases[mapped.KindName] = kind
	}
	return aliases
}

// makesExecutable is false for go_binary rules that build a library
// (linkmode c-archive, c-shared or plugin): no image can run those.
func makesExecutable(r *rule.Rule) bool {
	mode := r.AttrString("linkmode")
	return mode == "" || mode == "normal" || mode == "pie"
}

// deletedBy reports whether merging the empty rules deletes r: an empty rule
// matches it and nothing in it is marked "# keep".
func deletedBy(r *rule.Rule, empty, existing []*rule.Rule, aliases map[string]string) bool {
	for _, e := range empty {
		if e.Kind() != binaryKind {
			continue
		}
		if old, _ := merger.Match(existing, e, goBinaryInfo, aliases); old == r {
			return !hasKeep(r)
		}
	}
	return false
}

// hasKeep reports whether the rule or one of its attributes is marked with
// a "# keep" comment.
func hasKeep(r *rule.Rule) bool {
	if r.ShouldKeep() {
		return true
	}
	for _, key := range r.AttrKeys() {
		if rule.ShouldKeep(r.Attr(key)) || slices.ContainsFunc(commentsOf(r.AttrComments(key)), isKeepComment) {
			return true
		}
	}
	return false
}

func commentsOf(c *bzl.Comments) []bzl.Comment {
	if c == nil {
		return nil
	}
	return append(append([]bzl.Comment{}, c.Before...), c.Suffix...)
}

func isKeepComment(c bzl.Comment) bool {
	text := strings.TrimSpace(strings.TrimPrefix(c.Token, "#"))
	return text == "keep" || strings.HasPrefix(text, "keep: ")
}
