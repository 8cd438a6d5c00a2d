package goimage

import (
	"context"
	"slices"
	"strings"

	"github.com/bazel-contrib/bazel-gazelle/v2/label"
	"github.com/bazel-contrib/bazel-gazelle/v2/language"
	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
)

// Generate emits a go_image for each go_binary of the package, and an
// empty go_image for each image whose binary is gone, which Gazelle then
// deletes. With "# gazelle:goimage off" it emits no image, so that existing
// images are left as they are. A goimage_release directive adds the
// package's release (release.go).
func (l *goimageLang) Generate(_ context.Context, args language.GenerateArgs) (language.GenerateResult, error) {
	var res language.GenerateResult
	ic := getConfig(args.Config)
	if ic.enabled {
		binaries := packageBinaries(args)
		for _, bin := range binaries {
			res.Gen = append(res.Gen, newImage(args, ic, bin, imageName(ic.naming, bin, binaries)))
			res.Imports = append(res.Imports, nil)
		}
		res.Empty = staleImages(args, binaries, res.Gen)
		l.ledger.add(args.Rel, res.Gen)
	}
	// After the images: a release lists those of its own package too.
	addRelease(&res, args, ic, &l.ledger)
	return res, nil
}

// imageName names a binary's image: the naming pattern, or by default
// "image" for the only binary of a package and "<binary>_image" otherwise.
func imageName(naming, bin string, binaries []string) string {
	if naming != "" {
		return strings.ReplaceAll(naming, "{binary}", bin)
	}
	if len(binaries) == 1 && bin != "image" {
		return "image"
	}
	return bin + "_image"
}

// staleImages returns an empty go_image for each image in the BUILD file
// whose binary, a target of this package, no longer exists. Images whose
// name this run generates again are not stale: they are updated in place,
// which is how a single binary's image follows it when it is renamed.
func staleImages(args language.GenerateArgs, binaries []string, gen []*rule.Rule) []*rule.Rule {
	if args.File == nil {
		return nil
	}
	targets := map[string]bool{}
	for _, bin := range binaries {
		targets[bin] = true
	}
	binaryAliases := kindAliases(args.Config, binaryKind)
	imageAliases := kindAliases(args.Config, imageKind)
	for _, r := range args.File.Rules {
		if binaryAliases[r.Kind()] == "" && imageAliases[r.Kind()] == "" {
			targets[r.Name()] = true // a target of another kind, a macro's, say
		}
	}
	var empty []*rule.Rule
	for _, r := range args.File.Rules {
		if imageAliases[r.Kind()] == "" || slices.ContainsFunc(gen, func(g *rule.Rule) bool { return g.Name() == r.Name() }) {
			continue
		}
		if bin, ok := localTarget(r.AttrString(binaryAttr), args.Rel); ok && !targets[bin] {
			empty = append(empty, rule.NewRule(imageKind, r.Name()))
		}
	}
	return empty
}

// localTarget returns the name of the target a label names when that target
// is in package rel.
func localTarget(s, rel string) (string, bool) {
	if s == "" {
		return "", false
	}
	l, err := label.Parse(s)
	if err != nil {
		return "", false
	}
	if l.Relative || l.Repo == "" && !l.Canonical && l.Pkg == rel {
		return l.Name, true
	}
	return "", false
}
