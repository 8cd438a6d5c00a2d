package goimage

import (
	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
	"github.com/bazelbuild/bazel-gazelle/language"
)

const binaryKind = "go_binary"

// GenerateRules emits a go_image for each go_binary of the package.
func (*goimageLang) GenerateRules(args language.GenerateArgs) language.GenerateResult {
	var res language.GenerateResult
	if !getConfig(args.Config).enabled {
		return res
	}
	binaries := binaryNames(args)
	for _, bin := range binaries {
		r := rule.NewRule(imageKind, imageName(bin, len(binaries)))
		r.SetAttr("binary", ":"+bin)
		res.Gen = append(res.Gen, r)
		res.Imports = append(res.Imports, nil)
	}
	return res
}

// binaryNames lists the go_binary targets of the package: those the Go
// language generated in this run, then those already in the BUILD file.
func binaryNames(args language.GenerateArgs) []string {
	var names []string
	seen := map[string]bool{}
	add := func(r *rule.Rule) {
		if r.Kind() == binaryKind && !seen[r.Name()] {
			seen[r.Name()] = true
			names = append(names, r.Name())
		}
	}
	for _, r := range args.OtherGen {
		add(r)
	}
	if args.File != nil {
		for _, r := range args.File.Rules {
			add(r)
		}
	}
	return names
}

func imageName(binary string, binaries int) string {
	if binaries == 1 {
		return "image"
	}
	return binary + "_image"
}
