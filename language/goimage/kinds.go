package goimage

import (
	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
)

const imageKind = "go_image"

var imageKinds = map[string]rule.KindInfo{
	imageKind: {
		MatchAttrs:     []string{"binary"},
		NonEmptyAttrs:  map[string]bool{"binary": true},
		MergeableAttrs: map[string]bool{"binary": true, "base": true},
	},
}

func (*goimageLang) Kinds() map[string]rule.KindInfo { return imageKinds }

// ApparentLoads names the rules_goimage repository as the user's MODULE.bazel does.
func (*goimageLang) ApparentLoads(moduleToApparentName func(string) string) []rule.LoadInfo {
	repo := moduleToApparentName("rules_goimage")
	if repo == "" {
		repo = "rules_goimage"
	}
	return []rule.LoadInfo{{
		Name:    "@" + repo + "//rules:defs.bzl",
		Symbols: []string{imageKind},
	}}
}

// Loads is used by Gazelle versions that do not call ApparentLoads.
func (l *goimageLang) Loads() []rule.LoadInfo {
	return l.ApparentLoads(func(string) string { return "" })
}
