package goimage

import (
	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
)

const imageKind = "go_image"

// Attributes of go_image that the extension writes. They follow the
// directives: a value written by hand is replaced on the next run unless
// it carries a "# keep" comment. Other attributes are never touched.
const (
	binaryAttr          = "binary"
	baseAttr            = "base"
	platformsAttr       = "platforms"
	repositoryAttr      = "repository"
	remoteTagsAttr      = "remote_tags"
	userAttr            = "user"
	dataAttr            = "data"
	dataStripPrefixAttr = "data_strip_prefix"
	sbomAttr            = "sbom"
	goModAttr           = "go_mod"
)

var imageKinds = map[string]rule.KindInfo{
	imageKind: {
		// An image written by hand for a binary, under any name, is the
		// image of that binary: it is updated, not doubled.
		MatchAttrs:    []string{binaryAttr},
		NonEmptyAttrs: map[string]bool{binaryAttr: true},
		MergeableAttrs: map[string]bool{
			binaryAttr:          true,
			baseAttr:            true,
			platformsAttr:       true,
			repositoryAttr:      true,
			remoteTagsAttr:      true,
			userAttr:            true,
			dataAttr:            true,
			dataStripPrefixAttr: true,
			sbomAttr:            true,
			goModAttr:           true,
		},
	},
	releaseKind: releaseKindInfo,
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
		Symbols: []string{imageKind, releaseKind},
	}}
}
